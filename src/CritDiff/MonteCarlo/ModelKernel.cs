using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// A Markov kernel that leaves exp(-S) of a <see cref="LatticeModel"/> invariant (finite-n O(n) spins, phi^4, or the
/// Gaussian field: its hopping-form kernels and the checkerboard / stencil / Fourier-accelerated kernels of
/// <see cref="MarkovKernels"/>): the one kernel abstraction of MonteCarlo. The kernel holds only definitions; the chain lives in a <see cref="ModelChain"/>
/// the caller owns. One sweep is V single-site update attempts for local kernels, one trajectory for HMC, and for
/// cluster kernels a configuration-independent number of clusters that flips V sites on average (so tau_int is in
/// comparable units; see <see cref="ClusterSchedule"/>).
/// </summary>
public abstract class ModelKernel
{
    /// <summary>Creates a kernel for <paramref name="model"/>.</summary>
    protected ModelKernel(LatticeModel model)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
    }

    /// <summary>Name as the CLI spells it (e.g. "wolff", "heatbath").</summary>
    public abstract string Name { get; }

    /// <summary>The target model.</summary>
    public LatticeModel Model { get; }

    /// <summary>Step size a new chain starts with (1 where the kernel has none).</summary>
    public virtual double DefaultStepSize => 1;

    /// <summary>Acceptance the step size is tuned to during thermalisation; null: the step is not tuned.</summary>
    public virtual double? TargetAcceptance => null;

    /// <summary>Largest step size the tuning may reach (unbounded unless a larger step cannot change the proposal).</summary>
    public virtual double MaxStepSize => double.PositiveInfinity;

    /// <summary>
    /// Per-mode variance of the kernel's stationary law at step size <paramref name="stepSize"/> when the target is the
    /// Gaussian field: C(k) for exact kernels; the unadjusted Langevin kernels override it with their (biased) law. Null for
    /// other targets.
    /// </summary>
    public virtual double[]? StationarySpectrum(double stepSize) => (Model as GaussianField)?.SpectrumTable();

    /// <summary>
    /// Advances the chain by one sweep and returns the mean acceptance probability of its proposals
    /// (1 for rejection-free kernels such as heat bath, over-relaxation and Wolff).
    /// </summary>
    public double Sweep(ModelChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (!ReferenceEquals(chain.Model, Model) && chain.Model != Model)
            throw new ArgumentException($"the chain samples {chain.Model.Describe()}, the kernel {Model.Describe()}", nameof(chain));
        double acceptance = SweepCore(chain);
        chain.SweepCount++;
        return acceptance;
    }

    /// <summary>One sweep; the chain is checked against the model. Adds its single-site updates to <see cref="ModelChain.SiteUpdates"/>.</summary>
    protected abstract double SweepCore(ModelChain chain);
}
