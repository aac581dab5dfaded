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
/// <param name="ChiSquarePerDof">Consistency of the pairs' crossings (NaN with one pair); the local fits' quality is
/// <see cref="FitChiSquarePerDof"/>.</param>
public sealed record CriticalPointStage(int Stage, double Lower, double Upper, IReadOnlyList<double> Couplings,
    IReadOnlyList<BinderCrossing> Crossings, Stats Coupling, Stats BinderAtCrossing, double ChiSquarePerDof)
{
    /// <summary>True when at least one pair's crossing was found (the combined coupling is finite).</summary>
    public bool Found => double.IsFinite(Coupling.Mean) && double.IsFinite(Coupling.Error);

    /// <summary>chi^2 / dof of the local fits of every found crossing together (NaN when none was found or none has a degree of freedom).</summary>
    public double FitChiSquarePerDof
    {
        get
        {
            var fitted = Crossings.Where(c => c.Found && c.DegreesOfFreedom > 0).ToArray();
            return fitted.Length == 0 ? double.NaN : fitted.Sum(c => c.ChiSquare) / fitted.Sum(c => c.DegreesOfFreedom);
        }
    }

    /// <summary>The worst <see cref="BinderCrossing.FitQuality"/> over the pairs: "none" when no pair crossed, else "poor" when any fit is poor, "partial" when some pair found no crossing, "unchecked" when some fit has no degree of freedom, otherwise "good".</summary>
    public string FitQuality
    {
        get
        {
            var qualities = Crossings.Select(c => c.FitQuality).ToArray();
            return qualities.Length == 0 || !Found ? "none" : qualities.Contains("poor") ? "poor"
                : qualities.Contains("none") ? "partial" : qualities.Contains("unchecked") ? "unchecked" : "good";
        }
    }
}
