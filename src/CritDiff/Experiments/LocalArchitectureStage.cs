using System.Globalization;

namespace CritDiff.Experiments;

/// <summary>"C4: local architectures": the local-architecture study <paramref name="Spec"/>, its runs stored in <paramref name="Folder"/>/runs.</summary>
public sealed record LocalArchitectureStage(StageWeights Weights, LocalStudySpec Spec, string Folder) : ReproduceStage("C4: local architectures", Weights)
{
    /// <inheritdoc/>
    protected override void RunCore(ReproduceRun run)
    {
        string folder = Path.Combine(run.PathOf(Folder), "runs");
        var study = LocalArchitectureStudy.Study.Run(Spec, run.StudyIn(folder));
        run.Note(string.Create(CultureInfo.InvariantCulture,
            $"local-architectures: {Spec.Candidates.Count} networks x {Spec.Sizes.Count} sizes; {study.WallSeconds:F1} s; {study.Reused} of {study.Rows.Count} run(s) reused from {folder}"));
        run.Local = study;
    }
}
