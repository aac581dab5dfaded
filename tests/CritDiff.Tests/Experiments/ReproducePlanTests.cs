using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Training;

namespace CritDiff.Tests.Experiments;

/// <summary>The reproduce plan as named stages (issue 21): every study once, in an order that feeds later stages, with positive weights.</summary>
public sealed class ReproducePlanTests
{
    public static TheoryData<bool, bool> Variants => new() { { true, false }, { false, false }, { false, true } };

    [Theory]
    [MemberData(nameof(Variants))]
    public void StageNamesAreUniqueAndEveryWeightIsPositive(bool quick, bool large)
    {
        var stages = ReproducePlan.Stages(quick, large, 7);
        Assert.Equal(stages.Count, stages.Select(s => s.Name).Distinct().Count());
        Assert.All(stages, s => Assert.False(string.IsNullOrWhiteSpace(s.Name)));
        Assert.All(stages, s =>
        {
            foreach (double w in new[] { s.Weights.Quick, s.Weights.Full, s.Weights.Large, s.Weights.For(quick, large) })
                Assert.True(w > 0 && double.IsFinite(w), $"{s.Name}: weight {w}");
        });
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void EveryStudyOfThePlanIsAStage(bool quick, bool large)
    {
        var stages = ReproducePlan.Stages(quick, large, 7);
        Assert.Equal(["SamplerCheckStage", "SweepStage", "SweepStage", "SweepStage", "SweepStage", "StabilityStage", "LocalArchitectureStage",
            "LocalSgdStage", "McmcBaselineStage", "BeyondGaussianStage", "NonlinearStage", "QualityStage", "CostStage"], stages.Select(s => s.GetType().Name));
        // The sweeps of the plan, in order, each in a stage named after it.
        Assert.Equal(ReproducePlan.Sweeps(quick, 7).Select(Key), stages.OfType<SweepStage>().Select(s => Key(s.Spec)));
        Assert.All(stages.OfType<SweepStage>(), s => Assert.Equal($"sweep {s.Spec.Name}", s.Name));
        Assert.Equal(Keys(ReproducePlan.Stability(quick, large, 7)), Keys(Single<StabilityStage>(stages).Plan));
        Assert.Equal(Key(ReproducePlan.Local(quick, large, 7)), Key(Single<LocalArchitectureStage>(stages).Spec));
        Assert.Equal(Key(ReproducePlan.BeyondGaussian(quick, 7)), Key(Single<BeyondGaussianStage>(stages).Spec));
        Assert.Equal(Key(ReproducePlan.Nonlinear(quick, large, 7)), Key(Single<NonlinearStage>(stages).Spec));
        Assert.Equal(KeyedResult.KeyOf(QualityJson.Keyed, ReproducePlan.Quality(quick, 7)), KeyedResult.KeyOf(QualityJson.Keyed, Single<QualityStage>(stages).Spec));
        // C4 under SGD scans in the SGD setting of "C3 under SGD"; the baseline runs on the first sweep's field family.
        Assert.Same(Single<StabilityStage>(stages).Plan.Sgd, Single<LocalSgdStage>(stages).Sgd);
        var first = stages.OfType<SweepStage>().First().Spec;
        var baseline = Single<McmcBaselineStage>(stages).Spec;
        Assert.Equal((first.Family, first.Dimension), (baseline.Family, baseline.Dimension));
        Assert.All(stages.Select(s => s.Name), name => Assert.DoesNotContain('\n', name));
        // The cost stage is last (it reads the diffusion inputs other stages may set) and runs critical phi^4.
        var cost = Assert.IsType<CostStage>(stages[^1]).Spec;
        Assert.Equal(NonlinearSpec.CriticalKappaAtLambdaOne, cost.Kappa);
        Assert.Equal(quick ? [8, 16] : large ? [8, 16, 32, 64, 128] : [8, 16, 32, 64], cost.Algorithms.Single(a => a.Name == "wolff").Sizes);
        Assert.Contains(cost.Algorithms, a => a.Name == "hmc");
    }

    [Fact]
    public void QuickAndLargeRunsSelectSmallerAndLargerStudies()
    {
        var quick = ReproducePlan.Stages(true, false, 1);
        var full = ReproducePlan.Stages(false, false, 1);
        var large = ReproducePlan.Stages(false, true, 1);
        Assert.All(quick.OfType<SweepStage>(), s => Assert.StartsWith("quick-", s.Spec.Name, StringComparison.Ordinal));
        Assert.All(full.OfType<SweepStage>(), s => Assert.False(s.Spec.Name.StartsWith("quick-", StringComparison.Ordinal)));
        Assert.Equal("quick-beyond-gaussian", Single<BeyondGaussianStage>(quick).Folder);
        Assert.Equal("beyond-gaussian", Single<BeyondGaussianStage>(full).Folder);
        Assert.Equal("quick-nonlinear", Single<NonlinearStage>(quick).Folder);
        Assert.Equal("nonlinear", Single<NonlinearStage>(large).Folder);
        Assert.Equal("quick-quality", Single<QualityStage>(quick).Folder);
        Assert.Equal("quality", Single<QualityStage>(full).Folder);
        Assert.True(Single<QualityStage>(quick).Spec.Replicas >= 3 && Single<QualityStage>(full).Spec.Replicas >= 3);
        Assert.Equal(200, Single<SamplerCheckStage>(quick).Spec.Configurations);
        Assert.Equal(2000, Single<SamplerCheckStage>(full).Spec.Configurations);
        Assert.Equal([8, 16], Single<McmcBaselineStage>(quick).Spec.Sizes);
        Assert.Equal([8, 16, 32], Single<McmcBaselineStage>(full).Spec.Sizes);
        Assert.Equal(Single<McmcBaselineStage>(full).Spec.Algorithms, Single<McmcBaselineStage>(large).Spec.Algorithms);
        Assert.True(Single<McmcBaselineStage>(quick).Spec.Algorithms.Zip(Single<McmcBaselineStage>(full).Spec.Algorithms).All(p => p.First.Name == p.Second.Name && p.First.Sweeps < p.Second.Sweeps));
        // --large: L = 128 in the issue-7 studies and in the nonlinear one; the sweeps are those of a full run.
        Assert.Equal(128, Single<StabilityStage>(large).Plan.Sgd.Sizes.Max());
        Assert.Equal(128, Single<LocalArchitectureStage>(large).Spec.Sizes.Max());
        Assert.Equal(64, Single<StabilityStage>(full).Plan.Sgd.Sizes.Max());
        Assert.Equal(128, Single<NonlinearStage>(large).Spec.Sizes.Max());
        Assert.Equal([8, 16, 32, 64], Single<NonlinearStage>(full).Spec.Sizes);
        Assert.Equal(3, Single<NonlinearStage>(full).Spec.Replicas);
        Assert.Equal(2, Single<NonlinearStage>(quick).Spec.Replicas);
        Assert.Equal(full.OfType<SweepStage>().Select(s => Key(s.Spec)), large.OfType<SweepStage>().Select(s => Key(s.Spec)));
        // The ETA weights follow the options: --quick's weight wins over --large's.
        var weights = new StageWeights(1, 2, 3);
        Assert.Equal((1.0, 1.0, 2.0, 3.0), (weights.For(true, false), weights.For(true, true), weights.For(false, false), weights.For(false, true)));
    }

    [Fact]
    public void ThePlanNamesItsNetworksFromTheCatalog()
    {
        Assert.Equal(NetworkCatalog.TwoLayerLocal(1).Name, ReproducePlan.LocalArchitecture.Name);
        var sweeps = ReproducePlan.Sweeps(false, 1);
        Assert.All(sweeps.SelectMany(s => s.Architectures), a => Assert.Equal(a.Name, NetworkCatalog.Parse(a.Name).Name));
        Assert.Contains(sweeps, s => s.Mode == TrainingMode.Population && s.Architectures.Any(a => a.Name == NetworkCatalog.OneLayer.Name) && s.Architectures.Any(a => a.Name == ReproducePlan.LocalArchitecture.Name));
        Assert.All(ReproducePlan.Local(false, false, 1).Candidates, c => Assert.Equal(c.Architecture.Name, NetworkCatalog.Parse(c.Architecture.Name).Name));
    }

    /// <summary>The exact-sampler stage draws model i with seed + i, and measures what the exact sampler gives.</summary>
    [Fact]
    public void SamplerCheckDrawsEachModelWithItsOwnSeed()
    {
        var model = new SamplerCheckModel("d1", 1, 8, l => GaussianField.AtCorrelationLengthOverSize(l, 0.25));
        var stage = new SamplerCheckStage(new StageWeights(1, 1, 1), new SamplerCheckSpec([model, model], 50, 11));
        var run = new ReproduceRun(Path.GetTempPath(), true, 11, 1, _ => { }, (_, _) => throw new InvalidOperationException("no sweep"));
        stage.Run(run);
        var check = run.SamplerCheck!;
        Assert.Equal([11UL, 12UL], check.Select(c => c.Seed));
        var field = model.Build(new Lattice(1, 8));
        var expected = FieldMeasurement.Measure(field.Lattice, new ExactSampler(field).Sample(50, 12), 50);
        Assert.Equal(expected.Susceptibility, check[1].Measured.Susceptibility);
        Assert.NotEqual(check[0].Measured.Susceptibility, check[1].Measured.Susceptibility);
    }

    [Fact]
    public void ALaterStageRefusesToRunWithoutTheStageItNeeds()
    {
        var stage = Single<LocalSgdStage>(ReproducePlan.Stages(true, false, 1));
        var run = new ReproduceRun(Path.GetTempPath(), true, 1, 1, _ => { }, (_, _) => throw new InvalidOperationException("no sweep"));
        Assert.Contains("local-architecture", Assert.Throws<InvalidOperationException>(() => stage.Run(run)).Message, StringComparison.Ordinal);
    }

    /// <summary>The spec's identity as stored runs are keyed (equal keys: the same runs).</summary>
    private static string Key<TSpec>(TSpec spec) => KeyedResult.KeyOf(JsonFormats.Keyed, spec);

    private static string[] Keys(StabilityPlan plan) => [Key(plan.Gd), Key(plan.Sgd), Key(plan.OneLayerSgd), .. plan.Optimizers.Select(Key)];

    private static T Single<T>(IEnumerable<ReproduceStage> stages) => Assert.Single(stages.OfType<T>());
}
