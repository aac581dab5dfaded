using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// tau_int(|M|^2) of one kernel (<see cref="ModelKernels"/>) against L along a family of <see cref="LatticeModel"/>s (e.g.
/// O(n) spins at a fixed critical coupling), and z (<see cref="DynamicExponentScan{TRun}"/>).
/// </summary>
/// <param name="Algorithm">Kernel name (<see cref="ModelKernels"/>).</param>
/// <param name="Runs">One run per size, in the order given.</param>
/// <param name="Fit">Power-law and logarithmic fits of tau_int(|M|^2) against L.</param>
public sealed record ModelAutocorrelationScan(string Algorithm, IReadOnlyList<ModelMcmcResult> Runs, ScalingFit Fit)
    : DynamicExponentScan<ModelMcmcResult>(Algorithm, Runs, Fit)
{
    /// <summary>Runs <paramref name="algorithm"/> on family(new Lattice(d, L)) for each L (>= 2 sizes) and fits z.</summary>
    public static ModelAutocorrelationScan Run(Func<Lattice, LatticeModel> family, int dimension, IReadOnlyList<int> sizes,
        string algorithm, ModelMcmcSettings settings, KernelOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(family);
        var (runs, fit) = RunSizes(dimension, sizes,
            lattice => ModelMcmc.Run(ModelKernels.Create(algorithm, family(lattice), options), settings, cancellation),
            r => r.TauMagnetisationSquared);
        return new ModelAutocorrelationScan(algorithm, runs, fit);
    }
}
