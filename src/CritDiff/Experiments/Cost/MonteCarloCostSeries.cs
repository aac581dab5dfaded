using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>One Monte Carlo kernel's costs against L with the power-law fits of tau_int (slowest observable), seconds per sweep and cost.</summary>
public sealed record MonteCarloCostSeries(string Algorithm, IReadOnlyList<MonteCarloCostPoint> Points, ScalingFit? TauFit, ScalingFit? SweepFit, ScalingFit? CostFit);
