namespace CritDiff.Experiments;

/// <summary>
/// A named step of <c>critdiff reproduce</c> (<see cref="ReproducePlan.Stages"/>): what it runs, and its weight for the
/// run's ETA. <see cref="Run"/> runs it and stores its result in the <see cref="ReproduceRun"/>; a later stage may read
/// the results of earlier ones.
/// </summary>
/// <param name="Name">The name printed in the stage's progress line.</param>
/// <param name="Weights">Typical seconds of the stage on 2 cores in a --quick, a full and a --large run.</param>
public abstract record ReproduceStage(string Name, StageWeights Weights)
{
    /// <summary>Runs the stage and records its result in <paramref name="run"/>.</summary>
    public void Run(ReproduceRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        run.Cancellation.ThrowIfCancellationRequested();
        RunCore(run);
    }

    /// <summary>The stage's work.</summary>
    protected abstract void RunCore(ReproduceRun run);
}
