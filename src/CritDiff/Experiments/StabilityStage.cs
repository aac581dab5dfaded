using System.Globalization;

namespace CritDiff.Experiments;

/// <summary>
/// The stability scans of "C3 under SGD": population GD, SGD and one-layer SGD for the verdict, and the optimizers
/// (GD, SGD and Adam in the kernel and Fourier bases) for their comparison.
/// </summary>
public sealed record StabilityPlan(StabilitySpec Gd, StabilitySpec Sgd, StabilitySpec OneLayerSgd, IReadOnlyList<StabilitySpec> Optimizers);

/// <summary>The scans of a <see cref="StabilityPlan"/>.</summary>
public sealed record StabilityRuns(StabilityScanResult Gd, StabilityScanResult Sgd, StabilityScanResult OneLayerSgd,
    IReadOnlyList<StabilityScanResult> Optimizers);

/// <summary>"C3 under SGD: stability scans": the scans of <paramref name="Plan"/>, stored in <paramref name="Folder"/>/scans (each spec run once).</summary>
public sealed record StabilityStage(StageWeights Weights, StabilityPlan Plan, string Folder) : ReproduceStage("C3 under SGD: stability scans", Weights)
{
    /// <inheritdoc/>
    protected override void RunCore(ReproduceRun run)
    {
        string folder = Path.Combine(run.PathOf(Folder), "scans");
        var done = new Dictionary<StabilitySpec, StabilityScanResult>();
        StabilityScanResult Scan(StabilitySpec spec)
        {
            if (done.TryGetValue(spec, out var known)) return known;
            var scan = StabilityScan.Study.Run(spec, run.StudyIn(folder));
            run.Note(string.Create(CultureInfo.InvariantCulture,
                $"sgd-stability: {spec.Architecture} {spec.Optimizer} ({spec.Basis.ToString().ToLowerInvariant()}): stable lr {Rates(scan)}; {scan.WallSeconds:F1} s{Reused(scan.Reused)}"));
            return done[spec] = scan;
        }
        var optimizers = Plan.Optimizers.Select(Scan).ToArray();
        run.Stability = new StabilityRuns(Scan(Plan.Gd), Scan(Plan.Sgd), Scan(Plan.OneLayerSgd), optimizers);
    }

    /// <summary>"0.123 (L=8), ..." : the stable learning rates of a scan for a log line.</summary>
    internal static string Rates(StabilityScanResult scan) =>
        string.Join(", ", scan.Rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Stability.StableRate:G3} (L={r.Length})")));

    /// <summary>The log's mark of a result read from an earlier run (resume).</summary>
    internal static string Reused(bool reused) => reused ? " (reused from an earlier run)" : "";
}
