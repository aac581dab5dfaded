using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// Where U(L1, g) and U(L2, g) of two successive sizes cross (<see cref="BinderCrossings.Find"/>).
/// Coupling and BinderAtCrossing are NaN when the measured curves do not cross in the window.
/// </summary>
/// <param name="SmallerSize">L1.</param>
/// <param name="LargerSize">L2.</param>
/// <param name="Coupling">g* with its error (standard deviation over resamples of U within its errors, times
/// sqrt(chi^2 / dof) of the local fits when that exceeds 1).</param>
/// <param name="BinderAtCrossing">U* = U(g*) (mean of both fits there) with its error over the same resamples.</param>
/// <param name="Points">Couplings used per size (those of the local fit).</param>
/// <param name="FailedResamples">Resamples whose fits did not cross in the fit range (a large share means g* is poorly determined).</param>
/// <param name="Warning">Why the crossing is doubtful or missing, or null.</param>
public sealed record BinderCrossing(int SmallerSize, int LargerSize, Stats Coupling, Stats BinderAtCrossing, int Points,
    int FailedResamples, string? Warning)
{
    /// <summary>p-value of the local fits' chi^2 below which <see cref="FitQuality"/> is "poor".</summary>
    public const double PoorFitPValue = 0.01;

    /// <summary>chi^2 of both local fits together (NaN when no fit was made).</summary>
    public double ChiSquare { get; init; } = double.NaN;

    /// <summary>Degrees of freedom of both local fits together (points minus parameters; 0 when no fit was made).</summary>
    public int DegreesOfFreedom { get; init; }

    /// <summary>Lowest coupling of the local fit (NaN when none was made).</summary>
    public double FitLower { get; init; } = double.NaN;

    /// <summary>Highest coupling of the local fit (NaN when none was made).</summary>
    public double FitUpper { get; init; } = double.NaN;

    /// <summary>The measured coupling just below the sign change of U(L1) - U(L2) (NaN when the data do not change sign).</summary>
    public double BracketLower { get; init; } = double.NaN;

    /// <summary>The measured coupling just above the sign change (NaN when the data do not change sign).</summary>
    public double BracketUpper { get; init; } = double.NaN;

    /// <summary>
    /// -1 when the sign change lies in the lowest interval of the measured couplings or below them (no sign change and
    /// U(L1) &lt; U(L2) everywhere: the ordered side), +1 in the highest interval or above them, 0 when it lies inside.
    /// A refinement widens the window on that side.
    /// </summary>
    public int Edge { get; init; }

    /// <summary>True when a crossing with a finite error was found.</summary>
    public bool Found => double.IsFinite(Coupling.Mean) && double.IsFinite(Coupling.Error) && Coupling.Error > 0;

    /// <summary>chi^2 / dof of the local fits (NaN with no fit or no degree of freedom).</summary>
    public double ChiSquarePerDof => DegreesOfFreedom > 0 ? ChiSquare / DegreesOfFreedom : double.NaN;

    /// <summary>
    /// "good" (chi^2 p-value >= <see cref="PoorFitPValue"/>), "poor" (below it: the local fits do not describe U within its
    /// errors; the error is already scaled by sqrt(chi^2 / dof)), "unchecked" (a fit without degrees of freedom) or "none"
    /// (no crossing).
    /// </summary>
    public string FitQuality => !Found ? "none"
        : DegreesOfFreedom <= 0 || !double.IsFinite(ChiSquare) ? "unchecked"
        : MathNet.Numerics.Distributions.ChiSquared.CDF(DegreesOfFreedom, ChiSquare) > 1 - PoorFitPValue ? "poor" : "good";
}
