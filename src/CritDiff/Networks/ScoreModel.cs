using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Networks;

/// <summary>
/// A score model for one time slice acting on real-space batches: s(theta, x) for configurations of
/// n components on a lattice (component-major, n V values each, as a NumPy [n, L, ..., L] array), its
/// backward pass (vector-Jacobian product for the parameters) and its exact Jacobian diagonal
/// d s_i / d x_i (for the divergence along the probability-flow ODE, docs/science.md section 10).
/// Linear networks (LinearScoreModel) and nonlinear convolutional ones implement it; the
/// moment-based closed forms of <see cref="LinearMomentNetwork"/> stay an optional exact capability for
/// Gaussian targets. An instance caches the activations of its last <see cref="Forward"/> and keeps
/// scratch buffers: use one per thread (<see cref="Replica"/>). Results do not depend on the number of
/// threads an implementation uses inside a call.
/// </summary>
public abstract class ScoreModel
{
    /// <summary>Sets the common properties.</summary>
    protected ScoreModel(Lattice lattice, int components, string name)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "components must be >= 1");
        Lattice = lattice;
        Components = components;
        Name = name;
    }

    /// <summary>The lattice.</summary>
    public Lattice Lattice { get; }

    /// <summary>Field components n (input and output channels).</summary>
    public int Components { get; }

    /// <summary>The architecture name as on the command line (e.g. "one-layer", "conv:4:1:tanh").</summary>
    public string Name { get; }

    /// <summary>Length n V of one configuration.</summary>
    public int ConfigurationLength => Components * Lattice.SiteCount;

    /// <summary>Stored reals per parameter array (the layout of <see cref="NetworkParameters"/>).</summary>
    public abstract IReadOnlyList<int> LayerLengths { get; }

    /// <summary>Total number of real parameters per time slice.</summary>
    public long ParameterCount => LayerLengths.Sum(l => (long)l);

    /// <summary>True when s is linear in x (then the Jacobian diagonal does not depend on x).</summary>
    public abstract bool IsLinear { get; }

    /// <summary>Zero parameters in this model's layout.</summary>
    public NetworkParameters CreateParameters() => new(LayerLengths);

    /// <summary>
    /// The default start for a slice whose noised data have largest variance <paramref name="maxVariance"/>
    /// (S_max): linear part -x / S_max (the balanced start of docs/science.md section 5), hidden weights small and
    /// random from <paramref name="rng"/>.
    /// </summary>
    public abstract void Initialize(NetworkParameters parameters, double maxVariance, ref RandomStream rng);

    /// <summary>
    /// Scores of <paramref name="count"/> configurations (<paramref name="x"/>: count x n V values) into
    /// <paramref name="score"/> (same length). Caches what <see cref="Backward"/> needs.
    /// </summary>
    public abstract void Forward(NetworkParameters parameters, ReadOnlySpan<double> x, int count, Span<double> score);

    /// <summary>
    /// gradient = sum over the batch of the last <see cref="Forward"/> of (d s / d theta)^T upstream
    /// (<paramref name="upstream"/>: count x n V values); overwrites <paramref name="gradient"/>.
    /// </summary>
    public abstract void Backward(NetworkParameters parameters, ReadOnlySpan<double> upstream, NetworkParameters gradient);

    /// <summary>
    /// The exact Jacobian diagonal d s_i(x) / d x_i of every value of <paramref name="count"/> configurations
    /// into <paramref name="diagonal"/> (count x n V values). Does not disturb the cache of <see cref="Forward"/>.
    /// </summary>
    public abstract void JacobianDiagonal(NetworkParameters parameters, ReadOnlySpan<double> x, int count, Span<double> diagonal);

    /// <summary>A fresh model of the same architecture with its own buffers (for another thread).</summary>
    public abstract ScoreModel Replica();

    /// <summary>True when the model offers <see cref="JacobianVectorProduct(NetworkParameters, ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double})"/>.</summary>
    public virtual bool HasJacobianVectorProduct => false;

    /// <summary>
    /// The lattice distance |y - x|_inf beyond which s(x) does not depend on x(y) (the receptive range), or null for a
    /// network that sees the whole lattice. Lets an exact Jacobian trace share one forward-mode probe between sites farther
    /// apart than this (a colouring of the sites).
    /// </summary>
    public virtual int? ReceptiveRange => null;

    /// <summary>
    /// The Jacobian-vector product (d s(x_i) / d x) v_i of each of <paramref name="count"/> configurations (forward mode;
    /// <paramref name="tangent"/> and <paramref name="product"/>: count x n V values). Does not disturb the cache of
    /// <see cref="Forward"/>. Models without it (<see cref="HasJacobianVectorProduct"/> false) throw
    /// <see cref="NotSupportedException"/>.
    /// </summary>
    public virtual void JacobianVectorProduct(NetworkParameters parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, int count,
        Span<double> product) =>
        throw new NotSupportedException($"'{Name}' offers no Jacobian-vector product: use --log-density exact through its Jacobian diagonal, or a network that has one");

    /// <summary>Throws unless the parameters have this model's layout.</summary>
    public void CheckLayout(NetworkParameters parameters, string name)
    {
        ArgumentNullException.ThrowIfNull(parameters, name);
        var lengths = LayerLengths;
        if (parameters.Layers.Length != lengths.Count ||
            parameters.Layers.Where((l, j) => l.Length != lengths[j]).Any())
            throw new ArgumentException($"parameters do not match the layout of '{Name}'", name);
    }

    /// <summary>Throws unless a batch buffer holds count configurations.</summary>
    protected void CheckBatch(int length, int count, string name)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "a batch needs at least one configuration");
        if (length != (long)count * ConfigurationLength)
            throw new ArgumentException($"expected {count} x {ConfigurationLength} values, got {length}", name);
    }
}
