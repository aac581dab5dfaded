using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// Outcome of <see cref="CriticalPointFinder.Run(CriticalPointSpec, StudyRun)"/>: the stages analysed so far (the last complete one is the answer), every
/// finished job, and warnings. <see cref="Complete"/> is false when jobs are still missing (a run cut short by <see cref="CriticalPointFinder.MaxJobs"/>);
/// <see cref="Found"/> is false when the final stage found no crossing (summary.json then says <c>complete: false</c> too).
/// </summary>
public sealed record CriticalPointResult(CriticalPointSpec Spec, IReadOnlyList<CriticalPointStage> Stages,
    IReadOnlyList<CriticalPointJobResult> Jobs, IReadOnlyList<string> Warnings, bool Complete)
{
    /// <summary>The last analysed stage, or null when the first is not finished.</summary>
    public CriticalPointStage? Final => Stages.Count > 0 ? Stages[^1] : null;

    /// <summary>True when the final stage found a crossing of at least one pair of sizes.</summary>
    public bool Found => Final?.Found ?? false;

    /// <summary>Per-pair crossings of the final stage (empty when none is analysed).</summary>
    public IReadOnlyList<BinderCrossing> Crossings => Final?.Crossings ?? [];

    /// <summary>Combined crossing coupling of the final stage (NaN when none).</summary>
    public Stats Coupling => Final?.Coupling ?? new Stats(double.NaN, double.NaN);

    /// <summary>Combined U* of the final stage.</summary>
    public Stats BinderAtCrossing => Final?.BinderAtCrossing ?? new Stats(double.NaN, double.NaN);

    /// <summary>The crossing of the largest pair of sizes in the final stage (least finite-size shift), or null.</summary>
    public BinderCrossing? LargestPair => Crossings.Count > 0 ? Crossings[^1] : null;

    /// <summary>Single-site updates over all jobs.</summary>
    public long SiteUpdates => Jobs.Sum(j => j.SiteUpdates);

    /// <summary>Wall seconds summed over jobs (CPU-ish time: jobs run in parallel).</summary>
    public double JobSeconds => Jobs.Sum(j => j.WallSeconds);
}
