using CritDiff.Experiments;
using CritDiff.Networks;
using CritDiff.Reporting;
using Xunit.Abstractions;

namespace CritDiff.Tests.Experiments;

/// <summary>A tiny quality study end to end (L = 2, 4, one-layer, a two-rung ladder): reweighting against Monte Carlo, resume, the report's files.</summary>
public sealed class QualityStudyTests(ITestOutputHelper output)
{
    internal static QualitySpec Tiny { get; } = new()
    {
        Sizes = [2, 4], Replicas = 2, Networks = [NetworkCatalog.OneLayer.Name], Ladder = [100, 200], Configurations = 512, Thermalization = 100,
        PilotSweeps = 100, Slices = 8, RungSamples = [64], WeightSamples = [2048, 1024], ReverseSteps = 32, Seed = 3,
    };

    /// <summary>
    /// Wherever the ESS is at least 30, the exactly weighted chi and U agree with the replica's own Monte Carlo ensemble within
    /// 3 combined standard errors (the Q-reweight criterion); at least one replica is measurable here (at L = 2; at L = 4 the
    /// path weights of a linear network on phi^4 already sit near the 1/N floor). A rerun in the same folder reuses every piece
    /// and gives the same rows.
    /// </summary>
    [Fact]
    public void ReweightedObservablesMatchMonteCarloAndARerunReusesEveryPiece()
    {
        string folder = Directory.CreateTempSubdirectory("critdiff-quality-").FullName;
        try
        {
            var result = QualityStudy.Study.Run(Tiny, new StudyRun { Folder = folder, Threads = 2 });
            Assert.Equal(Tiny.Replicas * Tiny.Sizes.Count, result.Ensembles.Count);
            Assert.Equal(Tiny.Replicas * Tiny.Sizes.Count, result.Rows.Count);
            foreach (var r in result.Rows)
            {
                var e = result.Ensemble(r.Length, r.Replica);
                double? zChi = QualityReport.Z(r.ReweightedSusceptibility, e.Susceptibility), zU = QualityReport.Z(r.ReweightedBinder, e.Binder);
                output.WriteLine($"L={r.Length} r{r.Replica}: ESS/N {r.EssFraction:G3} of {r.WeightedSamples}, chi rw {r.ReweightedSusceptibility.Value:G4} +- {r.ReweightedSusceptibility.Error:G2} vs MC {e.Susceptibility.Value:G4} +- {e.Susceptibility.Error:G2} (z {zChi:F2}), U z {zU:F2}, acceptance {r.Acceptance:G3}, tau {r.TauInt:G3}, quality {r.QualitySteps}, train {r.TrainingSeconds:F2} s");
                Assert.Equal(r.EssFraction * r.WeightedSamples >= QualityRules.MinimumEss, r.Measurable);
                Assert.Equal(("ode-heun", "discrete"), (r.Sampler, r.LogDensity)); // n V <= 64 at L = 2, 4: the exact discrete log q
                Assert.All(r.Rungs, g => Assert.Equal(g.ChiRelativeError <= Tiny.ChiTolerance / 2, g.Resolvable));
                if (!r.Measurable) continue;
                Assert.InRange(zChi!.Value, -3, 3);
                Assert.InRange(zU!.Value, -3, 3);
                Assert.InRange(r.Acceptance!.Value, 0, 1);
                Assert.True(r.TauInt >= 0.5);
            }
            Assert.Contains(result.Rows, r => r.Measurable);
            Assert.Equal(result.Rows.Count, result.CostRows().Count);
            Assert.All(result.CostRows(), c => Assert.True(c.TrainingSeconds > 0 && c.GenerationSecondsPerSample > 0 && c.Samples == (c.Length == 2 ? 2048 : 1024)));

            var again = QualityStudy.Study.Run(Tiny, new StudyRun { Folder = folder, Threads = 1 });
            Assert.Equal(QualityStudy.Study.Jobs(Tiny, folder), again.Reused);
            Assert.Equal(result.Rows.Select(r => r.EssFraction), again.Rows.Select(r => r.EssFraction));

            var report = new ReportDocument("t");
            string out_ = Path.Combine(folder, "report");
            QualityReport.Add(report, out_, result, QualityReport.Judge(result), "quality/");
            foreach (string name in new[] { "m_histogram_L2", "m_histogram_L4", "chi_ratio", "ess", "acceptance", "quality_budget" })
            {
                Assert.True(File.Exists(Path.Combine(out_, name + ".png")), name);
                Assert.True(File.Exists(Path.Combine(out_, name + ".svg")), name);
            }
            foreach (string csv in new[] { "quality_replicas.csv", "quality_rungs.csv", "quality_aggregate.csv", "quality_ensembles.csv", "quality_cost.csv" })
                Assert.True(File.Exists(Path.Combine(out_, csv)), csv);
            Assert.Contains("quality/ess.png", report.ToMarkdown(), StringComparison.Ordinal);
            output.WriteLine(report.ToMarkdown());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// A time-conditioned network goes through the conditioned trainer, one run per rung (its ladder's wall time is the sum of
    /// the runs, at least that of the largest), and sizes it does not fit are left out (unet:2:1 needs L/2 >= 2: not L = 2).
    /// </summary>
    [Fact]
    public void ATimeConditionedNetworkRunsItsOwnLadderWhereItFits()
    {
        string unet = new UNetSpec(2, 1).Name;
        var spec = Tiny with { Networks = [unet], ConditionedLadder = [10, 20], WeightSamples = [64], RungSamples = [32], Configurations = 64 };
        Assert.False(spec.Runs(unet, 2));
        Assert.True(spec.Runs(unet, 4));
        Assert.False((spec with { ConditionedMaxSize = 2 }).Runs(unet, 4));
        Assert.Equal(spec.Replicas * (spec.Sizes.Count + 1), QualityStudy.Study.Jobs(spec, null));
        var result = QualityStudy.Study.Run(spec, new StudyRun { Threads = 1 });
        Assert.All(result.Rows, r =>
        {
            Assert.Equal((4, true, 20), (r.Length, r.TimeConditioned, r.LargestSteps));
            Assert.Equal([10, 20], r.Rungs.Select(g => g.Steps));
            Assert.True(r.LadderTrainingSeconds >= r.TrainingSeconds && r.TrainingSeconds > 0);
        });
        Assert.Equal(spec.Replicas, result.Rows.Count);
    }
}
