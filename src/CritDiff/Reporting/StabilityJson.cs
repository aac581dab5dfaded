using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Reporting;

/// <summary>
/// A stability scan as JSON: what <c>critdiff stability</c> prints under --json and writes under --out, and the entries
/// of summary.json's <c>sgd_stability</c> and <c>local_sgd_stability</c>.
/// </summary>
public static class StabilityJson
{
    /// <summary>Mean steps over seeds with the standard error (NaN when no run was trained, error NaN for one seed).</summary>
    public static Stats Steps(StabilityRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.SeedSteps.Count > 0 ? row.Steps : new Stats(double.NaN, double.NaN);
    }

    /// <summary>The scan's settings, rows and fits.</summary>
    public static JsonObject Summary(StabilityScanResult scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var spec = scan.Spec;
        return new JsonObject
        {
            ["arch"] = spec.Architecture,
            ["d"] = spec.Dimension,
            ["family"] = spec.Family.Label,
            ["schedule"] = spec.Schedule,
            ["t"] = spec.Time,
            ["mode"] = spec.Mode.ToString().ToLowerInvariant(),
            ["optimizer"] = spec.Optimizer,
            ["basis"] = spec.Basis.ToString().ToLowerInvariant(),
            ["start"] = NetworkStart.Parse(spec.Start).ToString(),
            ["batch"] = spec.BatchSize,
            ["seeds"] = spec.Search.Seeds,
            ["seeds_used"] = StabilityFinder.IsDeterministic(spec.Config()) ? 1 : spec.Search.Seeds,
            ["budget"] = spec.Search.Budget,
            ["tolerance"] = spec.Search.Tolerance,
            ["fraction"] = spec.Fraction,
            ["eps"] = spec.Eps,
            ["max_steps"] = spec.MaxSteps,
            ["seed"] = spec.Seed,
            ["wall_seconds"] = scan.WallSeconds,
            ["rows"] = new JsonArray(scan.Rows.OrderBy(r => r.Length).Select(r => (JsonNode)Row(r)).ToArray()),
            ["fits"] = Fits(scan),
        };
    }

    /// <summary>One size: parameters, stable and safe learning rates, steps over seeds, convergence and the optimum gap.</summary>
    public static JsonObject Row(StabilityRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var steps = Steps(r);
        return new JsonObject
        {
            ["L"] = r.Length,
            ["params"] = r.Parameters,
            ["stable_lr"] = JsonNumber.Of(r.Stability.StableRate),
            ["stable_lr_err"] = JsonNumber.Of(r.Stability.StableRateError),
            ["safe_lr"] = JsonNumber.Of(r.Stability.SafeRate),
            ["training_lr"] = JsonNumber.Of(r.TrainingRate),
            ["steps"] = JsonNumber.Of(steps.Mean),
            ["steps_err"] = JsonNumber.Of(steps.Error),
            ["seed_steps"] = new JsonArray(r.SeedSteps.Select(s => (JsonNode)s).ToArray()),
            ["seed_stable_lr"] = new JsonArray(r.Stability.Seeds.Select(s => JsonNumber.Of(s.Stable)).ToArray()),
            ["converged"] = r.Converged,
            ["diverged"] = r.Diverged,
            ["optimum_gap_to_exact"] = JsonNumber.Of(r.OptimumGap),
            ["probes"] = r.Stability.Probes,
            ["bracketed"] = r.Stability.Bracketed,
        };
    }

    /// <summary>The fits of the stable rate and of the steps against L.</summary>
    public static JsonObject Fits(StabilityScanResult scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        return new JsonObject
        {
            ["stable_lr_exponent"] = JsonNumber.Of(scan.RateFit?.PowerExponent),
            ["stable_lr_exponent_err"] = JsonNumber.Of(scan.RateFit?.PowerExponentError),
            ["stable_lr_preferred"] = scan.RateFit?.Preferred,
            ["steps_power_exponent"] = JsonNumber.Of(scan.StepsFit?.PowerExponent),
            ["steps_power_exponent_err"] = JsonNumber.Of(scan.StepsFit?.PowerExponentError),
            ["steps_log_slope"] = JsonNumber.Of(scan.StepsFit?.LogSlope),
            ["steps_log_slope_err"] = JsonNumber.Of(scan.StepsFit?.LogSlopeError),
            ["preferred"] = scan.StepsFit?.Preferred,
        };
    }
}
