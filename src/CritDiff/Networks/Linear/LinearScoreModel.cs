using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Networks;

/// <summary>
/// A linear score network (<see cref="LinearMomentNetwork"/>: a product of convolutions, or a dense matrix on tiny lattices) as a
/// <see cref="ScoreModel"/> on real-space batches. The n components are independent copies that share the kernel,
/// s_a = K * x_a (the O(n)-equivariant linear map, see <see cref="Training.TrainingData"/>), so a batch of count
/// configurations is count n one-component fields. Forward is <see cref="LinearMomentNetwork.Apply"/> per component; Backward is
/// the exact parameter vector-Jacobian product summed over all fields (convolution: in multiplier space
/// G_j(k) = sum u~(k) conj(x~(k)) conj(M_j(k)), mapped to the parameter basis as the moment gradient is); the Jacobian
/// diagonal is K_eff(0) = (1/V) sum_k Re m(k) for a convolution (the same at every site) and W(x, x) for a dense matrix.
/// </summary>
public sealed class LinearScoreModel : ScoreModel
{
    private double[] _inputs = [];
    private int _cachedFields = -1;

    /// <summary>A linear model of <paramref name="architecture"/> on <paramref name="lattice"/> for <paramref name="components"/> components.</summary>
    public LinearScoreModel(Lattice lattice, int components, Architecture architecture, ParameterBasis basis = ParameterBasis.Kernel)
        : base(lattice, components, (architecture ?? throw new ArgumentNullException(nameof(architecture))).Name)
    {
        Network = LinearMomentNetwork.Create(lattice, architecture, basis);
    }

    /// <summary>The per-component linear network (its moment-based closed forms stay available for Gaussian targets).</summary>
    public LinearMomentNetwork Network { get; }

    /// <inheritdoc />
    public override IReadOnlyList<int> LayerLengths => Network.LayerLengths;

    /// <inheritdoc />
    public override bool IsLinear => true;

    /// <summary>
    /// The balanced start of <see cref="LinearMomentNetwork.InitializeBalanced"/> with the default scale of the moment trainer
    /// (SliceTrainer.Start): 0 for one layer (K = 0), product multiplier -1/S_max for deeper networks. Draws nothing.
    /// </summary>
    public override void Initialize(NetworkParameters parameters, double maxVariance, ref RandomStream rng)
    {
        CheckLayout(parameters, nameof(parameters));
        if (!(maxVariance > 0) || double.IsInfinity(maxVariance))
            throw new ArgumentOutOfRangeException(nameof(maxVariance), maxVariance, "the largest noised variance must be > 0 and finite");
        Network.InitializeBalanced(parameters, Network.Architecture.Depth == 1 ? 0 : 1 / maxVariance);
    }

    /// <inheritdoc />
    public override void Forward(NetworkParameters parameters, ReadOnlySpan<double> x, int count, Span<double> score)
    {
        CheckLayout(parameters, nameof(parameters));
        CheckBatch(x.Length, count, nameof(x));
        CheckBatch(score.Length, count, nameof(score));
        int fields = count * Components;
        if (_inputs.Length < x.Length) _inputs = new double[x.Length];
        x.CopyTo(_inputs);
        _cachedFields = fields;
        if (Network is LinearConvolutionNetwork convolution)
        {
            convolution.ApplyMany(parameters, x, fields, score);
            return;
        }
        int v = Lattice.SiteCount;
        for (int f = 0; f < fields; f++) Network.Apply(parameters, x.Slice(f * v, v), score.Slice(f * v, v));
    }

    /// <inheritdoc />
    public override void Backward(NetworkParameters parameters, ReadOnlySpan<double> upstream, NetworkParameters gradient)
    {
        CheckLayout(parameters, nameof(parameters));
        CheckLayout(gradient, nameof(gradient));
        if (_cachedFields < 0) throw new InvalidOperationException("call Forward before Backward");
        int v = Lattice.SiteCount, length = _cachedFields * v;
        if (upstream.Length != length)
            throw new ArgumentException($"expected {_cachedFields / Components} x {ConfigurationLength} values (the last Forward's batch)", nameof(upstream));
        var inputs = _inputs.AsSpan(0, length);
        if (Network is LinearConvolutionNetwork convolution)
            convolution.ParameterGradient(parameters, inputs, upstream, _cachedFields, gradient);
        else
            ((DenseNetwork)Network).ParameterGradient(inputs, upstream, _cachedFields, gradient);
    }

    /// <inheritdoc />
    public override void JacobianDiagonal(NetworkParameters parameters, ReadOnlySpan<double> x, int count, Span<double> diagonal)
    {
        CheckLayout(parameters, nameof(parameters));
        CheckBatch(x.Length, count, nameof(x));
        CheckBatch(diagonal.Length, count, nameof(diagonal));
        int v = Lattice.SiteCount, fields = count * Components;
        if (Network is LinearConvolutionNetwork convolution)
        {
            double sum = 0;
            foreach (var m in convolution.Multiplier(parameters)) sum += m.Real;
            diagonal.Fill(sum / v);
            return;
        }
        var w = parameters.Layers[0];
        for (int f = 0; f < fields; f++)
            for (int s = 0; s < v; s++) diagonal[f * v + s] = w[s * v + s];
    }

    /// <inheritdoc />
    public override bool HasJacobianVectorProduct => true;

    /// <summary>s is linear in x without a bias, so its Jacobian-vector product is the network applied to the tangent.</summary>
    public override void JacobianVectorProduct(NetworkParameters parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, int count,
        Span<double> product)
    {
        CheckLayout(parameters, nameof(parameters));
        CheckBatch(x.Length, count, nameof(x));
        CheckBatch(tangent.Length, count, nameof(tangent));
        CheckBatch(product.Length, count, nameof(product));
        int v = Lattice.SiteCount, fields = count * Components;
        if (Network is LinearConvolutionNetwork convolution)
        {
            convolution.ApplyMany(parameters, tangent, fields, product);
            return;
        }
        for (int f = 0; f < fields; f++) Network.Apply(parameters, tangent.Slice(f * v, v), product.Slice(f * v, v));
    }

    /// <inheritdoc />
    public override ScoreModel Replica() => new LinearScoreModel(Lattice, Components, Network.Architecture, Network.Basis);
}
