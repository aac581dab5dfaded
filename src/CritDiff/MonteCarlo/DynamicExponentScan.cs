using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// tau_int(M^2) of one kernel against L along a family of targets, and the dynamic exponent z from a power-law fit
/// tau = A L^z weighted by the tau errors (<see cref="ScalingFit"/>): what <see cref="AutocorrelationScan"/> (Gaussian
/// field, <see cref="Mcmc"/>) and <see cref="ModelAutocorrelationScan"/> (any model, <see cref="ModelMcmc"/>) share.
/// </summary>
/// <typeparam name="TRun">The result of one run.</typeparam>
/// <param name="Algorithm">Kernel name.</param>
/// <param name="Runs">One run per size, in the order given.</param>
/// <param name="Fit">Power-law and logarithmic fits of tau_int(M^2) against L.</param>
public abstract record DynamicExponentScan<TRun>(string Algorithm, IReadOnlyList<TRun> Runs, ScalingFit Fit)
{
    /// <summary>Dynamic exponent z (the power-law exponent of tau_int(M^2) in L).</summary>
    public double DynamicExponent => Fit.PowerExponent;

    /// <summary>Standard error of z.</summary>
    public double DynamicExponentError => Fit.PowerExponentError;

    /// <summary>
    /// Runs <paramref name="run"/> on new Lattice(d, L) for each of <paramref name="sizes"/> (>= 2) in order and fits
    /// tau_int(M^2) (<paramref name="tau"/>) against L, errors floored at 1e-12.
    /// </summary>
    protected static (TRun[] Runs, ScalingFit Fit) RunSizes(int dimension, IReadOnlyList<int> sizes, Func<Lattice, TRun> run,
        Func<TRun, Stats> tau)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2) throw new ArgumentException($"need at least 2 sizes to fit z (got {sizes.Count})", nameof(sizes));
        var runs = sizes.Select(l => run(new Lattice(dimension, l))).ToArray();
        var fit = ScalingFit.Of(sizes.Select(l => (double)l).ToArray(),
            runs.Select(r => tau(r).Mean).ToArray(),
            runs.Select(r => Math.Max(tau(r).Error, 1e-12)).ToArray());
        return (runs, fit);
    }
}
