using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Tests.Training;

/// <summary>
/// A nonlinear conv network trained by DSM on exact samples of a Gaussian target approaches the exact score as closely as its
/// receptive field allows (issue 12). Its output at x depends on the inputs within distance 2R (two convolutions of range R),
/// and for a Gaussian law the best score of that window in L2 is linear, so the trained error must land between the exact
/// optima of the local linear networks of range 2R (a floor no function of the window can beat) and range R (which the
/// network holds exactly through its skip K_0, with K_out = 0).
/// </summary>
public sealed class ConvTrainingTests
{
    [Fact]
    public void TrainedConvScoreLandsBetweenTheLocalLinearOptima()
    {
        var lattice = new Lattice(2, 6);
        var field = GaussianField.FreeField(lattice, 0.3);
        var process = new VariancePreserving();
        const double t = 0.1;
        var model = new NonlinearConvNetwork(lattice, 1, ConvSpec.Parse("conv:4:1:tanh"));
        var config = new SampleTrainingConfig { MaxSteps = 3000, Seed = 3, ValidationSize = 64, EvalInterval = 100 };
        var result = SampleTrainer.TrainSlice(model, new GaussianSource(field), process, t, config, 0, new FixedBudgetRule());
        Assert.False(result.Diverged);

        var noised = process.NoisedSpectrumTable(field.SpectrumTable(), t);
        double noise = process.NoiseVariance(t);
        double exact = LinearMomentNetwork.ExactOptimumLoss(noised, noise);
        double LocalGap(int r) => ArchitectureOptimum.Loss(lattice, Architecture.Parse($"one-layer-local:{r}"), noised, noise)!.Value - exact;
        double rangeR = LocalGap(1), range2R = LocalGap(2);

        var start = model.CreateParameters();
        var startRng = new RandomStream(1, 0);
        model.Initialize(start, noised.Max(), ref startRng);
        var (trained, trainedError) = ScoreError(model, result.Parameters, field, process, t);
        var (initial, _) = ScoreError(model, start, field, process, t);

        // The floor of the window (within 4 standard errors of the estimate), and the range-R linear optimum with a 10 %
        // allowance for the minibatch-noise floor of a constant Adam rate.
        Assert.True(trained >= range2R - 4 * trainedError, $"trained {trained} +- {trainedError} below the range-2R optimum {range2R}");
        Assert.True(trained <= 1.1 * rangeR, $"trained {trained} +- {trainedError} above the range-R optimum {rangeR}");
        Assert.True(trained < 0.05 * initial, $"trained {trained} against initial {initial}");
    }

    /// <summary>(1/(N V)) sum ||s(x_t) - s*(x_t)||^2 over N fresh noised samples, with its standard error.</summary>
    private static (double Mean, double Error) ScoreError(ScoreModel model, NetworkParameters parameters, GaussianField field,
        ForwardProcess process, double t)
    {
        const int count = 4000;
        int v = field.Lattice.SiteCount;
        var source = new GaussianSource(field);
        var rng = new RandomStream(99, 7);
        var x0 = new double[count * v];
        var z = new double[count * v];
        source.Draw(x0, count, ref rng);
        rng.FillGaussian(z);
        double a = process.SignalScale(t), b = Math.Sqrt(process.NoiseVariance(t));
        var xt = x0.Select((x, i) => a * x + b * z[i]).ToArray();
        var score = new double[xt.Length];
        var exact = new double[xt.Length];
        model.Forward(parameters, xt, count, score);
        TimeScore.ExactGaussian(field.Lattice, 1, field.SpectrumTable(), process).Score(t, xt, count, exact);
        var perSample = new double[count];
        for (int s = 0; s < count; s++)
        {
            double sum = 0;
            for (int i = s * v; i < (s + 1) * v; i++) sum += (score[i] - exact[i]) * (score[i] - exact[i]);
            perSample[s] = sum / v;
        }
        double mean = perSample.Average();
        double variance = perSample.Sum(e => (e - mean) * (e - mean)) / (count - 1);
        return (mean, Math.Sqrt(variance / count));
    }
}
