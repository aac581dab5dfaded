namespace CritDiff.Training;

/// <summary>
/// Keeps the outcomes of finished reference runs (<see cref="StoppingContext.ReferenceRunLoss"/>: the longest part of a
/// slice under the validation rule), keyed by slice and run, so that a slice interrupted after them does not run them
/// again. A run's outcome depends only on its own streams, so a kept outcome is the one a rerun would give.
/// </summary>
public interface IReferenceRunStore
{
    /// <summary>The kept outcome of reference run <paramref name="run"/> of slice <paramref name="slice"/>, or null.</summary>
    (double Lowest, bool Diverged)? Find(int slice, int run);

    /// <summary>Keeps the outcome of a finished reference run.</summary>
    void Keep(int slice, int run, (double Lowest, bool Diverged) outcome);
}
