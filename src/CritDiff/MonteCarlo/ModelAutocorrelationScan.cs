using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// tau_int(|M|^2) of one kernel against L along a family of <see cref="LatticeModel"/>s (e.g. O(n) spins at a fixed
/// critical coupling) and the dynamic exponent z from a power-law fit tau = A L^z weighted by the tau errors.
/// </summary>
/// <param name="Algorithm">Kernel name (<see cref="ModelKernels"/>).</param>
/// <param name="Runs">One run per size, in the order given.</param>
/// <param name="Fit">Power-law and logarithmic fits of tau_int(|M|^2) against L.</param>
public sealed record ModelAutocorrelationScan(string Algorithm, IReadOnlyList<ModelMcmcResult> Runs, ScalingFit Fit)
{
    /// <summary>Dynamic exponent z (tau ~ L^z).</summary>
    public double DynamicExponent => Fit.PowerExponent;

    /// <summary>Standard error of z.</summary>
    public double DynamicExponentError => Fit.PowerExponentError;

    /// <summary>Runs <paramref name="algorithm"/> on family(new Lattice(d, L)) for each L (>= 2 sizes) and fits z.</summary>
    public static ModelAutocorrelationScan Run(Func<Lattice, LatticeModel> family, int dimension, IReadOnlyList<int> sizes,
        string algorithm, ModelMcmcSettings settings, KernelOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2) throw new ArgumentException($"need at least 2 sizes to fit z (got {sizes.Count})", nameof(sizes));
        var runs = sizes.Select(l =>
            ModelMcmc.Run(ModelKernels.Create(algorithm, family(new Lattice(dimension, l)), options), settings, cancellation)).ToArray();
        var fit = ScalingFit.Of(sizes.Select(l => (double)l).ToArray(),
            runs.Select(r => r.TauMagnetisationSquared.Mean).ToArray(),
            runs.Select(r => Math.Max(r.TauMagnetisationSquared.Error, 1e-12)).ToArray());
        return new ModelAutocorrelationScan(algorithm, runs, fit);
    }
}
