namespace CritDiff.Experiments;

/// <summary>"nonlinear networks on critical phi^4 samples": the nonlinear study <paramref name="Spec"/> in <paramref name="Folder"/> (finished parts are reused).</summary>
public sealed record NonlinearStage(StageWeights Weights, NonlinearSpec Spec, string Folder) : ReproduceStage("nonlinear networks on critical phi^4 samples", Weights)
{
    /// <inheritdoc/>
    protected override void RunCore(ReproduceRun run)
    {
        string folder = run.PathOf(Folder);
        var result = NonlinearStudy.Study.Run(Spec, run.StudyIn(folder, e => run.Note("nonlinear: " + e.Job)));
        run.Nonlinear = (folder, result);
    }
}
