using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Persistence;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Reporting;

/// <summary>The verdicts of a reproduce run and its summary.json object.</summary>
public sealed record ReproduceOutcome(IReadOnlyList<ClaimVerdict> Claims, JsonObject Summary);

/// <summary>
/// What <c>critdiff reproduce</c> writes once its stages have run (<see cref="ReproduceRun"/>): the verdicts of every claim
/// judged from the data, report.md and report.html (with the tables and figures of every experiment, each in its folder),
/// observables.csv, claims.csv and summary.json.
/// </summary>
public static class ReproduceReport
{
    /// <summary>The report's title.</summary>
    public const string Title = "CritDiff: does score learning slow down at a critical point?";

    /// <summary>
    /// The verdicts, in report order: C1-C4 from the population-GD sweeps, "C3 under SGD" and the optimizers, the local
    /// architectures under GD and SGD, the finite-n claims and the nonlinear ones.
    /// </summary>
    public static IReadOnlyList<ClaimVerdict> Judge(ReproduceRun run) => Verdicts.Of(run).All;

    /// <summary>
    /// Judges the claims and writes every file of the run's folder: observables.csv, the experiments' tables and figures,
    /// report.md, report.html, claims.csv and last summary.json, whose wall time <paramref name="wallSeconds"/> reads.
    /// </summary>
    public static ReproduceOutcome Write(ReproduceRun run, Func<double> wallSeconds)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(wallSeconds);
        var verdicts = Verdicts.Of(run);
        var claims = verdicts.All;
        var sampling = Require(run.SamplerCheck, "exact-sampler check");
        Checkpoint.WriteAtomic(run.PathOf("observables.csv"), ObservablesCsv(sampling));
        Document(run, verdicts, sampling).Save(run.Folder);
        Checkpoint.WriteAtomic(run.PathOf("claims.csv"), Claims.ToCsv(claims));
        var summary = ReproduceJson.Summary(run, claims, wallSeconds());
        Checkpoint.WriteAtomic(run.PathOf("summary.json"), JsonFiles.ToFileText(summary));
        return new ReproduceOutcome(claims, summary);
    }

    /// <summary>The four observables of the exact-sampler check: name, exact value and measurement.</summary>
    public static IEnumerable<(string Key, double Exact, Stats Measured)> Observables(SamplerCheckRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var (field, m) = (run.Field, run.Measured);
        yield return ("chi", field.Susceptibility, m.Susceptibility);
        yield return ("xi2", field.SecondMomentCorrelationLength, m.SecondMomentLength);
        yield return ("energy", field.Energy, m.Energy);
        yield return ("G0", field.LocalVariance, m.LocalVariance);
    }

    /// <summary>observables.csv: <c>model,d,L,observable,exact,measured,error,z</c>, every digit kept.</summary>
    public static string ObservablesCsv(IReadOnlyList<SamplerCheckRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var lines = new StringBuilder("model,d,L,observable,exact,measured,error,z\n");
        foreach (var run in runs)
            foreach (var (key, exact, stats) in Observables(run))
                lines.Append(CultureInfo.InvariantCulture,
                    $"{run.Model.Name},{run.Model.Dimension},{run.Model.Length},{key},{exact:R},{stats.Mean:R},{stats.Error:R},{stats.StandardScore(exact):R}\n");
        return lines.ToString();
    }

    /// <summary>The value of a stage that must have run before the report.</summary>
    internal static T Require<T>(T? value, string what) where T : class =>
        value ?? throw new InvalidOperationException($"the reproduce report needs the {what}: run every stage of the plan first");

    /// <inheritdoc cref="Require{T}(T, string)"/>
    internal static T Require<T>(T? value, string what) where T : struct =>
        value ?? throw new InvalidOperationException($"the reproduce report needs the {what}: run every stage of the plan first");

    private static ReportDocument Document(ReproduceRun run, Verdicts verdicts, IReadOnlyList<SamplerCheckRun> sampling)
    {
        var claims = verdicts.All;
        var report = new ReportDocument(Title);
        report.Verdicts(claims);
        report.Text(ReproduceIntroduction.Text(run.Quick, claims));
        report.Section("Claims");
        foreach (var c in claims)
            report.Text($"**{c.Id} ({c.Verdict})**: {c.Statement} Measured: {c.Evidence}. Criterion: {c.Criterion}.");
        report.Section("Target field: exact sampler against exact observables");
        report.Table(["model", "observable", "exact", "measured", "z (SE)"], sampling.SelectMany(s => Observables(s).Select(o => (IReadOnlyList<string>)
            [s.Model.Name, o.Key, Stats.FormatValue(o.Exact), o.Measured.ToString(), SweepReport.Z(o.Measured.StandardScore(o.Exact))])));
        foreach (var (spec, _) in run.Sweeps)
        {
            var sweep = SweepReport.Rebuild(run.PathOf(spec.Name));
            report.Section($"Experiment {spec.Name}");
            SweepReport.AddSweep(report, spec, sweep.Summary, sweep.Figures, spec.Name + "/");
        }
        AddStudies(report, run, verdicts);
        return report;
    }

    private static void AddStudies(ReportDocument report, ReproduceRun run, Verdicts verdicts)
    {
        var stability = Require(run.Stability, "stability scans");
        var local = Require(run.Local, "local-architecture study");
        var beyond = Require(run.BeyondGaussian, "beyond-Gaussian study");
        var (nonlinearFolder, nonlinear) = Require(run.Nonlinear, "nonlinear study");
        report.Section("C3 under SGD");
        StabilityReport.Add(report, run.PathOf(ReproducePlan.StabilityFolder), stability.Gd, stability.Sgd, stability.OneLayerSgd, stability.Optimizers,
            verdicts.Sgd, ReproducePlan.StabilityFolder + "/");
        report.Section("C4: local architectures");
        LocalArchitectureReport.Add(report, run.PathOf(ReproducePlan.LocalArchitectureFolder), local, verdicts.Local, ReproducePlan.LocalArchitectureFolder + "/");
        LocalArchitectureReport.AddSgd(report, Require(run.LocalSgd, "local SGD scans"), verdicts.LocalSgd);
        report.Section("Baseline: Monte Carlo critical slowing down");
        BaselineReport.Add(report, run.PathOf(ReproducePlan.McmcBaselineFolder), Require(run.McmcBaseline, "Monte Carlo baseline"), run.Sweeps[0].Summary,
            ReproducePlan.McmcBaselineFolder + "/");
        report.Section("Beyond the Gaussian limit: critical O(n) data");
        BeyondGaussianReport.Add(report, beyond.Folder, beyond.Spec, beyond.Points, verdicts.Beyond,
            Path.GetFileName(beyond.Folder) + "/");
        report.Section("Nonlinear networks on critical phi^4 samples");
        NonlinearReport.Add(report, nonlinearFolder, nonlinear, verdicts.Nonlinear, Path.GetFileName(nonlinearFolder) + "/");
        var (qualityFolder, quality) = Require(run.Quality, "quality study");
        report.Section("Generation quality and measurable reweighting on critical phi^4");
        QualityReport.Add(report, qualityFolder, quality, verdicts.Quality, Path.GetFileName(qualityFolder) + "/");
        var (costFolder, cost) = Require(run.Cost, "cost study");
        report.Section("Cost per independent critical configuration");
        CostReport.Add(report, costFolder, cost, verdicts.Cost, Path.GetFileName(costFolder) + "/");
    }

    /// <summary>The verdicts of a run, by the study that judges them.</summary>
    private sealed record Verdicts(IReadOnlyList<ClaimVerdict> Population, IReadOnlyList<ClaimVerdict> Sgd, ClaimVerdict Local, ClaimVerdict LocalSgd,
        IReadOnlyList<ClaimVerdict> Beyond, IReadOnlyList<ClaimVerdict> Nonlinear, IReadOnlyList<ClaimVerdict> Quality, IReadOnlyList<ClaimVerdict> Cost)
    {
        /// <summary>Every verdict, in report order.</summary>
        public IReadOnlyList<ClaimVerdict> All { get; } = [.. Population, .. Sgd, Local, LocalSgd, .. Beyond, .. Nonlinear, .. Quality, .. Cost];

        public static Verdicts Of(ReproduceRun run)
        {
            ArgumentNullException.ThrowIfNull(run);
            var population = run.Sweeps.Where(w => w.Spec.Mode == TrainingMode.Population).Select(w => w.Summary).ToArray();
            var stability = Require(run.Stability, "stability scans");
            var beyond = Require(run.BeyondGaussian, "beyond-Gaussian study");
            return new Verdicts(Claims.Judge(population, ReproducePlan.LocalArchitecture.Name),
                [StabilityReport.Judge(stability.Gd, stability.Sgd, stability.OneLayerSgd), StabilityReport.JudgeOptimizers(stability.Optimizers)],
                LocalArchitectureReport.Judge(Require(run.Local, "local-architecture study")),
                LocalArchitectureReport.JudgeSgd(Require(run.LocalSgd, "local SGD scans")),
                BeyondGaussianReport.Judge(beyond.Spec, beyond.Points),
                NonlinearReport.Judge(Require(run.Nonlinear, "nonlinear study").Result),
                QualityReport.Judge(Require(run.Quality, "quality study").Result),
                CostReport.Judge(Require(run.Cost, "cost study").Result));
        }
    }
}
