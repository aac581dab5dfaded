namespace CritDiff.Training;

/// <summary>
/// What one training run of a slice records: its history rows (one per evaluation, in step order) and the progress of the
/// run, reported at every evaluation. A resumed run starts from the rows of its snapshot.
/// </summary>
internal sealed class SliceMetrics(List<HistoryRow> history, Action<int>? progress = null)
{
    /// <summary>The rows so far; an objective may rewrite their excess (a moment objective's polishing does).</summary>
    public List<HistoryRow> History { get; } = history;

    /// <summary>Records the evaluation of <paramref name="row"/> and reports its step.</summary>
    public void Record(HistoryRow row)
    {
        History.Add(row);
        progress?.Invoke(row.Step);
    }
}

/// <summary>
/// What a slice is trained on, for <see cref="SliceLoop"/>: when and what to evaluate, the decision to stop after an
/// evaluation, and one optimizer step. Implementations: the moment objective of <see cref="SliceTrainer"/> (population
/// moments or moment minibatches) and denoising score matching of <see cref="SampleTrainer"/>.
/// </summary>
/// <typeparam name="TOutcome">The objective's outcome of a run, returned by whichever hook stops it.</typeparam>
internal interface ISliceObjective<TOutcome> where TOutcome : class
{
    /// <summary>The step the run begins at: 0, or the step of the snapshot it resumes from.</summary>
    int FirstStep { get; }

    /// <summary>Before anything else at <paramref name="step"/> (after the cancellation check): e.g. keeping a snapshot.</summary>
    void BeginStep(int step);

    /// <summary>True when <paramref name="step"/> is evaluated.</summary>
    bool Evaluates(int step);

    /// <summary>The history row of <paramref name="step"/> (the loop records it).</summary>
    HistoryRow Evaluate(int step);

    /// <summary>After the row of an evaluated <paramref name="step"/> is recorded: the outcome to stop with, or null to go on.</summary>
    TOutcome? Decide(int step);

    /// <summary>One optimizer step from <paramref name="step"/> to the next; an outcome to stop with instead (a cap, a divergence), or null.</summary>
    TOutcome? Step(int step);
}

/// <summary>
/// The one step loop of slice training: it owns the step counter and cancellation, and runs evaluate -&gt; record -&gt; stop?
/// -&gt; step through an <see cref="ISliceObjective{TOutcome}"/> into a <see cref="SliceMetrics"/> until a hook stops it.
/// </summary>
internal static class SliceLoop
{
    /// <summary>Runs <paramref name="objective"/> from its first step until one of its hooks returns an outcome.</summary>
    public static TOutcome Run<TOutcome>(ISliceObjective<TOutcome> objective, SliceMetrics metrics, CancellationToken cancellation)
        where TOutcome : class
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(metrics);
        for (int step = objective.FirstStep; ; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            objective.BeginStep(step);
            if (objective.Evaluates(step))
            {
                metrics.Record(objective.Evaluate(step));
                if (objective.Decide(step) is { } stopped) return stopped;
            }
            if (objective.Step(step) is { } ended) return ended;
        }
    }
}
