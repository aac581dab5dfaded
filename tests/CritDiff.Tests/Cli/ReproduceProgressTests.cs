using CritDiff.Cli;
using CritDiff.Experiments;

namespace CritDiff.Tests.Cli;

/// <summary>reproduce's overall progress (issue 13): the ETA extrapolated from typical stage times, and its stderr line.</summary>
public sealed class ReproduceProgressTests
{
    private static readonly double[] Weights = [1, 2, 3, 4]; // typical seconds, 10 in all

    [Theory]
    [InlineData(0, 0.0, 10.0)] // nothing measured yet: the typical total
    [InlineData(1, 0.0, 9.0)] // no time elapsed: typical seconds of what is left
    [InlineData(2, 6.0, 14.0)] // 3 typical seconds took 6: this run is 2x slower, 7 typical seconds left
    [InlineData(3, 3.0, 2.0)] // 6 typical seconds took 3: 2x faster, 4 left
    [InlineData(4, 12.0, 0.0)] // all done
    public void EtaScalesTheRemainingTypicalTimeByThisRunsSpeed(int completed, double elapsed, double expected) =>
        Assert.Equal(expected, ReproduceProgress.Eta(Weights, completed, elapsed), Tolerances.ClosedForm);

    [Fact]
    public void EtaRejectsAStageIndexOutsideThePlan()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReproduceProgress.Eta(Weights, -1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReproduceProgress.Eta(Weights, 5, 1));
    }

    [Fact]
    public void LineNumbersTheStageAndGivesElapsedAndEta() =>
        Assert.Equal("reproduce [4/11] nonlinear networks (elapsed 1 min 35 s, ETA ~2 min 30 s)",
            ReproduceProgress.Line(4, 11, "nonlinear networks", 95, 150));

    [Fact]
    public void StagesPrintOnStderrWithAnEta()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var progress = new ReproduceProgress(new Output(stdout, stderr, json: true), Weights);
        progress.Stage("first");
        progress.Stage("second");
        Assert.Equal("", stdout.ToString());
        var lines = stderr.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal("reproduce [1/4] first (elapsed 0 s, ETA ~10 s)", lines[0]);
        Assert.StartsWith("reproduce [2/4] second (elapsed ", lines[1], StringComparison.Ordinal);
        progress.Stage("third");
        progress.Stage("fourth");
        Assert.Throws<InvalidOperationException>(() => progress.Stage("a fifth stage without a weight"));
    }

    [Fact]
    public void EveryStageNeedsAPositiveWeight()
    {
        var o = new Output(new StringWriter(), new StringWriter(), json: true);
        Assert.Throws<ArgumentException>(() => new ReproduceProgress(o, []));
        Assert.Throws<ArgumentException>(() => new ReproduceProgress(o, [1, 0, 2]));
        Assert.Throws<ArgumentException>(() => new ReproduceProgress(o, [1, double.NaN]));
    }

    /// <summary>The ETA of a real plan before any stage: the plan's typical total, whose share per stage is the stages' weights.</summary>
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void ThePlansWeightsGiveTheFirstEta(bool quick, bool large)
    {
        var weights = ReproducePlan.Stages(quick, large, 1).Select(s => s.Weights.For(quick, large)).ToArray();
        Assert.Equal(weights.Sum(), ReproduceProgress.Eta(weights, 0, 0), Tolerances.ClosedForm);
        Assert.Equal(weights[^1], ReproduceProgress.Eta(weights, weights.Length - 1, weights[..^1].Sum()), Tolerances.ClosedForm);
    }
}
