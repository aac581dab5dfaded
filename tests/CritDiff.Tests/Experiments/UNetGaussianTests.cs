using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Training;
using Xunit.Abstractions;

namespace CritDiff.Tests.Experiments;

/// <summary>
/// The time-conditioned U-Net trained on a Gaussian target (issue 22): its score approaches the exact one and its generated
/// susceptibility matches the exact chi.
/// </summary>
public sealed class UNetGaussianTests(ITestOutputHelper output)
{
    /// <summary>
    /// sqrt(sum |b s - b s*|^2 / sum |b s*|^2) over a validation set (x_0, t, z) of <paramref name="config"/>: the relative
    /// error of the lambda = b^2 weighted score, t uniform over the trained range.
    /// </summary>
    internal static double RelativeScoreError(TimeScore trained, GaussianField field, ForwardProcess process, ConditionedTrainingConfig config)
    {
        var exact = TimeScore.ExactGaussian(field.Lattice, 1, field.SpectrumTable(), process);
        var set = ConditionedTrainer.ValidationSet(new GaussianSource(field), config with { ValidationSize = 256, Seed = config.Seed + 1 });
        int width = field.ConfigurationLength;
        var x = new double[width];
        var s = new double[width];
        var e = new double[width];
        double difference = 0, norm = 0;
        for (int i = 0; i < set.Count; i++)
        {
            double t = set.Times[i], a = process.SignalScale(t), b2 = process.NoiseVariance(t);
            for (int j = 0; j < width; j++) x[j] = a * set.X0[i * width + j] + Math.Sqrt(b2) * set.Z[i * width + j];
            trained.Score(t, x, 1, s);
            exact.Score(t, x, 1, e);
            for (int j = 0; j < width; j++)
            {
                difference += b2 * (s[j] - e[j]) * (s[j] - e[j]);
                norm += b2 * e[j] * e[j];
            }
        }
        return Math.Sqrt(difference / norm);
    }

    [Theory]
    [InlineData(8)]
    public void TrainedUNetApproachesTheExactScoreAndGeneratesChi(int length)
    {
        int steps = int.Parse(Environment.GetEnvironmentVariable("UNET_STEPS") ?? "400", System.Globalization.CultureInfo.InvariantCulture);
        int samples = int.Parse(Environment.GetEnvironmentVariable("UNET_N") ?? "400", System.Globalization.CultureInfo.InvariantCulture);
        var field = GaussianField.FreeField(new Lattice(2, length), 0.5);
        var process = new VariancePreserving();
        var config = new ConditionedTrainingConfig
        {
            LearningRate = 2e-3, BatchSize = 32, Steps = steps, EmaDecay = 0.99, TimeMin = 1e-3, TimeMax = process.AutoFinalTime(field.Susceptibility, 1e-3),
            EvalInterval = steps, ValidationSize = 64, Seed = 5,
        };
        var request = new ConditionedTrainingRequest(field, NetworkCatalog.Parse("unet:8:2"), process, new GaussianSource(field), config);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcome = ConditionedTrainingRun.Run(request, 0);
        var model = ConditionedTrainingRun.Model(request, outcome);
        double before = RelativeScoreError(TrainedModel.TimeConditioned(field, process, request.Spec, config.TimeMin, config.TimeMax,
            model.Spec.Create(field.Lattice, 1).CreateParameters(), null, 0).Score(true), field, process, config);
        double error = RelativeScoreError(model.Score(true), field, process, config);
        double trainSeconds = clock.Elapsed.TotalSeconds;
        var generated = RealSpaceSampler.Generate(model.Score(true), process, new GenerationSettings(Samplers.ExponentialIntegrator, 100, config.TimeMax, config.TimeMin), samples, 9);
        int v = field.Lattice.SiteCount;
        var chi = Enumerable.Range(0, samples).Select(i => { double m = 0; foreach (double p in generated.Configuration(i)) m += p; return m * m / v; }).ToArray();
        double mean = chi.Average(), se = Math.Sqrt(chi.Select(c => (c - mean) * (c - mean)).Sum() / (samples - 1) / samples);
        output.WriteLine($"L = {length}: {steps} steps: relative score error {before:F4} -> {error:F4}; validation {outcome.InitialValidationLoss:F4} -> {outcome.FinalEmaValidationLoss:F4} (exact {ConditionedTrainingRun.ExactValidationLoss(request):F4}); train {trainSeconds:F1} s; chi {mean:F3} +- {se:F3} vs {field.Susceptibility:F3}; total {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(error < 0.5 * before);
        Assert.True(Math.Abs(mean - field.Susceptibility) < Tolerances.StandardErrors * se);
    }
}
