using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// Where U(L1, g) and U(L2, g) of two successive sizes cross (<see cref="BinderCrossings.Find"/>).
/// Coupling and BinderAtCrossing are NaN when the fitted curves do not cross in the window.
/// </summary>
/// <param name="SmallerSize">L1.</param>
/// <param name="LargerSize">L2.</param>
/// <param name="Coupling">g* with its error (standard deviation over resamples of U within its errors).</param>
/// <param name="BinderAtCrossing">U* = U(g*) (mean of both fits there) with its error over the same resamples.</param>
/// <param name="Points">Couplings used per size.</param>
/// <param name="FailedResamples">Resamples whose fits did not cross in the window (a large share means g* is poorly determined).</param>
/// <param name="Warning">Why the crossing is doubtful, or null.</param>
public sealed record BinderCrossing(int SmallerSize, int LargerSize, Stats Coupling, Stats BinderAtCrossing, int Points,
    int FailedResamples, string? Warning)
{
    /// <summary>True when a crossing with a finite error was found.</summary>
    public bool Found => double.IsFinite(Coupling.Mean) && double.IsFinite(Coupling.Error) && Coupling.Error > 0;
}
