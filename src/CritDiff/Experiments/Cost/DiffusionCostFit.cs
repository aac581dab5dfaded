using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>The power law of one (network, kind) of diffusion cost over the sizes where it is measured; null fit with fewer than 2 sizes.</summary>
public sealed record DiffusionCostFit(string Network, DiffusionCostKind Kind, IReadOnlyList<int> MeasuredSizes, ScalingFit? Fit);
