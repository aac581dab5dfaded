using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// tau_int(M^2) against L for one of the Gaussian field's kernels (<see cref="MarkovKernels"/>) along a family of fields
/// (e.g. xi/L fixed, or beta_c for d >= 3), and z (<see cref="DynamicExponentScan{TRun}"/>). The entry point for
/// reports: no CLI needed.
/// </summary>
/// <param name="Algorithm">Kernel name.</param>
/// <param name="Runs">One run per size, in the order given.</param>
/// <param name="Fit">Power-law and logarithmic fits of tau_int(M^2) against L.</param>
public sealed record AutocorrelationScan(string Algorithm, IReadOnlyList<McmcResult> Runs, ScalingFit Fit)
    : DynamicExponentScan<McmcResult>(Algorithm, Runs, Fit)
{
    /// <summary>Runs <paramref name="algorithm"/> with <paramref name="settings"/> on family(new Lattice(d, L)) for each L and fits z (needs >= 2 sizes).</summary>
    public static AutocorrelationScan Run(Func<Lattice, GaussianField> family, int dimension, IReadOnlyList<int> sizes,
        string algorithm, McmcSettings settings)
    {
        ArgumentNullException.ThrowIfNull(family);
        var (runs, fit) = RunSizes(dimension, sizes, lattice => Mcmc.Run(family(lattice), algorithm, settings), r => r.TauMagnetisationSquared);
        return new AutocorrelationScan(algorithm, runs, fit);
    }
}
