namespace CritDiff.Training;

/// <summary>
/// Keeps the progress of a slice that is still training, so that an interrupted slice resumes instead of starting over:
/// the outcomes of its finished reference runs (<see cref="StoppingContext.ReferenceRunLoss(int, int)"/>, the longest part under
/// the validation rule) and periodic snapshots of a run in progress (<see cref="RunSnapshot"/>). Every run depends only on
/// its own streams, and a snapshot holds everything that changes during a run, so a resumed slice is bit-identical to an
/// uninterrupted one.
/// </summary>
public interface ISliceProgressStore
{
    /// <summary>The kept outcome of reference run <paramref name="run"/> of slice <paramref name="slice"/>, or null.</summary>
    (double Lowest, bool Diverged)? FindReference(int slice, int run);

    /// <summary>Keeps the outcome of a finished reference run (its snapshots are no longer needed).</summary>
    void KeepReference(int slice, int run, (double Lowest, bool Diverged) outcome);

    /// <summary>The latest snapshot of run <paramref name="run"/> ("training", "reference0", ...) of a slice, or null.</summary>
    RunSnapshot? FindSnapshot(int slice, string run);

    /// <summary>Keeps a snapshot of a run in progress, replacing the previous one of that run.</summary>
    void KeepSnapshot(int slice, string run, RunSnapshot snapshot);

    /// <summary>Wall time between snapshots of a run (zero: before every step, for tests).</summary>
    TimeSpan SnapshotInterval { get; }
}
