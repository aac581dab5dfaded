using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Tests.Training;

public class TrainerTests
{
    private static TrainingProblem Problem(int l, string architecture, double t = 0.1,
        ParameterBasis basis = ParameterBasis.Kernel, int d = 2) =>
        new(GaussianField.AtCorrelationLengthOverSize(new Lattice(d, l), 0.25), new VariancePreserving(),
            TimeGrid.Single(t), Architecture.Parse(architecture), basis);

    private static double[] Spectrum(TrainingProblem p, int slice = 0) =>
        p.Process.NoisedSpectrumTable(p.Field.SpectrumTable(), p.Grid.Times[slice]);

    [Fact]
    public void AutoRateUsesTheClosedFormCurvatures()
    {
        // One-layer: lambda_max = 2 S_max (kernel basis), 2 S_max / V (Fourier basis, per multiplier);
        // two-layer balanced at c^2 = 1/S_max: 4. The kernel-basis one-layer value is the closed form itself (checked
        // against power iteration in CurvatureTests); power iteration must find the other two.
        var one = Problem(8, "one-layer");
        double sMax = Spectrum(one).Max();
        var r1 = SliceTrainer.Train(one, new TrainingConfig { MaxSteps = 1 }, 0);
        Assert.Equal(2 * sMax, r1.Moments!.TopCurvature, 1e-6 * sMax);
        Assert.Equal(0.5 * 2 / (2 * sMax), r1.LearningRate, 1e-6 / sMax);
        var fourier = SliceTrainer.Train(Problem(8, "one-layer", basis: ParameterBasis.Fourier), new TrainingConfig { MaxSteps = 1 }, 0);
        Assert.Equal(2 * sMax / 64, fourier.Moments!.TopCurvature, 1e-6 * sMax / 64);
        var two = SliceTrainer.Train(Problem(8, "two-layer"), new TrainingConfig { MaxSteps = 1 }, 0);
        Assert.Equal(4, two.Moments!.TopCurvature, 1e-5);
        Assert.Equal(1 / sMax, two.Moments!.InitialScale, 1e-15);
    }

    [Fact]
    public void ScalingSmokeTestOneLayerSlowsTwoLayerDoesNot()
    {
        // d = 2, xi/L = 1/4 (docs/science.md claims C1 and C3): one-layer steps grow >= 3x from L = 8 to 16,
        // two-layer steps < 1.5x.
        int Steps(int l, string a) => Trainer.Train(Problem(l, a), new TrainingConfig()).StepsMax;
        Assert.True(Steps(16, "one-layer") >= 3 * Steps(8, "one-layer"));
        Assert.True(Steps(16, "two-layer") < 1.5 * Steps(8, "two-layer"));
    }

    [Fact]
    public void KernelAndFourierBasesGiveTheSameGdTrajectory()
    {
        // Kernel GD at rate eta equals multiplier GD at rate V eta (docs/science.md section 5).
        var kernel = Problem(6, "two-layer");
        var fourier = Problem(6, "two-layer", basis: ParameterBasis.Fourier);
        const double eta = 0.2;
        var a = SliceTrainer.Train(kernel, new TrainingConfig { LearningRate = eta }, 0);
        var b = SliceTrainer.Train(fourier, new TrainingConfig { LearningRate = eta * 36 }, 0);
        Assert.Equal(a.Steps, b.Steps);
        for (int n = 0; n < a.History.Count; n++)
            Assert.Equal(a.History[n].ScoreError, b.History[n].ScoreError, 1e-10 * a.History[0].ScoreError);
    }

    [Fact]
    public void AdamDependsOnTheBasis()
    {
        // Adam rescales each coordinate separately, so it is not equivariant under the kernel <-> multiplier
        // change of basis: documented here, the trajectories differ already after a few steps.
        var config = new TrainingConfig { Optimizer = new Adam(), LearningRate = 0.01, MaxSteps = 20 };
        var a = SliceTrainer.Train(Problem(6, "one-layer"), config, 0);
        var b = SliceTrainer.Train(Problem(6, "one-layer", basis: ParameterBasis.Fourier), config with { LearningRate = 0.01 * 36 }, 0);
        Assert.Equal(a.History[0].ScoreError, b.History[0].ScoreError, 1e-12);
        double relative = Math.Abs(a.History[10].ScoreError - b.History[10].ScoreError) / a.History[10].ScoreError;
        Assert.True(relative > 1e-3, $"Adam trajectories agree to {relative}");
    }

    [Fact]
    public void RateAboveTheStabilityLimitIsDetectedAndReported()
    {
        var problem = Problem(8, "one-layer");
        double sMax = Spectrum(problem).Max();
        var result = SliceTrainer.Train(problem, new TrainingConfig { LearningRate = 1.5 / sMax }, 0);
        Assert.True(result.Diverged);
        Assert.False(result.Converged);
        Assert.Equal(1 / sMax, result.Moments!.StableLearningRate, 1e-6 / sMax); // 2 / lambda_max = 2 / (2 S_max)
        Assert.True(result.Steps < 100);
        Assert.All(result.History, row => Assert.True(double.IsFinite(row.Loss)));

        // Just below the limit the same run converges.
        var stable = SliceTrainer.Train(problem, new TrainingConfig { LearningRate = 0.9 / sMax }, 0);
        Assert.True(stable.Converged);
        Assert.False(stable.Diverged);
    }

    [Fact]
    public void SgdSettlesAtANoiseFloorProportionalToTheRate()
    {
        // For a quadratic loss, SGD's stationary excess is ~ eta x (gradient noise covariance) for small eta,
        // and that covariance is exactly 1/B times a single sample's (independent fresh samples): halving the
        // rate roughly halves the floor, a 4x larger batch quarters it (measured 0.22), so the iterates settle
        // at the population optimum up to a floor that vanishes with eta / B. Floors: mean over the last 2000
        // of 6000 steps.
        var problem = Problem(6, "one-layer-local:1", t: 0.3);
        double Floor(double eta, int batch = 8)
        {
            var r = SliceTrainer.Train(problem, new TrainingConfig
            {
                Mode = TrainingMode.Empirical, Optimizer = new GradientDescent("sgd"), LearningRate = eta,
                BatchSize = batch, MaxSteps = 6000, Eps = 1e-9,
            }, 0);
            Assert.False(r.Converged); // the floor lies above eps = 1e-9
            Assert.False(r.Diverged);
            return r.History.Skip(4000).Average(h => h.Excess);
        }
        double high = Floor(0.02), low = Floor(0.01);
        Assert.True(high < 1e-2 * SliceTrainer.Train(problem, new TrainingConfig { MaxSteps = 1 }, 0).InitialExcess);
        Assert.InRange(low / high, 0.35, 0.65);
        Assert.InRange(Floor(0.01, batch: 32) / low, 0.17, 0.35);
    }

    [Fact]
    public void TwoLayerLocalBalancedStartConvergesToItsOwnOptimum()
    {
        // No closed form: the optimum is the converged loss; the run must converge with eps reached,
        // and the optimum must lie above the exact one (a local product cannot be exact).
        var result = SliceTrainer.Train(Problem(8, "two-layer-local:1"), new TrainingConfig(), 0);
        Assert.True(result.Converged);
        Assert.False(result.Moments!.OptimumIsClosedForm);
        Assert.True(result.Moments!.OptimumGapToExact > 0);
        Assert.True(result.History[result.Steps].Excess <= 1e-2 * result.InitialExcess);
    }

    [Fact]
    public void ResultsAreIdenticalForAnyThreadCount()
    {
        var problem = new TrainingProblem(GaussianField.AtBeta(new Lattice(2, 6), 0.5), new VariancePreserving(),
            TimeGrid.LogSpaced(4, 0.01, 1), Architecture.Parse("two-layer-local:1"));
        var config = new TrainingConfig
        {
            Mode = TrainingMode.Empirical, Optimizer = new GradientDescent("sgd", 0.5), LearningRate = 0.02, MaxSteps = 300,
        };
        var one = Trainer.Train(problem, config, maxDegreeOfParallelism: 1);
        var all = Trainer.Train(problem, config, maxDegreeOfParallelism: Environment.ProcessorCount);
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(one.Slices[j].History.Select(h => h.Loss), all.Slices[j].History.Select(h => h.Loss));
            Assert.Equal(one.Slices[j].Parameters.Layers[1], all.Slices[j].Parameters.Layers[1]);
        }
        Assert.NotEqual(one.Slices[0].History[^1].Loss,
            Trainer.Train(problem, config with { Seed = 2 }).Slices[0].History[^1].Loss);
    }

    [Fact]
    public void DataMinibatchesHaveTheDataSetsMoments()
    {
        // Batches drawn from a fixed data set: E Signal(k) = a^2 P_data(k) + b^2 with P_data the data set's
        // mean power spectrum, E Cross(k) = 1.
        var field = GaussianField.AtBeta(new Lattice(2, 4), 0.6);
        var process = new VariancePreserving();
        const double t = 0.5;
        var data = new ExactSampler(field).Sample(3, 1);
        var (power, _) = FieldMeasurement.PowerSpectrum(field.Lattice, data, 3);
        var batches = Minibatches.FromData(field.Lattice, process, t, 2, data, 3);
        var rng = new RandomStream(4, 0);
        const int draws = 20000;
        var signal = new double[draws];
        var cross = new double[draws];
        for (int i = 0; i < draws; i++)
        {
            var m = (ModeMoments)batches.Draw(ref rng);
            signal[i] = m.Signal[1];
            cross[i] = m.Cross![1].Real;
        }
        double a = process.SignalScale(t), b2 = process.NoiseVariance(t);
        Assert.InRange(Math.Abs(Stats.FromSamples(signal).StandardScore(a * a * power[1] + b2)), 0, Tolerances.StandardErrors);
        Assert.InRange(Math.Abs(Stats.FromSamples(cross).StandardScore(1)), 0, Tolerances.StandardErrors);
    }

    [Fact]
    public void RejectsDataOnAnotherLattice()
    {
        var problem = Problem(6, "one-layer") with { Data = new TrainingData(new double[2 * 16], 2) };
        Assert.Throws<ArgumentException>(() => Trainer.Train(problem, new TrainingConfig()));
    }
}
