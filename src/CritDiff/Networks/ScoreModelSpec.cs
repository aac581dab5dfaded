using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>
/// A typed score-model architecture, parsed once from its command-line name: a linear network
/// (<see cref="LinearModelSpec"/>: one-layer, two-layer-local:R, ...) or a nonlinear convolutional one
/// (<see cref="NonlinearConvModelSpec"/>: conv:C:R[:D][:act][:odd]). <see cref="Create"/> builds the per-slice
/// <see cref="ScoreModel"/> for a lattice and n components.
/// </summary>
public abstract record ScoreModelSpec
{
    /// <summary>The name as on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>True for a network linear in x.</summary>
    public abstract bool IsLinear { get; }

    /// <summary>Real parameters per time slice on <paramref name="lattice"/> with n components.</summary>
    public abstract long ParameterCount(Lattice lattice, int components);

    /// <summary>Checks the architecture fits the lattice; throws <see cref="ArgumentException"/> with the reason.</summary>
    public abstract void Validate(Lattice lattice);

    /// <summary>
    /// A fresh per-slice model (validated); <paramref name="maxThreads"/> bounds the threads one call may use (0: all
    /// processors; the results do not depend on it).
    /// </summary>
    public abstract ScoreModel Create(Lattice lattice, int components, int maxThreads = 0);

    /// <summary>
    /// The optional moment capability: the linear architecture whose DSM loss, gradient and exact optimum have closed forms
    /// in the per-mode moments of a translation-invariant target (population and empirical training, the exact per-mode
    /// law of generation). Null for a network without it, which trains on samples only.
    /// </summary>
    public virtual Architecture? MomentArchitecture => null;

    /// <summary>True when the network can train on moments (population or empirical): the default mode is then population, samples otherwise.</summary>
    public bool HasMomentObjective => MomentArchitecture is not null;

    /// <summary>
    /// This network with its parameters in <paramref name="basis"/>: the Fourier basis (complex multipliers as parameters)
    /// exists for full-range linear convolutions only; throws <see cref="ArgumentException"/> elsewhere.
    /// </summary>
    public virtual ScoreModelSpec WithBasis(ParameterBasis basis) => basis == ParameterBasis.Kernel ? this
        : throw new ArgumentException("the Fourier basis applies to full linear layers only", nameof(basis));

    /// <summary>True when the exact score of a Gaussian target lies in the architecture.</summary>
    public virtual bool RepresentsExactScore => false;

    /// <summary>
    /// True for a network conditioned on the noise level (one parameter set for all t, trained with t drawn continuously;
    /// its <see cref="Create"/> returns a <see cref="TimeConditionedModel"/>); false for a per-slice network.
    /// </summary>
    public virtual bool IsTimeConditioned => false;

    /// <summary>Hidden activations kept per input value by a forward pass for its backward pass (0 for a linear network).</summary>
    public virtual int HiddenChannels => 0;

    /// <summary>
    /// Bytes of the batch buffers of one training step on <paramref name="configurations"/> configurations of n V
    /// values: inputs, noise, scores and upstream (4 n V doubles each) and, for a nonlinear network, the forward pass's
    /// activations, their derivatives and the backward pass's deltas (3 per hidden channel).
    /// </summary>
    public double TrainingBytes(Lattice lattice, int components, double configurations)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        return 8.0 * configurations * components * (double)lattice.SiteCount * (4 + 3 * HiddenChannels);
    }

    /// <summary>Parses a network name through the <see cref="NetworkCatalog"/>; throws <see cref="FormatException"/>.</summary>
    public static ScoreModelSpec Parse(string text) => NetworkCatalog.Parse(text);

    /// <inheritdoc />
    public sealed override string ToString() => Name;
}
