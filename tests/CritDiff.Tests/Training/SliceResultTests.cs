using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Tests.Training;

/// <summary>The one slice result of every objective: common fields read the same way off the history, one details part per objective.</summary>
public class SliceResultTests
{
    private static readonly GaussianField Field = GaussianField.FreeField(new Lattice(2, 4), 0.25);

    private static SliceResult Moments(int maxSteps, TrainingMode mode = TrainingMode.Population) =>
        SliceTrainer.Train(new TrainingProblem(Field, new VariancePreserving(), TimeGrid.Single(0.3), Architecture.Parse("one-layer")),
            new TrainingConfig { MaxSteps = maxSteps, Mode = mode, Optimizer = mode == TrainingMode.Population ? new GradientDescent("gd") : new GradientDescent("sgd") }, 0);

    private static SliceResult Samples(int maxSteps, StoppingRule rule) =>
        SampleTrainer.TrainSlice(new LinearScoreModel(Field.Lattice, 1, Architecture.Parse("one-layer")), new GaussianSource(Field),
            new VariancePreserving(), 0.3, new SampleTrainingConfig { LearningRate = 1e-2, MaxSteps = maxSteps, EvalInterval = 10, ValidationSize = 64 }, 0, rule);

    public static TheoryData<string> Runs => ["moments", "moments capped", "minibatches capped", "samples", "samples capped"];

    private static SliceResult Run(string name) => name switch
    {
        "moments" => Moments(100_000),
        "moments capped" => Moments(3),
        "minibatches capped" => Moments(3, TrainingMode.Empirical),
        "samples" => Samples(4000, new ExactExcessRule(Field)),
        _ => Samples(20, new FixedBudgetRule()),
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void CommonFieldsAgreeWithTheHistory(string name)
    {
        var result = Run(name);
        Assert.Equal(result.History[^1].Step, result.StepsRun);
        Assert.Equal(result.History[0].Excess, result.InitialExcess);
        // The training time is the first evaluated step at eps x the initial excess, or the steps run without convergence.
        if (result.Converged)
        {
            Assert.Equal(result.Steps, result.StepsToEps);
            var first = result.History.First(r => r.Excess <= TrainingConfigEps(name) * result.InitialExcess);
            Assert.Equal(first.Step, result.Steps);
            Assert.Equal(first.Excess, result.FinalExcess);
        }
        else
        {
            Assert.Null(result.StepsToEps);
            Assert.Equal(result.StepsRun, result.Steps);
        }
        // Exactly one details part: the one of the objective that trained the slice.
        bool moments = name.StartsWith("moments", StringComparison.Ordinal) || name.StartsWith("minibatches", StringComparison.Ordinal);
        Assert.Equal(moments, result.Moments is not null);
        Assert.Equal(!moments, result.Samples is not null);
        if (result.Samples is { } samples)
        {
            Assert.Equal(result.History[0].Loss, samples.InitialValidationLoss);
            Assert.Equal(result.History[^1].Loss, samples.FinalValidationLoss);
            Assert.All(result.History, r => Assert.True(double.IsNaN(r.ScoreError)));
        }
        else
        {
            Assert.All(result.History, r => Assert.True(double.IsFinite(r.ScoreError)));
        }
    }

    private static double TrainingConfigEps(string name) =>
        name.StartsWith("samples", StringComparison.Ordinal) ? new SampleTrainingConfig().Eps : new TrainingConfig().Eps;

    [Fact]
    public void TrainingTimeOfARunIsTheLargestOverSlices()
    {
        var converged = Run("moments");
        var capped = Run("moments capped");
        var both = new TrainingResult([converged, capped], 0);
        Assert.Equal(Math.Max(converged.Steps, capped.Steps), both.StepsMax);
        Assert.Null(both.StepsToEps);
        Assert.False(both.AllConverged);
        Assert.Equal(converged.Steps, new TrainingResult([converged, converged], 0).StepsToEps);
        Assert.Null(both.FirstDiverged);
    }
}
