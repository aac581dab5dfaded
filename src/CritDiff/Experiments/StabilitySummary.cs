using System.Text.Json.Nodes;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// The JSON object of a stability scan (<c>critdiff stability --json</c> and its <c>--out</c> file): the settings, one row per
/// size and the fits. Non-finite numbers are null (JSON has no NaN). A scan on samples adds <c>"stopping_rule"</c>; a moment
/// scan has exactly the keys it always had.
/// </summary>
public static class StabilitySummary
{
    /// <summary>The result object of a scan.</summary>
    public static JsonObject Build(StabilityScanResult scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var spec = scan.Spec;
        var summary = new JsonObject
        {
            ["arch"] = spec.Architecture.Name,
            ["d"] = spec.Dimension,
            ["family"] = spec.Family.Label,
            ["schedule"] = spec.Schedule,
            ["t"] = spec.Time,
            ["mode"] = spec.Samples ? "samples" : spec.Mode.ToString().ToLowerInvariant(),
            ["optimizer"] = spec.Optimizer,
            ["basis"] = spec.Basis.ToString().ToLowerInvariant(),
            ["start"] = NetworkStart.Parse(spec.Start).ToString(),
            ["batch"] = spec.BatchSize,
            ["seeds"] = spec.Search.Seeds,
            ["seeds_used"] = StabilityScan.Seeds(spec),
            ["budget"] = spec.Search.Budget,
            ["tolerance"] = spec.Search.Tolerance,
            ["fraction"] = spec.Fraction,
            ["eps"] = spec.Eps,
            ["max_steps"] = spec.MaxSteps,
            ["seed"] = spec.Seed,
        };
        if (scan.StoppingRule is { } rule) summary["stopping_rule"] = rule;
        summary["wall_seconds"] = scan.WallSeconds;
        summary["rows"] = new JsonArray(scan.Rows.OrderBy(r => r.Length).Select(r => (JsonNode)Row(r)).ToArray());
        summary["fits"] = Fits(scan);
        return summary;
    }

    /// <summary>One size's row.</summary>
    public static JsonObject Row(StabilityRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var steps = row.TrainedSteps;
        return new JsonObject
        {
            ["L"] = row.Length,
            ["params"] = row.Parameters,
            ["stable_lr"] = Number(row.Stability.StableRate),
            ["stable_lr_err"] = Number(row.Stability.StableRateError),
            ["safe_lr"] = Number(row.Stability.SafeRate),
            ["training_lr"] = Number(row.TrainingRate),
            ["steps"] = Number(steps.Mean),
            ["steps_err"] = Number(steps.Error),
            ["seed_steps"] = new JsonArray(row.SeedSteps.Select(s => (JsonNode)s).ToArray()),
            ["seed_stable_lr"] = new JsonArray(row.Stability.Seeds.Select(s => Number(s.Stable)).ToArray()),
            ["converged"] = row.Converged,
            ["diverged"] = row.Diverged,
            ["optimum_gap_to_exact"] = Number(row.OptimumGap),
            ["probes"] = row.Stability.Probes,
            ["bracketed"] = row.Stability.Bracketed,
        };
    }

    private static JsonObject Fits(StabilityScanResult scan) => new()
    {
        ["stable_lr_exponent"] = Number(scan.RateFit?.PowerExponent),
        ["stable_lr_exponent_err"] = Number(scan.RateFit?.PowerExponentError),
        ["stable_lr_preferred"] = scan.RateFit?.Preferred,
        ["steps_power_exponent"] = Number(scan.StepsFit?.PowerExponent),
        ["steps_power_exponent_err"] = Number(scan.StepsFit?.PowerExponentError),
        ["steps_log_slope"] = Number(scan.StepsFit?.LogSlope),
        ["steps_log_slope_err"] = Number(scan.StepsFit?.LogSlopeError),
        ["preferred"] = scan.StepsFit?.Preferred,
    };

    private static JsonNode? Number(double? value) => value is { } v && double.IsFinite(v) ? JsonValue.Create(v) : null;
}
