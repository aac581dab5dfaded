using System.Globalization;
using CritDiff.MonteCarlo;

namespace CritDiff.Experiments;

/// <summary>An algorithm of the Monte Carlo baseline and its sweeps per chain (a tenth more for thermalisation).</summary>
public sealed record McmcBaselineAlgorithm(string Name, int Sweeps);

/// <summary>The Monte Carlo baseline: tau_int(M^2) of each algorithm on the family's fields at each size.</summary>
public sealed record McmcBaselineSpec(ModelFamily Family, int Dimension, IReadOnlyList<int> Sizes, IReadOnlyList<McmcBaselineAlgorithm> Algorithms,
    int Chains, ulong Seed);

/// <summary>"Monte Carlo baseline": one <see cref="AutocorrelationScan"/> per algorithm of <paramref name="Spec"/> (the report goes to <paramref name="Folder"/>).</summary>
public sealed record McmcBaselineStage(StageWeights Weights, McmcBaselineSpec Spec, string Folder) : ReproduceStage("Monte Carlo baseline", Weights)
{
    /// <inheritdoc/>
    protected override void RunCore(ReproduceRun run)
    {
        var scans = new List<AutocorrelationScan>();
        foreach (var algorithm in Spec.Algorithms)
        {
            var scan = AutocorrelationScan.Run(Spec.Family.Build, Spec.Dimension, Spec.Sizes, algorithm.Name,
                new McmcSettings(algorithm.Sweeps, algorithm.Sweeps / 10, Chains: Spec.Chains, Seed: Spec.Seed, Threads: run.Threads));
            run.Note(string.Create(CultureInfo.InvariantCulture,
                $"mcmc-baseline: {algorithm.Name} tau_int(M^2) {string.Join(", ", scan.Runs.Select(r => $"{r.TauMagnetisationSquared.Mean:F2} (L={r.Field.Lattice.Length})"))}; z = {scan.DynamicExponent:F2}"));
            scans.Add(scan);
        }
        run.McmcBaseline = scans;
    }
}
