using System.Text.Json.Serialization;
using CritDiff.Persistence;

namespace CritDiff.Experiments;

/// <summary>The Monte Carlo ensemble of one (L, replica): the training data and the reference of that replica.</summary>
public sealed record QualityEnsembleRow
{
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("replica")] public required int Replica { get; init; }
    [JsonPropertyName("configurations")] public required int Configurations { get; init; }
    [JsonPropertyName("tau_int")] public required double TauInt { get; init; }
    [JsonPropertyName("chi")] public required ValueWithError Susceptibility { get; init; }
    [JsonPropertyName("binder")] public required ValueWithError Binder { get; init; }
    [JsonPropertyName("wall_seconds")] public required double WallSeconds { get; init; }

    /// <summary>The magnetisation M of every configuration (histogram distances; not written to summary.json).</summary>
    [JsonPropertyName("m")] public required double[] Magnetisations { get; init; }
}

/// <summary>Generation after one rung of the ladder: unweighted observables of the rung's samples against Monte Carlo.</summary>
public sealed record QualityRung
{
    [JsonPropertyName("steps")] public required int Steps { get; init; }
    [JsonPropertyName("samples")] public required int Samples { get; init; }
    [JsonPropertyName("chi_generated")] public required ValueWithError GeneratedSusceptibility { get; init; }
    [JsonPropertyName("binder_generated")] public required ValueWithError GeneratedBinder { get; init; }

    /// <summary>|ln(chi_gen / chi_MC)| (null where either is not positive).</summary>
    [JsonPropertyName("log_chi_error")] public double? LogChiError { get; init; }

    /// <summary>|U_gen - U_MC|.</summary>
    [JsonPropertyName("binder_error")] public double? BinderError { get; init; }

    /// <summary>Total-variation distance of the M histograms (<see cref="NonlinearStudy.HistogramDistance"/>).</summary>
    [JsonPropertyName("m_histogram_distance")] public double? HistogramDistance { get; init; }

    /// <summary>Whether all three quality thresholds hold.</summary>
    [JsonPropertyName("meets")] public required bool Meets { get; init; }

    /// <summary>SE(chi_gen) / chi_gen of the rung's samples (null where chi_gen is not positive).</summary>
    [JsonPropertyName("chi_relative_error")] public double? ChiRelativeError { get; init; }

    /// <summary>
    /// Whether the chi criterion is resolvable at this sample size: SE(chi_gen)/chi_gen &lt;= half the chi tolerance
    /// (<see cref="QualityRules.Resolvable"/>); where not, a met or missed rung is partly a draw of the samples.
    /// </summary>
    [JsonPropertyName("resolvable")] public bool Resolvable { get; init; }
}

/// <summary>One (network, L, replica): its ladder, the quality budget, and reweighting at the largest rung.</summary>
public sealed record QualityRow
{
    [JsonPropertyName("network")] public required string Network { get; init; }
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("replica")] public required int Replica { get; init; }
    [JsonPropertyName("parameters")] public required long Parameters { get; init; }
    [JsonPropertyName("time_conditioned")] public required bool TimeConditioned { get; init; }

    /// <summary>The reverse sampler of every rung (<see cref="QualitySpec.SamplerAt"/>).</summary>
    [JsonPropertyName("sampler")] public string Sampler { get; init; } = Generation.Samplers.EulerMaruyama.Name;

    /// <summary>The exact log q of the weighted samples: "discrete" (the Heun map's log-determinant) or "path" (path-space weights).</summary>
    [JsonPropertyName("log_density")] public string LogDensity { get; init; } = "path";
    [JsonPropertyName("rungs")] public required IReadOnlyList<QualityRung> Rungs { get; init; }

    /// <summary>The first rung meeting every threshold; null when none did (the budget is then above the largest rung).</summary>
    [JsonPropertyName("quality_steps")] public int? QualitySteps { get; init; }

    /// <summary>Training steps of the largest rung (per slice for a sliced network, in all for a time-conditioned one).</summary>
    [JsonPropertyName("largest_steps")] public required int LargestSteps { get; init; }

    /// <summary>Wall seconds to train once to the largest rung (all slices; for a time-conditioned network its largest run).</summary>
    [JsonPropertyName("training_seconds")] public required double TrainingSeconds { get; init; }

    /// <summary>Wall seconds of all the training the ladder needed (a time-conditioned network retrains every rung).</summary>
    [JsonPropertyName("ladder_training_seconds")] public required double LadderTrainingSeconds { get; init; }
    [JsonPropertyName("diverged")] public required bool Diverged { get; init; }

    [JsonPropertyName("weighted_samples")] public required int WeightedSamples { get; init; }
    [JsonPropertyName("generation_seconds_per_sample")] public required double GenerationSecondsPerSample { get; init; }
    [JsonPropertyName("ess_fraction")] public double? EssFraction { get; init; }

    /// <summary>ESS = N x ESS/N &gt;= <see cref="QualityRules.MinimumEss"/>: the reweighted numbers and the chain are reported.</summary>
    [JsonPropertyName("measurable")] public required bool Measurable { get; init; }
    [JsonPropertyName("chi_reweighted")] public required ValueWithError ReweightedSusceptibility { get; init; }
    [JsonPropertyName("binder_reweighted")] public required ValueWithError ReweightedBinder { get; init; }
    [JsonPropertyName("acceptance")] public double? Acceptance { get; init; }

    /// <summary>tau_int of M^2 along the independence-Metropolis chain (0.5: independent), with its error.</summary>
    [JsonPropertyName("tau_int")] public double? TauInt { get; init; }
    [JsonPropertyName("tau_int_error")] public double? TauIntError { get; init; }

    /// <summary>M of the weighted samples (unweighted), for the histogram figure (not written to summary.json).</summary>
    [JsonPropertyName("m")] public required double[] Magnetisations { get; init; }
}

/// <summary>
/// The cost record of one (network, L, replica) for the cost-per-independent-configuration stage (t23-cost): training wall
/// seconds to the largest rung, generation wall seconds per sample, ESS/N, the independence-Metropolis acceptance and tau_int
/// (null where ESS &lt; 30: not measurable), and the number of weighted samples.
/// </summary>
public sealed record QualityCostRow(string Network, int Length, int Replica, int TrainingSteps, double TrainingSeconds,
    double GenerationSecondsPerSample, double? EssFraction, double? Acceptance, double? TauInt, int Samples);

/// <summary>
/// One (network, L) over its replicas: the quality budget (mean +- SE where every replica met the thresholds, else a lower
/// bound: the mean with each unmet replica counted at the largest rung), chi_gen/chi_MC at the largest rung, and ESS/N, IMH
/// acceptance and tau_int over the replicas where the ESS is measurable (null where none is: "not measurable", no point drawn).
/// </summary>
public sealed record QualityAggregate
{
    [JsonPropertyName("network")] public required string Network { get; init; }
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("replicas")] public required int Replicas { get; init; }
    [JsonPropertyName("quality_steps")] public required ReplicaMean QualitySteps { get; init; }

    /// <summary>True when some replica did not meet the thresholds: <see cref="QualitySteps"/> is then a lower bound.</summary>
    [JsonPropertyName("quality_steps_is_bound")] public required bool QualityStepsIsBound { get; init; }
    [JsonPropertyName("chi_ratio")] public ReplicaMean? ChiRatio { get; init; }
    [JsonPropertyName("ess_fraction")] public ReplicaMean? EssFraction { get; init; }
    [JsonPropertyName("measurable_replicas")] public required int MeasurableReplicas { get; init; }
    [JsonPropertyName("acceptance")] public ReplicaMean? Acceptance { get; init; }
    [JsonPropertyName("tau_int")] public ReplicaMean? TauInt { get; init; }
}
