using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>One stage of a <see cref="CriticalPointFinder"/> run: its coupling window and grid, and the crossings found.</summary>
/// <param name="Stage">0 for the first grid, s for the s-th refinement.</param>
/// <param name="Lower">Window start.</param>
/// <param name="Upper">Window end.</param>
/// <param name="Couplings">The grid run at every size in this stage.</param>
/// <param name="Crossings">Per pair of successive sizes, from every job of this and earlier stages inside the window.</param>
/// <param name="Coupling">Combined crossing coupling (<see cref="BinderCrossings.Combine"/>).</param>
/// <param name="BinderAtCrossing">Combined U* at the crossing.</param>
/// <param name="ChiSquarePerDof">Consistency of the pairs' crossings (NaN with one pair).</param>
public sealed record CriticalPointStage(int Stage, double Lower, double Upper, IReadOnlyList<double> Couplings,
    IReadOnlyList<BinderCrossing> Crossings, Stats Coupling, Stats BinderAtCrossing, double ChiSquarePerDof);
