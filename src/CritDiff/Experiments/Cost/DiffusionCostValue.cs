using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// One kind of diffusion cost at one (L, network) over its replicas: mean +- standard error when every replica has at least the
/// minimum of effective samples; otherwise "not measured" with a lower bound (the mean over replicas of each one's value or,
/// where it has too few effective samples, its bound, <see cref="CostCombination.PerIndependent"/>). Null values where no
/// replica has the measurement at all.
/// </summary>
/// <param name="Kind">How the cost is counted.</param>
/// <param name="Cost">Mean +- SE over replicas in seconds, when measured.</param>
/// <param name="LowerBound">Lower bound in seconds, when not measured.</param>
/// <param name="MeasuredReplicas">Replicas with enough effective samples.</param>
public sealed record DiffusionCostValue(DiffusionCostKind Kind, Stats? Cost, double? LowerBound, int MeasuredReplicas);
