using System.Globalization;

namespace CritDiff.Experiments;

/// <summary>
/// "cost per independent critical configuration": <see cref="CostMeasurement"/> of <paramref name="Spec"/> with the diffusion
/// inputs of <see cref="ReproduceRun.DiffusionCosts"/> (none: Monte Carlo only, and the report says the diffusion rows are
/// missing); the report goes to <paramref name="Folder"/>.
/// </summary>
public sealed record CostStage(StageWeights Weights, CostSpec Spec, string Folder) : ReproduceStage("cost per independent critical configuration", Weights)
{
    /// <inheritdoc/>
    protected override void RunCore(ReproduceRun run)
    {
        var result = CostMeasurement.Run(Spec, run.DiffusionCosts, run.Threads, run.Note, run.Cancellation);
        if (result.DiffusionMissing) run.Note("cost: no diffusion cost inputs: the cost report holds Monte Carlo only");
        run.Note(string.Create(CultureInfo.InvariantCulture, $"cost: {result.WallSeconds:F1} s"));
        run.Cost = (run.PathOf(Folder), result);
    }
}
