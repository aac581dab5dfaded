namespace CritDiff.Experiments;

/// <summary>"sweep NAME": the scaling sweep <paramref name="Spec"/>, in the folder named after it (finished jobs are reused).</summary>
public sealed record SweepStage(StageWeights Weights, ScalingSpec Spec) : ReproduceStage($"sweep {Spec.Name}", Weights)
{
    /// <inheritdoc/>
    protected override void RunCore(ReproduceRun run) => run.RunSweep(Spec, run.PathOf(Spec.Name));
}
