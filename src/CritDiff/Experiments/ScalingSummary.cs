using System.Text.Json.Serialization;
using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>One (architecture, L) row of a sweep: seeds averaged (steps with their standard error).</summary>
public sealed record ScalingRow
{
    [JsonPropertyName("arch")] public required string Architecture { get; init; }
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("params")] public required long Parameters { get; init; }
    [JsonPropertyName("steps")] public required double Steps { get; init; }
    [JsonPropertyName("steps_err")] public double? StepsError { get; init; }
    [JsonPropertyName("predicted_steps")] public int? PredictedSteps { get; init; }
    [JsonPropertyName("converged")] public required bool Converged { get; init; }
    [JsonPropertyName("diverged")] public required bool Diverged { get; init; }
    [JsonPropertyName("seeds")] public required int Seeds { get; init; }
    [JsonPropertyName("optimum_gap_to_exact")] public double? OptimumGapToExact { get; init; }
    [JsonPropertyName("kl_at_budget")] public double? KlAtBudget { get; init; }
    [JsonPropertyName("kl_exact_score")] public double? KlExactScore { get; init; }
    [JsonPropertyName("wall_seconds")] public required double WallSeconds { get; init; }

    /// <summary>The stopping rule of the training time on samples (absent for moment training).</summary>
    [JsonPropertyName("stopping_rule")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StoppingRule { get; init; }
}

/// <summary>Fits of the training time against L for one architecture (converged, non-diverged rows only).</summary>
public sealed record ScalingFitRow
{
    [JsonPropertyName("arch")] public required string Architecture { get; init; }
    [JsonPropertyName("points")] public required int Points { get; init; }
    [JsonPropertyName("power_exponent")] public double? PowerExponent { get; init; }
    [JsonPropertyName("power_exponent_err")] public double? PowerExponentError { get; init; }
    [JsonPropertyName("power_prefactor")] public double? PowerPrefactor { get; init; }
    [JsonPropertyName("log_slope")] public double? LogSlope { get; init; }
    [JsonPropertyName("log_slope_err")] public double? LogSlopeError { get; init; }
    [JsonPropertyName("log_intercept")] public double? LogIntercept { get; init; }
    [JsonPropertyName("preferred")] public string? Preferred { get; init; }
    [JsonPropertyName("aic_power_minus_log")] public double? AkaikeDifference { get; init; }
    [JsonPropertyName("predicted_power_exponent")] public double? PredictedPowerExponent { get; init; }
}

/// <summary>
/// The summary of a sweep, rebuilt from its job files alone: rows per (architecture, L) and fits of the
/// steps against L (power law and logarithm, <see cref="ScalingFit"/>). Wall times are the only
/// entries that differ between two runs of the same sweep.
/// </summary>
public sealed record ScalingSummary
{
    [JsonPropertyName("experiment")] public required string Experiment { get; init; }
    [JsonPropertyName("d")] public required int Dimension { get; init; }
    [JsonPropertyName("family")] public required string Family { get; init; }
    [JsonPropertyName("mode")] public required string Mode { get; init; }
    [JsonPropertyName("start")] public required string Start { get; init; }
    [JsonPropertyName("budget")] public required int Budget { get; init; }
    [JsonPropertyName("jobs_total")] public required int JobsTotal { get; init; }
    [JsonPropertyName("jobs_done")] public required int JobsDone { get; init; }
    [JsonPropertyName("rows")] public required IReadOnlyList<ScalingRow> Rows { get; init; }
    [JsonPropertyName("fits")] public required IReadOnlyList<ScalingFitRow> Fits { get; init; }

    /// <summary>Builds the summary of <paramref name="spec"/> from its finished jobs.</summary>
    public static ScalingSummary Build(ScalingSpec spec, IReadOnlyList<JobResult> jobs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(jobs);
        var rows = new List<ScalingRow>();
        foreach (string arch in spec.Architectures.Select(a => a.Name))
            foreach (int l in spec.Sizes)
            {
                var group = jobs.Where(j => j.Architecture == arch && j.Length == l).OrderBy(j => j.SeedIndex).ToArray();
                if (group.Length == 0) continue;
                var steps = Stats.FromSamples(group.Select(j => (double)j.Steps).ToArray());
                rows.Add(new ScalingRow
                {
                    Architecture = arch,
                    Length = l,
                    Parameters = group[0].Parameters,
                    Steps = steps.Mean,
                    StepsError = group.Length > 1 ? steps.Error : null,
                    PredictedSteps = group[0].PredictedSteps,
                    Converged = group.All(j => j.Converged),
                    Diverged = group.Any(j => j.Diverged),
                    Seeds = group.Length,
                    OptimumGapToExact = group[0].OptimumGapToExact,
                    KlAtBudget = Mean(group.Select(j => j.KlAtBudget)),
                    KlExactScore = group[0].KlExactScore,
                    WallSeconds = group.Sum(j => j.WallSeconds),
                    StoppingRule = group[0].StoppingRule,
                });
            }
        return new ScalingSummary
        {
            Experiment = spec.Name,
            Dimension = spec.Dimension,
            Family = spec.Family.Label,
            Mode = $"{(spec.Samples ? "samples" : spec.Mode.ToString().ToLowerInvariant())} {spec.Optimizer}",
            Start = spec.Start,
            Budget = spec.Budget,
            JobsTotal = spec.Jobs().Count,
            JobsDone = jobs.Count,
            Rows = rows,
            Fits = spec.Architectures.Select(a => a.Name).Select(a => Fit(a, rows.Where(r => r.Architecture == a).ToArray())).ToArray(),
        };
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        var list = values.ToArray();
        return list.All(v => v is not null) ? list.Average(v => v!.Value) : null;
    }

    private static ScalingFitRow Fit(string arch, ScalingRow[] rows)
    {
        var usable = rows.Where(r => r.Converged && !r.Diverged && r.Steps > 0).ToArray();
        if (usable.Select(r => r.Length).Distinct().Count() < 2) return new ScalingFitRow { Architecture = arch, Points = usable.Length };
        var sizes = usable.Select(r => (double)r.Length).ToArray();
        var errors = usable.All(r => r.StepsError > 0) ? usable.Select(r => r.StepsError!.Value).ToArray() : null;
        var fit = ScalingFit.Of(sizes, usable.Select(r => r.Steps).ToArray(), errors);
        double? predicted = usable.All(r => r.PredictedSteps > 0)
            ? ScalingFit.Of(sizes, usable.Select(r => (double)r.PredictedSteps!.Value).ToArray()).PowerExponent
            : null;
        return new ScalingFitRow
        {
            Architecture = arch,
            Points = usable.Length,
            PowerExponent = fit.PowerExponent,
            PowerExponentError = JobResult.Finite(fit.PowerExponentError),
            PowerPrefactor = Math.Exp(fit.Power.Intercept),
            LogSlope = fit.LogSlope,
            LogSlopeError = JobResult.Finite(fit.LogSlopeError),
            LogIntercept = fit.Logarithmic.Intercept,
            Preferred = fit.Preferred,
            AkaikeDifference = JobResult.Finite(fit.AkaikeDifference),
            PredictedPowerExponent = predicted,
        };
    }
}
