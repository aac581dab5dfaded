using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Training;
using Xunit.Abstractions;

namespace CritDiff.Tests.Training;

public class SampleTrainerTests(ITestOutputHelper output)
{
    private static readonly Lattice Square = new(2, 4);
    private static readonly GaussianField FreeField = GaussianField.FreeField(Square, 0.25);
    private static readonly ForwardProcess Process = new VariancePreserving();

    private static double MaxNoised(double t) => Process.NoisedSpectrumTable(FreeField.SpectrumTable(), t).Max();

    private static LinearScoreModel OneLayer(int n = 1) => new(Square, n, Architecture.Parse("one-layer"));

    private static SampleTrainingConfig Sgd(double rate, int maxSteps = 2000) => new()
    {
        Optimizer = new GradientDescent("sgd"),
        LearningRate = rate,
        MaxSteps = maxSteps,
        EvalInterval = 5,
        ValidationSize = 128,
    };

    [Fact]
    public void OneLayerWithTheExactExcessConvergesToTheExactScore()
    {
        // Gaussian free field, d = 2, L = 4, mu2 = 1/4, t = 0.3; SGD at a quarter of the stability limit 1/S_max.
        // Converged means the population excess (1/V) sum_k S |m + 1/S|^2 fell to eps = 1e-2 of its start (1/V) sum_k 1/S;
        // that alone allows one mode a relative error |m S + 1| up to sqrt(eps V S_max/S_min) ~ 0.9 here, so the bound
        // 0.25 on every mode is a real check of where SGD ends.
        const double t = 0.3;
        var model = OneLayer();
        var result = SampleTrainer.TrainSlice(model, new GaussianSource(FreeField), Process, t,
            Sgd(0.25 / MaxNoised(t)), 0, new ExactExcessRule(FreeField));
        output.WriteLine($"steps to eps {result.StepsToEps}, initial excess {result.InitialExcess}, final {result.FinalExcess}, rule {result.LearningRateRule}");
        Assert.True(result.Converged);
        Assert.False(result.Diverged);
        Assert.NotNull(result.StepsToEps);
        Assert.True(result.FinalExcess <= 1e-2 * result.InitialExcess);
        var noised = Process.NoisedSpectrumTable(FreeField.SpectrumTable(), t);
        var m = ((LinearConvolutionNetwork)model.Network).Multiplier(result.Parameters);
        double worst = 0;
        for (int k = 0; k < noised.Length; k++)
        {
            worst = Math.Max(worst, (m[k] * noised[k] + 1).Magnitude); // SGD on samples breaks y -> -y: m is complex
        }
        output.WriteLine($"max_k |m S + 1| = {worst}");
        Assert.True(worst < 0.25, $"max_k |m S + 1| = {worst}");
        Assert.Equal(LinearMomentNetwork.ExactOptimumLoss(noised, Process.NoiseVariance(t)), result.Samples!.ReferenceLoss!.Value, 1e-12);
    }

    [Fact]
    public void ValidationRuleGivesAReferenceWithAnUncertaintyAndATrainingTime()
    {
        // Adam at its default rate, cap 400 steps, references 2 x 1600 steps with the rate decaying to 1e-2 of it.
        const double t = 0.3;
        var config = new SampleTrainingConfig { MaxSteps = 400, EvalInterval = 10, ValidationSize = 128, Eps = 0.05 };
        var result = SampleTrainer.TrainSlice(OneLayer(2), new GaussianSource(Square, 2, FreeField.SpectrumTable()), Process, t, config, 0);
        output.WriteLine($"reference {result.Samples!.ReferenceLoss} +- {result.Samples!.ReferenceUncertainty}, steps {result.StepsToEps}, " +
            $"initial {result.Samples!.InitialValidationLoss}, final {result.Samples!.FinalValidationLoss}, excess {result.InitialExcess} -> {result.FinalExcess}");
        Assert.True(double.IsFinite(result.Samples!.ReferenceLoss!.Value));
        Assert.True(result.Samples!.ReferenceUncertainty is >= 0 and < double.PositiveInfinity);
        Assert.True(result.Samples!.ReferenceUncertainty < 0.05 * result.InitialExcess);
        Assert.NotNull(result.StepsToEps);
        Assert.True(result.Converged);
        Assert.Equal(0, result.StepsToEps!.Value % config.EvalInterval);
        Assert.Contains("adam", result.LearningRateRule);
        Assert.Equal(0, result.Samples!.ReferenceRunsDiverged);
    }

    [Fact]
    public void ADivergingRateStopsTheSliceAsDiverged()
    {
        const double t = 0.3;
        var result = SampleTrainer.TrainSlice(OneLayer(), new GaussianSource(FreeField), Process, t,
            Sgd(20 / MaxNoised(t)), 0, new ExactExcessRule(FreeField));
        output.WriteLine($"diverged after {result.StepsRun} steps");
        Assert.True(result.Diverged);
        Assert.False(result.Converged);
        Assert.Null(result.StepsToEps);
    }

    [Fact]
    public void TheStepCapEndsASliceAsNotConverged()
    {
        const double t = 0.3;
        var result = SampleTrainer.TrainSlice(OneLayer(), new GaussianSource(FreeField), Process, t,
            Sgd(1e-4, maxSteps: 20), 0, new ExactExcessRule(FreeField));
        Assert.False(result.Converged);
        Assert.False(result.Diverged);
        Assert.Null(result.StepsToEps);
        Assert.Equal(20, result.StepsRun);
        Assert.Equal(20, result.History[^1].Step);
    }

    [Fact]
    public void SameSeedGivesTheSameResultsWhateverTheParallelism()
    {
        var grid = TimeGrid.LogSpaced(3, 0.1, 1.0);
        var config = Sgd(0.05, maxSteps: 300) with { Seed = 5 };
        var model = new LinearScoreModel(Square, 1, Architecture.Parse("two-layer"));
        var serial = SampleTrainer.TrainSlices(model, new GaussianSource(FreeField), Process, grid, config, new ExactExcessRule(FreeField), 1);
        var parallel = SampleTrainer.TrainSlices(model, new GaussianSource(FreeField), Process, grid, config, new ExactExcessRule(FreeField), 3);
        var other = SampleTrainer.TrainSlices(model, new GaussianSource(FreeField), Process, grid, config with { Seed = 6 }, new ExactExcessRule(FreeField), 3);
        for (int j = 0; j < grid.Count; j++)
        {
            output.WriteLine($"t = {grid.Times[j]}: steps {serial[j].StepsToEps}, final excess {serial[j].FinalExcess}");
            Assert.Equal(serial[j].StepsToEps, parallel[j].StepsToEps);
            Assert.Equal(serial[j].History, parallel[j].History);
            for (int l = 0; l < serial[j].Parameters.Layers.Length; l++)
                Assert.Equal(serial[j].Parameters.Layers[l], parallel[j].Parameters.Layers[l]);
            Assert.NotEqual(serial[j].History, other[j].History);
        }
    }

    [Fact]
    public void MarkovChainDataTrainDeterministicallyWhateverTheParallelism()
    {
        // Every slice forks its own chains (validation, training, references), so the order slices run in is irrelevant.
        var grid = TimeGrid.LogSpaced(3, 0.1, 1.0);
        var config = Sgd(0.05, maxSteps: 60) with { BatchSize = 16, ValidationSize = 16 };
        var source = new MarkovChainSource(CritDiff.MonteCarlo.ModelKernels.Create("metropolis", FreeField), 3, thermalization: 50, spacing: 1);
        var serial = SampleTrainer.TrainSlices(OneLayer(), source, Process, grid, config, new ExactExcessRule(FreeField), 1);
        var parallel = SampleTrainer.TrainSlices(OneLayer(), source, Process, grid, config, new ExactExcessRule(FreeField), 3);
        for (int j = 0; j < grid.Count; j++)
        {
            output.WriteLine($"t = {grid.Times[j]}: steps {serial[j].StepsToEps}, excess {serial[j].InitialExcess} -> {serial[j].FinalExcess}");
            Assert.Equal(serial[j].History, parallel[j].History);
            Assert.Equal(serial[j].Parameters.Layers[0], parallel[j].Parameters.Layers[0]);
            Assert.True(serial[j].FinalExcess < serial[j].InitialExcess);
        }
    }

    [Fact]
    public void GradientDescentWithoutAFixedRateIsRejected()
    {
        var config = new SampleTrainingConfig { Optimizer = new GradientDescent("sgd") };
        Assert.Throws<ArgumentException>(() => SampleTrainer.TrainSlice(OneLayer(), new GaussianSource(FreeField), Process, 0.3, config, 0));
    }
}
