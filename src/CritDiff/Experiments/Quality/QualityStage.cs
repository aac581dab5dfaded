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
        // The cost stage (last) prices these trained models against Monte Carlo, unless the caller supplied its own inputs.
        run.DiffusionCosts ??= CostInputs(result);
    }

    /// <summary>The study's per-(network, L, replica) cost records as the cost stage's inputs (non-finite values as "not measured").</summary>
    public static IReadOnlyList<DiffusionCostInput> CostInputs(QualityResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
        return result.CostRows()
            .Where(r => double.IsFinite(r.GenerationSecondsPerSample) && r.GenerationSecondsPerSample > 0 && double.IsFinite(r.TrainingSeconds))
            .Select(r => new DiffusionCostInput(r.Length, r.Network, r.Replica, Math.Max(0, r.TrainingSeconds), r.GenerationSecondsPerSample,
                Finite(r.EssFraction) is { } f && f > 0 ? f : null, Finite(r.Acceptance), Finite(r.TauInt) is { } t && t >= 0.5 ? t : null, r.Samples))
            .ToArray();
    }
}
