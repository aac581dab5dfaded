using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Reporting;
using CritDiff.Statistics;
using ScottPlot;

namespace CritDiff.Tests; // not CritDiff.Tests.Reporting: that would hide CritDiff.Reporting in other test files

/// <summary>Issue 24: the report's figures, checked through the code that builds them (series, colours, markers, limits), not pixels.</summary>
public sealed class ReportFigureTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-report-figure-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static LocalStudyResult LocalStudy(int networks, (int Network, int L)? stopped)
    {
        int[] sizes = [8, 16, 32];
        var candidates = Enumerable.Range(0, networks).Select(i => new ArchitectureCandidate(NetworkCatalog.TwoLayerLocal(1), $"random:{i}")).ToArray();
        var rows = candidates.SelectMany((c, i) => sizes.Select(l =>
        {
            bool done = stopped != (i, l);
            return new LocalStudyRow(c, l, 18, l * l, done ? 5 + i : 200, done, false, 1e-3, false);
        })).ToArray();
        var fits = candidates.Select(c => new LocalStudyFit(c, null, true, true, 1e-3, 18)).ToArray();
        var spec = new LocalStudySpec { Family = null!, Dimension = 2, Sizes = sizes, Candidates = candidates };
        return new LocalStudyResult(spec, rows, fits, 0);
    }

    /// <summary>Twelve local networks (the reproduce study) get twelve different colours; Category10 alone repeated two of them.</summary>
    [Fact]
    public void LocalStepsFigureGivesEveryNetworkItsOwnColour()
    {
        var figure = LocalArchitectureReport.StepsFigure(LocalStudy(12, null));
        var series = figure.Drawn.Where(s => !s.LowerBound).ToArray();
        Assert.Equal(12, series.Length);
        Assert.Equal(12, series.Select(s => s.Color).Distinct().Count());
        Assert.True(Figure.DistinctColors >= 12);
    }

    /// <summary>A run stopped at the step cap is drawn as a lower bound (open upward triangle in its network's colour) with one legend entry, not dropped.</summary>
    [Fact]
    public void LocalStepsFigureDrawsAnUnconvergedRunAsALowerBound()
    {
        var figure = LocalArchitectureReport.StepsFigure(LocalStudy(3, (2, 32)));
        var bound = Assert.Single(figure.Drawn, s => s.LowerBound);
        Assert.Equal(MarkerShape.OpenTriangleUp, bound.Marker);
        Assert.Equal([Math.Log10(32)], bound.X);
        Assert.Equal([Math.Log10(200)], bound.Y);
        Assert.Equal(figure.Drawn.Single(s => !s.LowerBound && s.Label.Contains("random:2", StringComparison.Ordinal)).Color, bound.Color);
        Assert.Equal(2, figure.Drawn.Single(s => s.Label.Contains("random:2", StringComparison.Ordinal)).X.Length); // the converged L = 8, 16
        figure.Save(_folder, "local");
        Assert.Equal(Figure.LowerBoundLabel, bound.Label);
    }

    /// <summary>A size in the middle that did not converge breaks the network's line instead of being bridged; the legend names it once.</summary>
    [Fact]
    public void LocalStepsFigureBreaksTheLineAtAnUnconvergedSize()
    {
        var figure = LocalArchitectureReport.StepsFigure(LocalStudy(2, (1, 16)));
        var colour = figure.Drawn.Single(s => s.Label.Contains("random:1", StringComparison.Ordinal)).Color;
        var pieces = figure.Drawn.Where(s => !s.LowerBound && s.Color == colour).ToArray();
        Assert.Equal([[Math.Log10(8)], [Math.Log10(32)]], pieces.Select(p => p.X));
        Assert.Equal(["two-layer-local:1 (random:1)", ""], pieces.Select(p => p.Label));
        Assert.Equal([Math.Log10(16)], figure.Drawn.Single(s => s.LowerBound).X);
    }

    /// <summary>Excess curves stop at the rounding floor: a history that falls to 4e-16 no longer stretches the y axis to 1e-16.</summary>
    [Fact]
    public void ExcessFigureKeepsItsYAxisAboveRoundingLevel()
    {
        var history = Enumerable.Range(0, 30).Select(k => new ExcessPoint(k, k < 25 ? Math.Pow(10, -k) : 4.4e-16)).ToArray();
        var job = new JobResult
        {
            Index = 0, Architecture = "two-layer-local:1", Length = 64, SeedIndex = 0, Parameters = 18, Steps = 10, Converged = true, Diverged = false,
            LearningRateRule = "auto", WallSeconds = 0, BudgetCurve = [], History = history, RatioAtBudget = [],
        };
        var figure = SweepFigures.ExcessFigure("test", 0.01, [job]);
        Assert.All(figure.Drawn.Single().Y, y => Assert.True(y >= Math.Log10(SweepFigures.ExcessFloor)));
        figure.Save(_folder, "excess");
        // Autoscale adds a margin of a few percent of the 12 decades drawn: the axis ends within two decades of the floor.
        Assert.InRange(figure.SavedYRange.Bottom, SweepFigures.ExcessFloor / 100, SweepFigures.ExcessFloor);
    }

    /// <summary>Beyond Gaussian: besides the measured steps, the one-layer power-law fit and the predicted L^(2 - eta) are drawn.</summary>
    [Fact]
    public void BeyondGaussianStepsFigureDrawsTheFitAndThePrediction()
    {
        var series = new BeyondGaussianSeries("d2-ising", 2, 1, [8, 16, 32], 0.25);
        var spec = new BeyondGaussianSpec { Series = [series] };
        var points = new[] { 8, 16, 32 }.Select(l => new BeyondGaussianPoint
        {
            Series = series.Name, Components = 1, Dimension = 2, Length = l, Configurations = 100, Susceptibility = new ValueWithError(l, 1),
            ConditionNumber = 1, Key = "",
            Training = [new BeyondGaussianSteps("one-layer", (int)(3 * Math.Pow(l, 1.7)), 1, null, true), new BeyondGaussianSteps("two-layer", 5, 0, null, true)],
        }).ToArray();
        var figure = new Figure("t", "L", "steps", logX: true, logY: true);
        BeyondGaussianReport.AddSeries(figure, spec, series, points, 0);
        var fit = Assert.Single(figure.Drawn, s => s.Label.Contains("fit: L^(", StringComparison.Ordinal));
        var prediction = Assert.Single(figure.Drawn, s => s.Label.Contains("prediction L^(2 - eta) = L^1.75", StringComparison.Ordinal));
        Assert.Null(fit.Marker);
        Assert.Null(prediction.Marker);
        // The prediction's slope on the log-log axes is 2 - eta; the fit's is the fitted exponent (1.7 up to rounding of the steps).
        Assert.Equal(1.75, (prediction.Y[^1] - prediction.Y[0]) / (prediction.X[^1] - prediction.X[0]), 1e-9);
        Assert.Equal(1.7, (fit.Y[^1] - fit.Y[0]) / (fit.X[^1] - fit.X[0]), 0.01);
    }

    /// <summary>The baseline figure names each series' unit of time and gives z with its error.</summary>
    [Fact]
    public void BaselineFigureLabelsUnitsAndGivesZWithItsError()
    {
        AutocorrelationScan Scan(string algo) =>
            new(algo, new[] { 8, 16 }.Select(l => new McmcResult(algo, GaussianField.AtCorrelationLengthOverSize(new Lattice(2, l), 0.25), new McmcSettings(100, 10), 1, 0,
                new Stats(l, 1), new Stats(1, 0.1), new Stats(1, 0.1), new Stats(1, 0.1), 1, 1, 0, [], [])).ToArray(),
                ScalingFit.Of([8, 16, 32], [8, 17, 31], [1, 1, 1]));
        var training = new ScalingSummary
        {
            Experiment = "x", Dimension = 2, Family = "f", Mode = "population gd", Start = "balanced", Budget = 100, JobsTotal = 1, JobsDone = 1, Fits = [],
            Rows = [new ScalingRow { Architecture = "one-layer", Length = 8, Parameters = 64, Steps = 34, Converged = true, Diverged = false, Seeds = 1, WallSeconds = 0 }],
        };
        var figure = BaselineReport.BuildFigure([Scan("heatbath"), Scan("fa-hmc")], training);
        var labels = figure.Drawn.Select(s => s.Label).ToArray();
        Assert.Contains(labels, l => l.StartsWith("heatbath", StringComparison.Ordinal) && l.Contains("[sweeps]", StringComparison.Ordinal) && l.Contains("z = ", StringComparison.Ordinal) && l.Contains(" +- ", StringComparison.Ordinal));
        Assert.Contains(labels, l => l.StartsWith("fa-hmc", StringComparison.Ordinal) && l.Contains("[trajectories]", StringComparison.Ordinal) && l.Contains(" +- ", StringComparison.Ordinal));
        Assert.Contains(labels, l => l.Contains("[optimizer steps]", StringComparison.Ordinal));
    }

    /// <summary>The report opens with what the tool studies now (Gaussian, finite-n O(n), phi^4; linear and nonlinear networks) and lists every claim.</summary>
    [Fact]
    public void ReportOpeningDescribesEveryTargetAndListsEveryClaim()
    {
        string[] ids = ["C1", "C2", "C3", "C4", "C3-SGD", "Adam", "C4-local", "C4-SGD", "C1-finite-n", "C3-finite-n", "NL-C1", "NL-C3", "NL-C2", "NL-C4", "NL-reweight"];
        string text = ReproduceIntroduction.Text(false, ids.Select(id => new ClaimVerdict(id, "", "", "", true)).ToArray());
        foreach (string phrase in new[] { "Gaussian O(n -> inf)", "finite-n O(n)", "phi^4", "nonlinear", "linear score networks", "Claims judged (15)" })
            Assert.Contains(phrase, text, StringComparison.Ordinal);
        Assert.All(ids, id => Assert.Contains(id, text, StringComparison.Ordinal));
        Assert.Contains("phi^4 samples, linear and nonlinear networks: NL-C1, NL-C3, NL-C2, NL-C4, NL-reweight", text, StringComparison.Ordinal);
        Assert.DoesNotContain("The target is the O(n -> inf)", text, StringComparison.Ordinal);
        // The cost verdicts (issue 23) form a group of their own, not the Gaussian one.
        string cost = ReproduceIntroduction.Text(false, [.. ids.Append("COST-1").Append("COST-3").Select(id => new ClaimVerdict(id, "", "", "", true))]);
        Assert.Contains("Monte Carlo and diffusion: COST-1, COST-3", cost, StringComparison.Ordinal);
        Assert.DoesNotContain("COST-1", cost[..cost.IndexOf("finite-n O(n) data:", StringComparison.Ordinal)], StringComparison.Ordinal);
    }
}
