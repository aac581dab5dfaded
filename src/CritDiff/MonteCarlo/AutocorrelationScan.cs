using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// tau_int(M^2) against L for one algorithm along a family of fields (e.g. xi/L fixed, or beta_c for d >= 3),
/// and the dynamic exponent z from a power-law fit tau = A L^z weighted by the tau errors
/// (<see cref="ScalingFit"/>). The entry point for reports: no CLI needed.
/// </summary>
/// <param name="Algorithm">Kernel name.</param>
/// <param name="Runs">One run per size, in the order given.</param>
/// <param name="Fit">Power-law and logarithmic fits of tau_int(M^2) against L.</param>
public sealed record AutocorrelationScan(string Algorithm, IReadOnlyList<McmcResult> Runs, ScalingFit Fit)
{
    /// <summary>Dynamic exponent z (the power-law exponent of tau_int(M^2) in L).</summary>
    public double DynamicExponent => Fit.PowerExponent;

    /// <summary>Standard error of z.</summary>
    public double DynamicExponentError => Fit.PowerExponentError;

    /// <summary>Runs <paramref name="algorithm"/> with <paramref name="settings"/> on family(new Lattice(d, L)) for each L and fits z (needs >= 2 sizes).</summary>
    public static AutocorrelationScan Run(Func<Lattice, GaussianField> family, int dimension, IReadOnlyList<int> sizes,
        string algorithm, McmcSettings settings)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2) throw new ArgumentException($"need at least 2 sizes to fit z (got {sizes.Count})", nameof(sizes));
        var runs = sizes.Select(l => Mcmc.Run(family(new Lattice(dimension, l)), algorithm, settings)).ToArray();
        var fit = ScalingFit.Of(sizes.Select(l => (double)l).ToArray(),
            runs.Select(r => r.TauMagnetisationSquared.Mean).ToArray(),
            runs.Select(r => Math.Max(r.TauMagnetisationSquared.Error, 1e-12)).ToArray());
        return new AutocorrelationScan(algorithm, runs, fit);
    }
}
