using System.Globalization;

namespace CritDiff.Experiments;

/// <summary>"beyond the Gaussian limit": the beyond-Gaussian study <paramref name="Spec"/> in <paramref name="Folder"/> (finished points are reused).</summary>
public sealed record BeyondGaussianStage(StageWeights Weights, BeyondGaussianSpec Spec, string Folder) : ReproduceStage("beyond the Gaussian limit", Weights)
{
    /// <inheritdoc/>
    protected override void RunCore(ReproduceRun run)
    {
        string folder = run.PathOf(Folder);
        var points = BeyondGaussianStudy.Run(Spec, folder, run.Threads, new Progress<BeyondGaussianPoint>(p =>
            run.Note(string.Create(CultureInfo.InvariantCulture,
                $"beyond-gaussian: {p.Series} L={p.Length}: chi = {p.Susceptibility.Value:G4}, steps {string.Join(", ", p.Training.Select(t => $"{t.Architecture} {t.Steps}"))} ({p.WallSeconds:F1} s)"))),
            run.Cancellation);
        run.BeyondGaussian = (Spec, folder, points);
    }
}
