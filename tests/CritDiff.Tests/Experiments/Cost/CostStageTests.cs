using CritDiff.Experiments;
using CritDiff.Reporting;

namespace CritDiff.Tests.Experiments.Cost;

/// <summary>The cost stage on a tiny case (L = 4, 8, short chains): its measurements, files and the Monte-Carlo-only report.</summary>
public sealed class CostStageTests
{
    private static CostSpec Tiny(ulong seed = 3) => new(NonlinearSpec.CriticalKappaAtLambdaOne, 1,
        [new("wolff", [4, 8], [300, 300]), new("hmc", [4, 8], [300, 300])], Chains: 2, TimingRepeats: 3, TimingSeconds: 0.002, 1e5, 30, seed);

    private static ReproduceRun Run(string folder) =>
        new(folder, true, 3, 1, _ => { }, (_, _) => throw new InvalidOperationException("no sweep in this test"));

    [Fact]
    public void WithoutDiffusionInputsTheStageReportsMonteCarloOnlyAndWritesItsFiles()
    {
        string folder = Directory.CreateTempSubdirectory("critdiff-cost-").FullName;
        try
        {
            var run = Run(folder);
            new CostStage(new StageWeights(1, 1, 1), Tiny(), "cost").Run(run);
            var (costFolder, result) = run.Cost!.Value;
            Assert.True(result.DiffusionMissing);
            Assert.Equal(["wolff", "hmc"], result.MonteCarlo.Select(s => s.Algorithm));
            foreach (var p in result.MonteCarlo.SelectMany(s => s.Points))
            {
                // The cost uses the slowest observable, and it is 2 tau_int x seconds per sweep.
                Assert.Equal(new[] { p.TauMagnetisationSquared.Mean, p.TauAbsMagnetisation.Mean, p.TauEnergy.Mean }.Max(), p.Tau.Mean);
                Assert.Equal(2 * p.Tau.Mean * p.SecondsPerSweep, p.Cost.Mean, Tolerances.ClosedForm);
                Assert.True(p.SecondsPerSweep > 0 && p.Tau.Error > 0);
                Assert.Equal(3, p.RepeatSecondsPerSweep.Count);
            }
            Assert.All(result.MonteCarlo, s => Assert.NotNull(s.CostFit));

            var verdicts = CostReport.Judge(result);
            Assert.Equal(["COST-1", "COST-2", "COST-3", "COST-4"], verdicts.Select(v => v.Id));
            Assert.All(verdicts.Skip(2), v => Assert.Contains("missing", v.Evidence, StringComparison.Ordinal));
            Assert.All(verdicts.Skip(2), v => Assert.Null(v.Reproduced));
            var report = new ReportDocument("cost");
            CostReport.Add(report, costFolder, result, verdicts, "cost/");
            foreach (string file in new[] { "cost.csv", "cost_vs_L.png", "cost_vs_L.svg" })
                Assert.True(File.Exists(Path.Combine(costFolder, file)), file);
            string[] csv = File.ReadAllLines(Path.Combine(costFolder, "cost.csv"));
            Assert.Equal(1 + 4, csv.Length);
            Assert.All(csv.Skip(1), line => Assert.Equal("mcmc", line.Split(',')[1]));
            Assert.Contains("Diffusion sampler: not measured", report.ToMarkdown(), StringComparison.Ordinal);
            Assert.Contains("not verified", report.ToMarkdown(), StringComparison.Ordinal);
            var json = CostReport.Json(result);
            Assert.True((bool)json["diffusion_missing"]!);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The tau_int values (not the seconds) are reproducible for a seed and independent of the thread count.</summary>
    [Fact]
    public void TauIsReproducibleForASeed()
    {
        var spec = Tiny(5) with { Algorithms = [new("wolff", [4, 6], [200, 200])] };
        var a = CostMeasurement.Run(spec, null, threads: 1);
        var b = CostMeasurement.Run(spec, null, threads: 2);
        Assert.Equal(a.MonteCarlo[0].Points.Select(p => p.Tau), b.MonteCarlo[0].Points.Select(p => p.Tau));
    }

    /// <summary>
    /// With diffusion inputs (3 replicas at L = 4 and 8, ESS >= 30; a fourth network below 30 at L = 8) the report has rows, a fit
    /// of the measured network, a lower bound drawn as such for the other, and the diffusion verdicts judge them.
    /// </summary>
    [Fact]
    public void DiffusionInputsGiveRowsFitsBoundsAndVerdicts()
    {
        DiffusionCostInput Row(int l, string net, int r, double ess) => new(l, net, r, 10 * l, 1e-4 * l * l, ess, 0.3, 3, 2000);
        var inputs = new List<DiffusionCostInput>();
        for (int r = 0; r < 3; r++)
        {
            inputs.Add(Row(4, "a", r, 0.5 + 0.01 * r));
            inputs.Add(Row(8, "a", r, 0.4 + 0.01 * r));
            inputs.Add(Row(4, "b", r, 0.3));
            inputs.Add(Row(8, "b", r, 0.001));
        }
        var spec = Tiny();
        var (rows, fits) = CostResult.Diffuse(spec, inputs);
        Assert.Equal(4, rows.Count);
        var a = fits.Single(f => f.Network == "a" && f.Kind == CostReport.HeadlineKind);
        Assert.Equal([4, 8], a.MeasuredSizes);
        Assert.NotNull(a.Fit);
        var b = fits.Single(f => f.Network == "b" && f.Kind == CostReport.HeadlineKind);
        Assert.Null(b.Fit);
        Assert.NotNull(rows.Single(r => r.Network == "b" && r.Length == 8).Of(CostReport.HeadlineKind).LowerBound);

        var result = new CostResult(spec, CostMeasurement.Run(spec with { Algorithms = [new("wolff", [4, 8], [200, 200])] }, null, 1).MonteCarlo, rows, fits, 0);
        var figure = CostReport.BuildFigure(result);
        Assert.Contains(figure.Drawn, s => s.Label.Contains("lower bound", StringComparison.Ordinal) && s.Marker == ScottPlot.MarkerShape.OpenTriangleUp);
        var verdicts = CostReport.Judge(result);
        Assert.Null(verdicts[2].Reproduced); // no HMC in this result
        Assert.NotNull(verdicts[3].Reproduced);
        Assert.Contains("a: L^(", verdicts[3].Evidence, StringComparison.Ordinal);
        string csv = CostReport.Csv(result);
        Assert.Contains("b,ess_amortised,8,,,,", csv, StringComparison.Ordinal);
    }
}
