using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// A Markov kernel on the Gaussian field of <see cref="Field"/> (docs/science.md section 8), with target
/// density exp(-S) and action S = (beta/2) sum_x [ sum_mu (phi(x + e_mu) - phi(x))^2 + mu2 phi(x)^2 ],
/// whose covariance is C(k) = 1/(beta (khat2(k) + mu2)). The kernel holds only definitions; the chain
/// (field, random stream, step size, scratch) lives in a <see cref="ChainState"/> owned by the caller.
/// One sweep is V site-update attempts for local kernels, one global update (Langevin step or HMC
/// trajectory) for the others.
/// </summary>
public abstract class MarkovKernel
{
    /// <summary>Creates a kernel for <paramref name="field"/>.</summary>
    protected MarkovKernel(GaussianField field)
    {
        Field = field ?? throw new ArgumentNullException(nameof(field));
    }

    /// <summary>Name as the CLI spells it (e.g. "heatbath", "fa-hmc").</summary>
    public abstract string Name { get; }

    /// <summary>The target field.</summary>
    public GaussianField Field { get; }

    /// <summary>Step size a new chain starts with (1 where the kernel has none).</summary>
    public abstract double DefaultStepSize { get; }

    /// <summary>Acceptance the step size is tuned to during thermalisation; null: the step is not tuned.</summary>
    public virtual double? TargetAcceptance => null;

    /// <summary>
    /// Advances the chain by one sweep and returns the mean Metropolis acceptance probability
    /// min(1, exp(-Delta H)) of its proposals (1 for rejection-free kernels).
    /// </summary>
    public double Sweep(ChainState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Field.Length != Field.Lattice.SiteCount)
            throw new ArgumentException($"chain has {state.Field.Length} sites, the kernel's lattice {Field.Lattice.SiteCount}", nameof(state));
        double acceptance = SweepCore(state);
        state.SweepCount++;
        return acceptance;
    }

    /// <summary>
    /// Per-mode variance of the kernel's stationary law at step size <paramref name="stepSize"/>:
    /// C(k) for exact kernels; unadjusted Langevin kernels override it with their (biased) law.
    /// </summary>
    public virtual double[] StationarySpectrum(double stepSize) => Field.SpectrumTable();

    /// <summary>One sweep; <paramref name="state"/> is checked against the lattice.</summary>
    protected abstract double SweepCore(ChainState state);
}
