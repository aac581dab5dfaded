using CritDiff.Networks;

namespace CritDiff.Experiments;

/// <summary>
/// "C4 under SGD": SGD stability scans, in the setting <paramref name="Sgd"/> of "C3 under SGD", of the C4 network from
/// the balanced start and of the local multi-layer network closest to the exact score among those that keep the
/// speed-up under GD (<see cref="Picks"/>; needs the local-architecture stage). Stored with the stability scans.
/// </summary>
public sealed record LocalSgdStage(StageWeights Weights, StabilitySpec Sgd, string Folder) : ReproduceStage("C4 under SGD", Weights)
{
    /// <summary>The C4 network, and the multi-layer network of <paramref name="local"/> with the smallest optimum gap at the largest L among those that keep the speed-up, if another.</summary>
    public static IReadOnlyList<ArchitectureCandidate> Picks(LocalStudyResult local)
    {
        ArgumentNullException.ThrowIfNull(local);
        var picks = new List<ArchitectureCandidate> { new(ReproducePlan.LocalArchitecture) };
        var closest = local.Fits.Where(f => f.KeepsSpeedUp() && f.Candidate.Architecture.MomentArchitecture is { Depth: > 1 })
            .OrderBy(f => f.GapAtLargest).FirstOrDefault();
        if (closest is not null && closest.Candidate != picks[0]) picks.Add(closest.Candidate);
        return picks;
    }

    /// <inheritdoc/>
    protected override void RunCore(ReproduceRun run)
    {
        var local = run.Local ?? throw new InvalidOperationException("C4 under SGD needs the local-architecture stage first");
        string folder = Path.Combine(run.PathOf(Folder), "scans");
        run.LocalSgd = Picks(local).Select(c =>
        {
            var scan = StabilityScan.Study.Run(Sgd with { Architecture = c.Architecture, Start = c.Start },
                run.StudyIn(folder));
            run.Note(FormattableString.Invariant($"local-sgd: {c.Label}: stable lr {StabilityStage.Rates(scan)}; {scan.WallSeconds:F1} s{StabilityStage.Reused(scan.Reused)}"));
            return scan;
        }).ToArray();
    }
}
