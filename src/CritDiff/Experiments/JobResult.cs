using System.Text.Json.Serialization;

namespace CritDiff.Experiments;

/// <summary>One point of a job's generation-quality curve: exact KL of the generated law after a training budget.</summary>
public sealed record BudgetCurvePoint(
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("kl_per_site")] double? KlPerSite,
    [property: JsonPropertyName("kl_per_site_vs_data")] double? KlPerSiteVsData);

/// <summary>One row of a training history: excess loss (against the architecture's optimum) after a step.</summary>
public sealed record ExcessPoint(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("excess")] double? Excess);

/// <summary>The generated-to-exact spectrum ratio r(k) averaged over a shell of |k|.</summary>
public sealed record RatioPoint(
    [property: JsonPropertyName("k")] double Momentum,
    [property: JsonPropertyName("r")] double Ratio);

/// <summary>
/// The result of one <see cref="ScalingJob"/>, written to the run folder as JSON when the job ends.
/// Steps are the network's training time (the largest over its slices); the budget curve, the
/// slowest slice's history and r(k) at the budget feed the figures.
/// </summary>
public sealed record JobResult
{
    [JsonPropertyName("index")] public required int Index { get; init; }
    [JsonPropertyName("arch")] public required string Architecture { get; init; }
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("seed_index")] public required int SeedIndex { get; init; }
    [JsonPropertyName("params")] public required long Parameters { get; init; }
    [JsonPropertyName("steps")] public required int Steps { get; init; }
    [JsonPropertyName("predicted_steps")] public int? PredictedSteps { get; init; }
    [JsonPropertyName("converged")] public required bool Converged { get; init; }
    [JsonPropertyName("diverged")] public required bool Diverged { get; init; }
    [JsonPropertyName("lr")] public double? LearningRate { get; init; }
    [JsonPropertyName("lr_rule")] public required string LearningRateRule { get; init; }
    [JsonPropertyName("optimum_gap_to_exact")] public double? OptimumGapToExact { get; init; }
    [JsonPropertyName("final_excess")] public double? FinalExcess { get; init; }
    [JsonPropertyName("kl_at_budget")] public double? KlAtBudget { get; init; }
    [JsonPropertyName("kl_exact_score")] public double? KlExactScore { get; init; }
    [JsonPropertyName("wall_seconds")] public required double WallSeconds { get; init; }
    [JsonPropertyName("budget_curve")] public required IReadOnlyList<BudgetCurvePoint> BudgetCurve { get; init; }
    [JsonPropertyName("history")] public required IReadOnlyList<ExcessPoint> History { get; init; }
    [JsonPropertyName("ratio_at_budget")] public required IReadOnlyList<RatioPoint> RatioAtBudget { get; init; }

    /// <summary>The stopping rule of a job trained on samples (absent for moment training, whose rule is the exact excess).</summary>
    [JsonPropertyName("stopping_rule")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StoppingRule { get; init; }

    /// <summary>One line on the finished job: steps and outcome, the KL at the budget where measured, and the wall time.</summary>
    public string Describe()
    {
        string state = Diverged ? " (diverged)" : Converged ? "" : " (not converged)";
        string kl = KlAtBudget is { } k ? k.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) : "-";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Steps} steps{state}, KL at budget {kl}, {WallSeconds:F1} s");
    }

    /// <summary>A finite number, or null (JSON has no NaN).</summary>
    internal static double? Finite(double x) => double.IsFinite(x) ? x : null;
}
