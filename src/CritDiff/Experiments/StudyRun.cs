namespace CritDiff.Experiments;

/// <summary>
/// How a study runs (the run-time half of the study contract, <see cref="IStudy{TSpec, TResult}"/>): where finished jobs are
/// kept so that a rerun reuses them, how many threads it may use, who hears of its jobs, and when to stop. None of it changes
/// a study's numbers: jobs are seeded by their own index, so results do not depend on <see cref="Threads"/> or on which jobs a
/// rerun finds already finished.
/// </summary>
public sealed record StudyRun
{
    /// <summary>The study's folder: finished jobs are written there as they end and reused by a rerun (null: keep nothing).</summary>
    public string? Folder { get; init; }

    /// <summary>Most jobs run at once (-1: one per processor).</summary>
    public int Threads { get; init; } = -1;

    /// <summary>Hears of every job as it starts and ends, from worker threads (null: nobody).</summary>
    public IProgress<StudyProgress>? Progress { get; init; }

    /// <summary>Stops the study between steps; jobs already written stay finished.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Checks <see cref="Threads"/>; throws <see cref="ArgumentOutOfRangeException"/>.</summary>
    public void Validate()
    {
        if (Threads is 0 or < -1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be -1 (all processors) or >= 1");
    }

    internal ParallelOptions Parallel => new() { MaxDegreeOfParallelism = Threads, CancellationToken = Cancellation };

    internal void Started(string job) => Progress?.Report(new StudyProgress(job, false, ""));

    internal void Finished(string job, string detail) => Progress?.Report(new StudyProgress(job, true, detail));
}
