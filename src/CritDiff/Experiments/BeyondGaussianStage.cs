namespace CritDiff.Experiments;

/// <summary>"beyond the Gaussian limit": the beyond-Gaussian study <paramref name="Spec"/> in <paramref name="Folder"/> (finished points are reused).</summary>
public sealed record BeyondGaussianStage(StageWeights Weights, BeyondGaussianSpec Spec, string Folder) : ReproduceStage("beyond the Gaussian limit", Weights)
{
    /// <inheritdoc/>
    protected override void RunCore(ReproduceRun run)
    {
        string folder = run.PathOf(Folder);
        var points = BeyondGaussianStudy.Study.Run(Spec, run.StudyIn(folder, e => run.Note($"beyond-gaussian: {e.Job}: {e.Detail}")));
        run.BeyondGaussian = (Spec, folder, points);
    }
}
