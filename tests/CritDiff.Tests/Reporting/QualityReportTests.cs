using CritDiff.Experiments;
using CritDiff.Persistence;
using CritDiff.Reporting;
using CritDiff.Tests.Experiments;

namespace CritDiff.Tests; // not CritDiff.Tests.Reporting: that would hide CritDiff.Reporting in other test files

/// <summary>The quality section's rules on synthetic results: no point where ESS &lt; 30, bounds stay bounds, the verdicts' criteria.</summary>
public sealed class QualityReportTests
{
    private static QualityRow Row(int length, int replica, bool measurable, int? quality, double chiRw) => new()
    {
        Network = "n", Length = length, Replica = replica, Parameters = 1, TimeConditioned = false,
        Rungs = [new QualityRung { Steps = 800, Samples = 10, GeneratedSusceptibility = new ValueWithError(10, 1), GeneratedBinder = new ValueWithError(0.6, 0.01), Meets = quality is not null }],
        QualitySteps = quality, LargestSteps = 800, TrainingSeconds = 1, LadderTrainingSeconds = 1, Diverged = false, WeightedSamples = 1000,
        GenerationSecondsPerSample = 0.001, EssFraction = measurable ? 0.2 : 0.001, Measurable = measurable,
        ReweightedSusceptibility = measurable ? new ValueWithError(chiRw, 0.5) : new ValueWithError(null, null),
        ReweightedBinder = measurable ? new ValueWithError(0.6, 0.01) : new ValueWithError(null, null),
        Acceptance = measurable ? 0.5 : null, TauInt = measurable ? 1.5 : null, Magnetisations = [],
    };

    private static QualityEnsembleRow Ensemble(int length, int replica) => new()
    {
        Length = length, Replica = replica, Configurations = 100, TauInt = 1, Susceptibility = new ValueWithError(10, 0.3),
        Binder = new ValueWithError(0.6, 0.01), WallSeconds = 0, Magnetisations = [],
    };

    private static QualityResult Result(params QualityRow[] rows) => new(QualityStudyTests.Tiny with { Networks = ["n"], Sizes = [8, 16, 32] },
        rows.Select(r => (r.Length, r.Replica)).Distinct().Select(p => Ensemble(p.Length, p.Replica)).ToArray(), rows, 0, 0);

    [Fact]
    public void NoPointIsDrawnWhereNoReplicaReachesEss30()
    {
        var result = Result(Row(8, 0, true, 100, 10), Row(8, 1, true, 200, 10), Row(16, 0, false, 400, 10), Row(16, 1, false, 400, 10),
            Row(32, 0, true, null, 10), Row(32, 1, false, null, 10));
        var ess = QualityReport.MeasuredPoints(result, "n", a => a.EssFraction);
        Assert.Equal([8.0, 32.0], ess.Select(p => p.L)); // L = 16: no point, not 1/N
        Assert.Equal(0.2, ess[0].Mean, 12);
        Assert.Equal([8.0, 32.0], QualityReport.MeasuredPoints(result, "n", a => a.Acceptance).Select(p => p.L));
        var aggregates = result.Aggregates();
        Assert.Equal("> 800", QualityReport.Budget(aggregates.Single(a => a.Length == 32)));
        Assert.False(aggregates.Single(a => a.Length == 16).QualityStepsIsBound);
    }

    [Fact]
    public void ReweightVerdictUsesOnlyMeasurableReplicasAndThreeCombinedErrors()
    {
        // chi_MC 10 +- 0.3, reweighted +- 0.5: combined SE 0.583; 11.5 is 2.6 SE off (agrees), 12 is 3.4 SE off (does not).
        Assert.True(QualityReport.Judge(Result(Row(8, 0, true, 100, 11.5), Row(8, 1, false, 100, 99), Row(16, 0, true, 200, 10), Row(16, 1, true, 200, 10)))[0].Reproduced);
        Assert.False(QualityReport.Judge(Result(Row(8, 0, true, 100, 12), Row(8, 1, true, 100, 10), Row(16, 0, true, 200, 10), Row(16, 1, true, 200, 10)))[0].Reproduced);
        Assert.Null(QualityReport.Judge(Result(Row(8, 0, false, 100, 10), Row(8, 1, false, 100, 10), Row(16, 0, false, 200, 10), Row(16, 1, false, 200, 10)))[0].Reproduced);
    }

    [Fact]
    public void BudgetVerdictGrowsFromAMeasuredSizeToABoundAndIsNotMeasuredFromABound()
    {
        var grows = QualityReport.Judge(Result(Row(8, 0, true, 100, 10), Row(8, 1, true, 200, 10), Row(16, 0, true, null, 10), Row(16, 1, true, 400, 10)))[1];
        Assert.Equal("Q-budget", grows.Id);
        Assert.True(grows.Reproduced);
        Assert.Null(QualityReport.Judge(Result(Row(8, 0, true, null, 10), Row(8, 1, true, 200, 10), Row(16, 0, true, null, 10), Row(16, 1, true, 400, 10)))[1].Reproduced);
    }
}
