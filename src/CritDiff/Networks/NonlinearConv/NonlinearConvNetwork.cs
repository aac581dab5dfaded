using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Networks;

/// <summary>
/// The nonlinear local convolutional score network of docs/science.md section 10 on real-space batches:
/// h^0 = x (n channels), h^l = sigma(K_l * h^(l-1) + b_l) for l = 1..D (C channels), s = K_out * h^D + K_0 * x,
/// with periodic convolutions (K * h)_o(x) = sum_i sum_e K[o, i, e] h_i(x + e) over the cube |e|_inf &lt;= R
/// (offsets in lexicographic order, -R..R per axis, axis 0 slowest). Translation equivariant; with
/// <see cref="ConvSpec.Odd"/> (no biases, odd sigma) s(-x) = -s(x) exactly.
/// Parameter arrays: [K_1, b_1, ..., K_D, b_D, K_out, K_0] (no b_l when odd), kernels laid out [out, in, e].
/// Cost per sample: forward O(V E (n C + (D - 1) C^2 + n C + n^2)); backward about twice that; the Jacobian
/// diagonal O(n C E V) in closed form for D = 1 and n P^d forward-mode passes for D &gt;= 2 (see
/// <see cref="JacobianDiagonal"/>). Work is split over batch samples on up to <see cref="MaxThreads"/> threads;
/// parameter gradients are summed per fixed chunk of samples and then over chunks in order, so every result is
/// bit-identical for any thread count.
/// </summary>
public sealed class NonlinearConvNetwork : ScoreModel
{
    private readonly ConvGeometry _geometry;
    private readonly int[] _lengths;
    private readonly BatchWorkers<ConvPass> _workers;
    private readonly List<double[]> _cache = [];
    private readonly long _blockLength;
    private int _cachedCount;
    private double[] _input = [], _output = [], _tangent = [];

    /// <summary>
    /// The network <paramref name="spec"/> for n = <paramref name="components"/> on <paramref name="lattice"/>, using
    /// up to <paramref name="maxThreads"/> threads per call (0: <see cref="Environment.ProcessorCount"/>).
    /// </summary>
    public NonlinearConvNetwork(Lattice lattice, int components, ConvSpec spec, int maxThreads = 0)
        : base(lattice, components, spec?.Name ?? throw new ArgumentNullException(nameof(spec)))
    {
        spec.Validate(lattice);
        if (maxThreads < 0) throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "maxThreads must be >= 0 (0: all processors)");
        Spec = spec;
        MaxThreads = maxThreads == 0 ? Environment.ProcessorCount : maxThreads;
        _geometry = new ConvGeometry(lattice, spec.Range);
        int e = _geometry.OffsetCount, c = spec.Channels, n = components;
        var lengths = new List<int>();
        for (int l = 1; l <= spec.Depth; l++)
        {
            lengths.Add(checked(c * (l == 1 ? n : c) * e));
            if (!spec.Odd) lengths.Add(c);
        }
        lengths.Add(checked(n * c * e));
        lengths.Add(checked(n * n * e));
        _lengths = lengths.ToArray();
        _workers = new BatchWorkers<ConvPass>(MaxThreads, () => new ConvPass(this, _geometry));
        _blockLength = ConvPass.BlockLength(components, spec, _geometry);
        if (_blockLength > Array.MaxLength) throw new ArgumentException($"'{spec.Name}' needs {_blockLength} cached values per sample; use fewer channels or a smaller lattice", nameof(spec));
        ColourPeriod = ColourPeriodFor(lattice.Length, (spec.Depth + 1) * spec.Range);
        ColourClasses = spec.Depth > 1 ? BuildColourClasses(lattice, ColourPeriod) : [];
    }

    /// <summary>The architecture.</summary>
    public ConvSpec Spec { get; }

    /// <summary>Most threads a call uses.</summary>
    public int MaxThreads { get; }

    /// <summary>
    /// P, the period of the site colouring used by <see cref="JacobianDiagonal"/> for D &gt;= 2: the smallest divisor
    /// of L with P &gt;= (D + 1) R + 1 (L itself when none is smaller). The diagonal costs n P^d forward-mode passes.
    /// </summary>
    public int ColourPeriod { get; }

    /// <inheritdoc />
    public override IReadOnlyList<int> LayerLengths => _lengths;

    /// <inheritdoc />
    public override bool IsLinear => Spec.Activation == Activation.Identity;

    /// <summary>Sites of each colour class (D &gt;= 2 only).</summary>
    internal int[][] ColourClasses { get; }

    /// <summary>Index of K_l in the parameter arrays (b_l follows it unless odd).</summary>
    internal int KernelIndex(int layer) => Spec.Odd ? layer - 1 : 2 * (layer - 1);

    /// <summary>Index of K_out (K_0 follows it).</summary>
    internal int OutputIndex => Spec.Odd ? Spec.Depth : 2 * Spec.Depth;

    /// <summary>
    /// K_l ~ N(0, 1 / fan_in) with fan_in = (input channels) (2R + 1)^d, biases 0, K_out = 0 and
    /// K_0 = -(1 / S_max) delta_ab delta_e0: the start is s = -x / S_max (docs/science.md section 5).
    /// </summary>
    public override void Initialize(NetworkParameters parameters, double maxVariance, ref RandomStream rng)
    {
        CheckLayout(parameters, nameof(parameters));
        if (!(maxVariance > 0) || double.IsInfinity(maxVariance))
            throw new ArgumentOutOfRangeException(nameof(maxVariance), maxVariance, "maxVariance must be > 0 and finite");
        foreach (var layer in parameters.Layers) Array.Clear(layer);
        int e = _geometry.OffsetCount;
        for (int l = 1; l <= Spec.Depth; l++)
        {
            double scale = 1 / Math.Sqrt((l == 1 ? Components : Spec.Channels) * (double)e);
            var kernel = parameters.Layers[KernelIndex(l)];
            for (int i = 0; i < kernel.Length; i++) kernel[i] = scale * rng.NextGaussian();
        }
        var k0 = parameters.Layers[OutputIndex + 1];
        for (int a = 0; a < Components; a++) k0[(a * Components + a) * e + _geometry.Center] = -1 / maxVariance;
    }

    /// <inheritdoc />
    public override void Forward(NetworkParameters parameters, ReadOnlySpan<double> x, int count, Span<double> score)
    {
        CheckLayout(parameters, nameof(parameters));
        CheckBatch(x.Length, count, nameof(x));
        CheckBatch(score.Length, count, nameof(score));
        _cachedCount = 0;
        while (_cache.Count < count) _cache.Add(new double[_blockLength]);
        int size = ConfigurationLength;
        var input = BatchWorkers<ConvPass>.Staged(ref _input, x);
        var output = BatchWorkers<ConvPass>.Staged(ref _output, score.Length);
        _workers.Run(count, (b, pass) => pass.Forward(parameters, input.AsSpan(b * size, size), _cache[b], output.AsSpan(b * size, size)));
        output.AsSpan(0, score.Length).CopyTo(score);
        _cachedCount = count;
    }

    /// <inheritdoc />
    public override void Backward(NetworkParameters parameters, ReadOnlySpan<double> upstream, NetworkParameters gradient)
    {
        CheckLayout(parameters, nameof(parameters));
        CheckLayout(gradient, nameof(gradient));
        if (_cachedCount == 0) throw new InvalidOperationException("Backward needs a Forward on this instance first");
        int count = _cachedCount, size = ConfigurationLength;
        CheckBatch(upstream.Length, count, nameof(upstream));
        var u = BatchWorkers<ConvPass>.Staged(ref _input, upstream);
        _workers.SumOverItems(count, ParameterCount, (b, pass, buffer) => pass.Backward(parameters, _cache[b], u.AsSpan(b * size, size), buffer), gradient);
    }

    /// <summary>
    /// Exact d s_i / d x_i. D = 1: the closed form K_0[a, a, 0] + sum_c sum_e K_out[a, c, e] K_1[c, a, -e]
    /// sigma'(z_c(x + e)), O(n C E V) per sample. D &gt;= 2: forward-mode JVPs with tangent 1 on component a at every
    /// site of one colour class of <see cref="ColourPeriod"/> (s(x) depends on x only within (D + 1) R, so sites of a
    /// class cannot see each other): n P^d passes per sample, each about the cost of one forward pass.
    /// </summary>
    public override void JacobianDiagonal(NetworkParameters parameters, ReadOnlySpan<double> x, int count, Span<double> diagonal)
    {
        CheckLayout(parameters, nameof(parameters));
        CheckBatch(x.Length, count, nameof(x));
        CheckBatch(diagonal.Length, count, nameof(diagonal));
        int size = ConfigurationLength;
        var input = BatchWorkers<ConvPass>.Staged(ref _input, x);
        var output = BatchWorkers<ConvPass>.Staged(ref _output, diagonal.Length);
        _workers.Run(count, (b, pass) => pass.JacobianDiagonal(parameters, input.AsSpan(b * size, size), output.AsSpan(b * size, size)));
        output.AsSpan(0, diagonal.Length).CopyTo(diagonal);
    }

    /// <inheritdoc />
    public override bool HasJacobianVectorProduct => true;

    /// <summary>(D + 1) R: s(x) depends on x only within this distance (each of the D + 1 convolutions reaches R).</summary>
    public override int? ReceptiveRange => (Spec.Depth + 1) * Spec.Range;

    /// <summary>
    /// Forward mode through the layers: dz^l = sigma'(z^l) (K_l * dh^(l-1)) with dh^0 = v, ds = K_out * dh^D + K_0 * v
    /// (biases drop out); about twice the cost of a forward pass per configuration.
    /// </summary>
    public override void JacobianVectorProduct(NetworkParameters parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, int count,
        Span<double> product)
    {
        CheckLayout(parameters, nameof(parameters));
        CheckBatch(x.Length, count, nameof(x));
        CheckBatch(tangent.Length, count, nameof(tangent));
        CheckBatch(product.Length, count, nameof(product));
        int size = ConfigurationLength;
        var input = BatchWorkers<ConvPass>.Staged(ref _input, x);
        var directions = BatchWorkers<ConvPass>.Staged(ref _tangent, tangent);
        var output = BatchWorkers<ConvPass>.Staged(ref _output, product.Length);
        _workers.Run(count, (b, pass) => pass.JacobianVectorProduct(parameters, input.AsSpan(b * size, size), directions.AsSpan(b * size, size),
            output.AsSpan(b * size, size)));
        output.AsSpan(0, product.Length).CopyTo(product);
    }

    /// <inheritdoc />
    public override ScoreModel Replica() => new NonlinearConvNetwork(Lattice, Components, Spec, MaxThreads);


    private static int ColourPeriodFor(int length, int reach)
    {
        for (int p = Math.Max(1, reach + 1); p < length; p++)
            if (length % p == 0) return p;
        return length;
    }

    private static int[][] BuildColourClasses(Lattice lattice, int period)
    {
        int d = lattice.Dimension, classes = (int)Math.Pow(period, d);
        var lists = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
        Span<int> coordinates = stackalloc int[d];
        for (int x = 0; x < lattice.SiteCount; x++)
        {
            lattice.Coordinates(x, coordinates);
            int colour = 0;
            for (int mu = 0; mu < d; mu++) colour = colour * period + coordinates[mu] % period;
            lists[colour].Add(x);
        }
        return lists.Select(l => l.ToArray()).ToArray();
    }
}
