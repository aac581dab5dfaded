namespace CritDiff.Experiments;

/// <summary>"generation quality and measurable reweighting on critical phi^4": the quality study <paramref name="Spec"/> in <paramref name="Folder"/> (finished parts are reused).</summary>
public sealed record QualityStage(StageWeights Weights, QualitySpec Spec, string Folder) : ReproduceStage("generation quality and measurable reweighting on critical phi^4", Weights)
{
    /// <inheritdoc/>
    protected override void RunCore(ReproduceRun run)
    {
        string folder = run.PathOf(Folder);
        var result = QualityStudy.Study.Run(Spec, run.StudyIn(folder, e => run.Note("quality: " + e.Job)));
        run.Quality = (folder, result);
    }
}
