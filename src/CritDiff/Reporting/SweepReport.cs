using System.Globalization;
using CritDiff.Experiments;

namespace CritDiff.Reporting;

/// <summary>A rebuilt sweep folder: its spec, summary and figures (title, PNG file name).</summary>
public sealed record SweepOutput(ScalingSpec Spec, ScalingSummary Summary, IReadOnlyList<(string Title, string File)> Figures);

/// <summary>Adds a sweep's tables and figures to a report, and writes a sweep folder's own report.</summary>
public static class SweepReport
{
    /// <summary>
    /// Rebuilds every file of a sweep folder from its job files: tables, and unless <paramref name="figures"/>
    /// is false, figures and the folder's own report.
    /// </summary>
    public static SweepOutput Rebuild(string folder, bool figures = true)
    {
        var spec = ScalingFolder.ReadSpec(folder);
        var jobs = ScalingFolder.ReadJobs(folder, spec);
        var summary = SweepTables.Write(folder, spec, jobs);
        if (!figures) return new SweepOutput(spec, summary, []);
        var files = SweepFigures.Write(folder, spec, summary, jobs);
        var report = new ReportDocument($"CritDiff sweep '{spec.Name}'");
        AddSweep(report, spec, summary, files, "");
        report.Save(folder);
        return new SweepOutput(spec, summary, files);
    }

    /// <summary>Appends the rows and fits tables and the figures (paths prefixed by <paramref name="prefix"/>).</summary>
    public static void AddSweep(ReportDocument report, ScalingSpec spec, ScalingSummary summary,
        IReadOnlyList<(string Title, string File)> figures, string prefix)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(summary);
        string time = spec.Time is { } t ? F(t) : $"{spec.Slices} slices in [{F(spec.MinTime)}, auto T]";
        report.Text($"d = {spec.Dimension}, {spec.Family.Label}, {spec.Schedule.ToUpperInvariant()} diffusion, t = {time}, " +
                    $"{summary.Mode} (learning rate {(spec.LearningRate is { } lr ? F(lr) : "auto")}" +
                    (spec.Mode == Training.TrainingMode.Empirical ? $", batch {spec.BatchSize}" : "") +
                    $"), stopping rule excess <= {F(spec.Eps)} x initial, {spec.Seeds} seed(s). Jobs done: {summary.JobsDone}/{summary.JobsTotal}. " +
                    $"KL at budget: exact KL(generated || law at t_min) per site after {spec.Budget} steps per slice " +
                    $"({spec.GenerationSlices} slices, exponential integrator, {spec.GenerationSteps} steps); the exact score gives the floor shown as 'KL exact score'.");
        report.Table(["arch", "L", "params", "steps", "theory", "converged", "optimum gap to exact", "KL at budget", "KL exact score", "wall s"],
            summary.Rows.Select(r => (IReadOnlyList<string>)
            [
                r.Architecture, r.Length.ToString(CultureInfo.InvariantCulture), r.Parameters.ToString(CultureInfo.InvariantCulture),
                PlusMinus(r.Steps, r.StepsError),
                r.PredictedSteps?.ToString(CultureInfo.InvariantCulture) ?? "-",
                r.Diverged ? "diverged" : r.Converged ? "yes" : "no (cap)",
                G(r.OptimumGapToExact), G(r.KlAtBudget), G(r.KlExactScore), r.WallSeconds.ToString("F2", CultureInfo.InvariantCulture),
            ]));
        report.Table(["arch", "points", "power exponent", "log slope", "preferred", "AIC(power) - AIC(log)", "theory exponent"],
            summary.Fits.Select(f => (IReadOnlyList<string>)
            [
                f.Architecture, f.Points.ToString(CultureInfo.InvariantCulture),
                f.PowerExponent is { } p ? PlusMinus(p, f.PowerExponentError) : "-",
                f.LogSlope is { } b ? PlusMinus(b, f.LogSlopeError) : "-",
                f.Preferred ?? "-", G(f.AkaikeDifference), G(f.PredictedPowerExponent),
            ]));
        foreach (var (title, file) in figures) report.Figure(title, prefix + file);
    }

    /// <summary>
    /// A number for a table: an integer value as an integer ("442"), otherwise 3 significant digits, in
    /// fixed notation between 1e-3 and 1e5 and as "9.96e-5" outside; never "-0".
    /// </summary>
    public static string F(double x)
    {
        if (!double.IsFinite(x)) return x.ToString(CultureInfo.InvariantCulture);
        string text = x == Math.Round(x) && Math.Abs(x) < 1e9 ? x.ToString("0", CultureInfo.InvariantCulture)
            : Math.Abs(x) is >= 1e-3 and < 1e5 ? x.ToString("G3", CultureInfo.InvariantCulture)
            : x.ToString("0.##e0", CultureInfo.InvariantCulture);
        return text.StartsWith('-') && text.Trim('-', '0', '.') is "" ? text[1..] : text;
    }

    /// <summary>"value +- error" by <see cref="Statistics.Stats.Format(double, double)"/>, or the value alone (<see cref="F"/>) without a finite non-zero error.</summary>
    public static string PlusMinus(double value, double? error) =>
        error is { } e && double.IsFinite(e) && e != 0 ? Statistics.Stats.Format(value, e) : F(value);

    /// <summary>A z-score (a difference in standard errors) to one decimal: "0.4", "-1.7"; never "-0.0".</summary>
    public static string Z(double z)
    {
        string text = z.ToString("F1", CultureInfo.InvariantCulture);
        return text == "-0.0" ? "0.0" : text;
    }

    /// <summary>A nullable number with 3 significant digits, or "-".</summary>
    public static string G(double? x) => x is { } v && double.IsFinite(v) ? F(v) : "-";
}
