using CritDiff.Experiments;
using CritDiff.Persistence;
using CritDiff.Statistics;

namespace CritDiff.Tests.Experiments;

/// <summary>The quality study's rules on synthetic input: thresholds, the first rung, replica means, aggregation, the IMH chain.</summary>
public sealed class QualityRulesTests
{
    private static readonly QualitySpec Spec = new();

    private static QualityRung Rung(int steps, bool meets) => new()
    {
        Steps = steps, Samples = 10, GeneratedSusceptibility = new ValueWithError(1, 0.1), GeneratedBinder = new ValueWithError(0.6, 0.01), Meets = meets,
    };

    [Fact]
    public void ARungMeetsTheThresholdsOnlyWhenAllThreeHold()
    {
        Assert.True(QualityRules.Meets(Spec, 0.05, 0.02, 0.1)); // on the thresholds: met
        Assert.False(QualityRules.Meets(Spec, 0.051, 0.01, 0.05));
        Assert.False(QualityRules.Meets(Spec, 0.01, 0.021, 0.05));
        Assert.False(QualityRules.Meets(Spec, 0.01, 0.01, 0.11));
        Assert.False(QualityRules.Meets(Spec, null, 0.01, 0.05)); // a missing measure never meets
    }

    /// <summary>The chi criterion is resolvable when chi_gen's relative SE is at most half the tolerance (0.025 by default), and
    /// the sampler is the ODE with discrete log q up to n V = 16 by default (L = 4 in 2D), the path-weight sampler above.</summary>
    [Fact]
    public void TheChiCriterionIsResolvableOnlyBelowHalfTheToleranceAndTheSamplerFollowsNV()
    {
        Assert.True(QualityRules.Resolvable(Spec, 0.025));
        Assert.False(QualityRules.Resolvable(Spec, 0.026));
        Assert.False(QualityRules.Resolvable(Spec, null));
        Assert.Equal(["ode-heun", "sde-em", "sde-em"], new[] { 4, 8, 16 }.Select(Spec.SamplerAt));
        Assert.Equal(["ode-heun", "ode-heun", "sde-em"], new[] { 4, 8, 16 }.Select((Spec with { OdeMaxSites = 64 }).SamplerAt));
        Assert.Equal("sde-em", (Spec with { OdeMaxSites = 0 }).SamplerAt(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => (Spec with { OdeMaxSites = 2048 }).Validate());
    }

    [Fact]
    public void TheBudgetIsTheFirstRungMeetingEveryThresholdElseNone()
    {
        Assert.Equal(200, QualityRules.FirstMeeting([Rung(100, false), Rung(200, true), Rung(400, false), Rung(800, true)]));
        Assert.Equal(100, QualityRules.FirstMeeting([Rung(100, true), Rung(200, true)]));
        Assert.Null(QualityRules.FirstMeeting([Rung(100, false), Rung(200, false)]));
    }

    [Fact]
    public void ReplicaMeanIsTheMeanWithSampleStandardError()
    {
        var m = QualityRules.Mean([1.0, 2.0, 3.0, 4.0, double.NaN])!;
        Assert.Equal(2.5, m.MeanOrNaN, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3.0) / 2, m.Error!.Value, 12); // sd = sqrt(sum (x - 2.5)^2 / 3) = sqrt(5/3), SE = sd / sqrt(4)
        Assert.Equal(4, m.Count);
        Assert.Null(QualityRules.Mean([7.0])!.Error);
        Assert.Null(QualityRules.Mean([double.NaN]));
    }

    private static QualityRow Row(int replica, int? quality, double chiGenerated, double? ess, bool measurable, double? acceptance, double? tau) => new()
    {
        Network = "n", Length = 8, Replica = replica, Parameters = 1, TimeConditioned = false,
        Rungs = [Rung(100, false), Rung(800, quality is not null) with { GeneratedSusceptibility = new ValueWithError(chiGenerated, 1) }],
        QualitySteps = quality, LargestSteps = 800, TrainingSeconds = 1, LadderTrainingSeconds = 1, Diverged = false, WeightedSamples = 100,
        GenerationSecondsPerSample = 0.01, EssFraction = ess, Measurable = measurable, ReweightedSusceptibility = new ValueWithError(null, null),
        ReweightedBinder = new ValueWithError(null, null), Acceptance = acceptance, TauInt = tau, Magnetisations = [],
    };

    [Fact]
    public void AggregationIsTheMeanAndErrorOfTheReplicasNumbers()
    {
        double?[] chiMc = [10, 20, 40];
        var rows = new[] { Row(0, 100, 11, 0.5, true, 0.6, 1.0), Row(1, 200, 18, 0.3, true, 0.4, 2.0), Row(2, 400, 40, 0.001, false, null, null) };
        var a = QualityRules.Aggregate(rows, r => chiMc[r]);
        var steps = QualityRules.Mean([100.0, 200, 400])!;
        Assert.False(a.QualityStepsIsBound);
        Assert.Equal((steps.Mean, steps.Error), (a.QualitySteps.Mean, a.QualitySteps.Error));
        var ratio = QualityRules.Mean([1.1, 0.9, 1.0])!;
        Assert.Equal(ratio.MeanOrNaN, a.ChiRatio!.MeanOrNaN, 12);
        Assert.Equal(ratio.Error!.Value, a.ChiRatio.Error!.Value, 12);
        // ESS/N, acceptance and tau over the measurable replicas only.
        Assert.Equal(2, a.MeasurableReplicas);
        Assert.Equal(0.4, a.EssFraction!.MeanOrNaN, 12);
        Assert.Equal(0.5, a.Acceptance!.MeanOrNaN, 12);
        Assert.Equal(0.5, a.TauInt!.Error!.Value, 12); // sd of (1, 2) = 0.7071, / sqrt 2
    }

    [Fact]
    public void AReplicaBelowTheThresholdsMakesTheBudgetALowerBound()
    {
        var a = QualityRules.Aggregate([Row(0, 100, 10, 0.5, true, 0.6, 1), Row(1, null, 10, 0.001, false, null, null)], _ => 10);
        Assert.True(a.QualityStepsIsBound);
        Assert.Equal(450, a.QualitySteps.MeanOrNaN, 12); // the unmet replica counted at the largest rung, 800
        var none = QualityRules.Aggregate([Row(0, null, 10, 0.001, false, null, null), Row(1, null, 10, 0.002, false, null, null)], _ => 10);
        Assert.Equal(0, none.MeasurableReplicas);
        Assert.Null(none.EssFraction);
        Assert.Null(none.Acceptance);
    }

    /// <summary>
    /// Exact samples (all weights equal): every proposal is accepted and the chain is the i.i.d. sample, whose tau_int is the
    /// project's 1/2 within its Madras-Sokal error (3 errors); one dominant weight first: nothing is accepted and the frozen
    /// chain has no measurable tau_int (NaN, not a finite number that would pass for a fast chain).
    /// </summary>
    [Fact]
    public void IndependenceChainOnExactSamplesAcceptsEverythingWithTauOneHalf()
    {
        var rng = new RandomStream(3, 0);
        var x = new double[4000];
        rng.FillGaussian(x);
        var m2 = x.Select(v => v * v).ToArray();
        var (acceptance, tau, error) = QualityRules.IndependenceChain(new double[x.Length], m2, 5);
        Assert.Equal(1.0, acceptance);
        Assert.InRange(tau, 0.5, 0.5 + 3 * error);
        var dominant = new double[x.Length];
        for (int i = 1; i < dominant.Length; i++) dominant[i] = -50;
        var (none, constantTau, _) = QualityRules.IndependenceChain(dominant, m2, 5);
        Assert.Equal(0.0, none);
        Assert.True(double.IsNaN(constantTau));
    }

    /// <summary>
    /// Weights of a known law: proposals x' ~ N(0, 1) towards the target N(0, 1/2) (log w = -x^2/2). In equilibrium the chain's
    /// acceptance is E[min(1, w(x')/w(x))] with x from the target and x' from the proposal, computed here independently by
    /// Monte Carlo over 200000 pairs; the chain of 20000 matches it within 0.02 (its standard error is about 0.005), and tau_int
    /// is above 1/2 (rejections repeat states).
    /// </summary>
    [Fact]
    public void IndependenceChainAcceptanceMatchesItsExpectation()
    {
        var rng = new RandomStream(7, 0);
        var x = new double[20000];
        rng.FillGaussian(x);
        var (acceptance, tau, _) = QualityRules.IndependenceChain(x.Select(v => -v * v / 2).ToArray(), x.Select(v => v * v).ToArray(), 1);
        var pairs = new double[400000];
        new RandomStream(8, 0).FillGaussian(pairs);
        double expected = 0;
        for (int i = 0; i < pairs.Length; i += 2)
        {
            double current = pairs[i] / Math.Sqrt(2), proposal = pairs[i + 1]; // current ~ N(0, 1/2), proposal ~ N(0, 1)
            expected += Math.Min(1, Math.Exp(-(proposal * proposal - current * current) / 2));
        }
        expected /= pairs.Length / 2;
        Assert.InRange(acceptance, expected - 0.02, expected + 0.02);
        Assert.True(tau > 0.5, $"tau {tau}");
    }
}
