using System.Globalization;
using System.Text;
using System.Text.Json;
using CritDiff.Experiments;

namespace CritDiff.Reporting;

/// <summary>
/// The open-format files of a sweep folder, rebuilt from its job files alone: <c>summary.json</c>,
/// <c>rows.csv</c>, <c>fits.csv</c>, <c>budget.csv</c> (KL against budget), <c>history.csv</c>
/// (excess loss against step, slowest slice) and <c>ratio.csv</c> (r(k) at the budget, per |k| shell).
/// </summary>
public static class SweepTables
{
    /// <summary>Writes every table and returns the summary.</summary>
    public static ScalingSummary Write(string folder, ScalingSpec spec, IReadOnlyList<JobResult> jobs)
    {
        var summary = ScalingSummary.Build(spec, jobs);
        Checkpoint(folder, "summary.json", JsonFormats.Serialize(summary, JsonFormats.Folder) + "\n");
        var rows = new StringBuilder("arch,L,params,steps,steps_err,predicted_steps,converged,diverged,seeds,optimum_gap_to_exact,kl_at_budget,kl_exact_score,wall_seconds\n");
        foreach (var r in summary.Rows)
            rows.Append(CultureInfo.InvariantCulture,
                $"{Q(r.Architecture)},{r.Length},{r.Parameters},{N(r.Steps)},{N(r.StepsError)},{r.PredictedSteps},{B(r.Converged)},{B(r.Diverged)},{r.Seeds},{N(r.OptimumGapToExact)},{N(r.KlAtBudget)},{N(r.KlExactScore)},{N(r.WallSeconds)}\n");
        Checkpoint(folder, "rows.csv", rows.ToString());
        var fits = new StringBuilder("arch,points,power_exponent,power_exponent_err,log_slope,log_slope_err,preferred,aic_power_minus_log,predicted_power_exponent\n");
        foreach (var f in summary.Fits)
            fits.Append(CultureInfo.InvariantCulture,
                $"{Q(f.Architecture)},{f.Points},{N(f.PowerExponent)},{N(f.PowerExponentError)},{N(f.LogSlope)},{N(f.LogSlopeError)},{f.Preferred},{N(f.AkaikeDifference)},{N(f.PredictedPowerExponent)}\n");
        Checkpoint(folder, "fits.csv", fits.ToString());
        var budget = new StringBuilder("arch,L,seed_index,steps,kl_per_site,kl_per_site_vs_data\n");
        var history = new StringBuilder("arch,L,seed_index,step,excess\n");
        var ratio = new StringBuilder("arch,L,seed_index,k,r\n");
        foreach (var j in jobs)
        {
            foreach (var p in j.BudgetCurve)
                budget.Append(CultureInfo.InvariantCulture, $"{Q(j.Architecture)},{j.Length},{j.SeedIndex},{p.Steps},{N(p.KlPerSite)},{N(p.KlPerSiteVsData)}\n");
            foreach (var p in j.History)
                history.Append(CultureInfo.InvariantCulture, $"{Q(j.Architecture)},{j.Length},{j.SeedIndex},{p.Step},{N(p.Excess)}\n");
            foreach (var p in j.RatioAtBudget)
                ratio.Append(CultureInfo.InvariantCulture, $"{Q(j.Architecture)},{j.Length},{j.SeedIndex},{N(p.Momentum)},{N(p.Ratio)}\n");
        }
        Checkpoint(folder, "budget.csv", budget.ToString());
        Checkpoint(folder, "history.csv", history.ToString());
        Checkpoint(folder, "ratio.csv", ratio.ToString());
        return summary;
    }

    /// <summary>A number for CSV ("R" round-trip format), empty for null or non-finite.</summary>
    public static string N(double? x) => x is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>
    /// An identifier (an architecture, a start) for CSV, never quoted: the commas of a layer list are written as '+'
    /// (<c>layers:local:1,local:2</c> as <c>layers:local:1+local:2</c>), so that every CSV file CritDiff writes has one
    /// field per comma and reads with any CSV reader, <c>np.genfromtxt(..., delimiter=",")</c> included (docs/json.md).
    /// </summary>
    public static string Q(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Plain(text.Replace(',', '+'));
    }

    /// <summary>A sentence for CSV (evidence, criterion), never quoted: commas become ';' and quotes '.</summary>
    public static string Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Plain(text.Replace(',', ';'));
    }

    /// <summary>A boolean for CSV: <c>true</c> or <c>false</c> (lower case in every CSV file).</summary>
    public static string B(bool b) => b ? "true" : "false";

    /// <summary>A nullable boolean for CSV: <c>true</c>, <c>false</c> or empty.</summary>
    public static string B(bool? b) => b is { } v ? B(v) : "";

    private static string Plain(string text) => text.Replace('"', '\'').Replace('\n', ' ').Replace('\r', ' ');

    private static void Checkpoint(string folder, string name, string text) =>
        Persistence.Checkpoint.WriteAtomic(Path.Combine(folder, name), text);
}
