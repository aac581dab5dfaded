namespace CritDiff.Experiments;

/// <summary>"nonlinear networks on critical phi^4 samples": the nonlinear study <paramref name="Spec"/> in <paramref name="Folder"/> (finished parts are reused).</summary>
public sealed record NonlinearStage(StageWeights Weights, NonlinearSpec Spec, string Folder) : ReproduceStage("nonlinear networks on critical phi^4 samples", Weights)
{
    /// <inheritdoc/>
    protected override void RunCore(ReproduceRun run)
    {
        string folder = run.PathOf(Folder);
        var result = NonlinearStudy.Run(Spec, folder, run.Threads, new SynchronousProgress(line => run.Note("nonlinear: " + line)), run.Cancellation);
        run.Nonlinear = (folder, result);
    }

    /// <summary>IProgress that runs the handler on the reporting thread.</summary>
    private sealed class SynchronousProgress(Action<string> handler) : IProgress<string>
    {
        public void Report(string value) => handler(value);
    }
}
