using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Networks;

/// <summary>
/// The time-conditioned U-Net <c>unet:C:levels[:odd]</c> (<see cref="UNetSpec"/>; docs/architecture.md, "The time-conditioned U-Net").
/// For one configuration x (n channels, channel-major) and conditioning value c = log sigma(t):
/// features phi(c) = [sin(w_k c), cos(w_k c)], w_k = 10^(3 k / (E/2 - 1)) / 10 (k = 0..E/2-1: 0.1 .. 100), the embedding
/// e = SiLU(W_e phi + b_e) (C values) and per block FiLM (scale, shift) = W_f e + b_f; h = K_lift * x + b;
/// encoder: per level a residual block h + conv2(act((1 + scale) conv1(act(h)) + shift)), the skip, an average pool by 2;
/// the bottleneck block; decoder: nearest up-sampling, + skip, a block; net = K_out * act(h). act = SiLU, or tanh with odd
/// (then no biases and no shift, so net(-x, c) = -net(x, c)). Periodic 3^d convolutions (K * h)_o(x) = sum_i sum_e
/// K[o, i, e] h_i(x + e). Work is split over samples on up to <see cref="MaxThreads"/> threads; parameter gradients are
/// summed per fixed chunk of samples and then over chunks in order, so results are bit-identical for any thread count.
/// </summary>
public sealed class UNetNetwork : TimeConditionedModel
{
    private readonly BatchWorkers<UNetPass> _workers;
    private readonly List<double[]> _cache = [];
    private int _cachedCount;
    private double[] _input = [], _output = [], _condition = [], _tangent = [];

    /// <summary>
    /// The network <paramref name="spec"/> for n = <paramref name="components"/> on <paramref name="lattice"/> (validated),
    /// using up to <paramref name="maxThreads"/> threads per call (0: <see cref="Environment.ProcessorCount"/>).
    /// </summary>
    public UNetNetwork(Lattice lattice, int components, UNetSpec spec, int maxThreads = 0)
        : base(lattice, components, spec?.Name ?? throw new ArgumentNullException(nameof(spec)))
    {
        spec.Validate(lattice);
        if (maxThreads < 0) throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "maxThreads must be >= 0 (0: all processors)");
        Spec = spec;
        MaxThreads = maxThreads == 0 ? Environment.ProcessorCount : maxThreads;
        Layout = new UNetLayout(spec, lattice.Dimension, components);
        Levels = Enumerable.Range(0, spec.Levels + 1)
            .Select(l => new UNetLevel(lattice.Dimension, lattice.Length >> l, l < spec.Levels)).ToArray();
        Frequencies = Enumerable.Range(0, spec.EmbeddingSize / 2)
            .Select(k => Math.Exp(k * Math.Log(1000) / (spec.EmbeddingSize / 2 - 1)) / 10).ToArray();
        Cache = new UNetCache(this);
        _workers = new BatchWorkers<UNetPass>(MaxThreads, () => new UNetPass(this));
    }

    /// <summary>The architecture.</summary>
    public UNetSpec Spec { get; }

    /// <summary>Most threads a call uses.</summary>
    public int MaxThreads { get; }

    /// <inheritdoc />
    public override IReadOnlyList<int> LayerLengths => Layout.Lengths;

    internal UNetLayout Layout { get; }

    /// <summary>Resolutions 0..levels (side L / 2^l).</summary>
    internal UNetLevel[] Levels { get; }

    /// <summary>Where a sample's forward pass keeps its activations.</summary>
    internal UNetCache Cache { get; }

    /// <summary>w_k of the sinusoidal features.</summary>
    internal double[] Frequencies { get; }

    /// <summary>
    /// Kernels ~ N(0, 1 / fan_in) (fan_in = input channels x 3^d), W_e ~ N(0, 1 / E), W_f ~ N(0, 1 / C) scaled by 0.1
    /// (FiLM starts near the identity), biases 0 and the output kernel 0, so the network starts at net = 0 for every c.
    /// <paramref name="maxVariance"/> is checked but not used (a time-conditioned start does not depend on one slice).
    /// </summary>
    public override void Initialize(NetworkParameters parameters, double maxVariance, ref RandomStream rng)
    {
        CheckLayout(parameters, nameof(parameters));
        if (!(maxVariance > 0) || double.IsInfinity(maxVariance))
            throw new ArgumentOutOfRangeException(nameof(maxVariance), maxVariance, "maxVariance must be > 0 and finite");
        foreach (var layer in parameters.Layers) Array.Clear(layer);
        int c = Spec.Channels, k = Levels[0].Geometry.OffsetCount;
        Fill(parameters.Layers[Layout.EmbeddingWeights], 1 / Math.Sqrt(Spec.EmbeddingSize), ref rng);
        Fill(parameters.Layers[Layout.LiftKernel], 1 / Math.Sqrt(Components * (double)k), ref rng);
        for (int b = 0; b < Spec.BlockCount; b++)
        {
            Fill(parameters.Layers[Layout.FilmWeights(b)], 0.1 / Math.Sqrt(c), ref rng);
            Fill(parameters.Layers[Layout.Conv1Kernel(b)], 1 / Math.Sqrt(c * (double)k), ref rng);
            Fill(parameters.Layers[Layout.Conv2Kernel(b)], 1 / Math.Sqrt(c * (double)k), ref rng);
        }
    }

    /// <inheritdoc />
    public override void Forward(NetworkParameters parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> condition, int count,
        Span<double> output)
    {
        CheckLayout(parameters, nameof(parameters));
        CheckBatch(x.Length, count, nameof(x));
        CheckBatch(output.Length, count, nameof(output));
        CheckCondition(condition, count);
        _cachedCount = 0;
        long blockLength = UNetPass.BlockLength(this);
        while (_cache.Count < count) _cache.Add(new double[blockLength]);
        int size = ConfigurationLength;
        var input = BatchWorkers<UNetPass>.Staged(ref _input, x);
        var c = BatchWorkers<UNetPass>.Staged(ref _condition, condition);
        var result = BatchWorkers<UNetPass>.Staged(ref _output, output.Length);
        _workers.Run(count, (b, pass) => pass.Forward(parameters, input.AsSpan(b * size, size), c[b], _cache[b], result.AsSpan(b * size, size)));
        result.AsSpan(0, output.Length).CopyTo(output);
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
        var u = BatchWorkers<UNetPass>.Staged(ref _input, upstream);
        _workers.SumOverItems(count, ParameterCount, (b, pass, buffer) => pass.Backward(parameters, _cache[b], u.AsSpan(b * size, size), buffer), gradient);
    }

    /// <inheritdoc />
    public override void JacobianVectorProduct(NetworkParameters parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> condition,
        ReadOnlySpan<double> tangent, int count, Span<double> product)
    {
        CheckLayout(parameters, nameof(parameters));
        CheckBatch(x.Length, count, nameof(x));
        CheckBatch(tangent.Length, count, nameof(tangent));
        CheckBatch(product.Length, count, nameof(product));
        CheckCondition(condition, count);
        int size = ConfigurationLength;
        var input = BatchWorkers<UNetPass>.Staged(ref _input, x);
        var c = BatchWorkers<UNetPass>.Staged(ref _condition, condition);
        var t = BatchWorkers<UNetPass>.Staged(ref _tangent, tangent);
        var result = BatchWorkers<UNetPass>.Staged(ref _output, product.Length);
        _workers.Run(count, (b, pass) =>
            pass.JacobianVectorProduct(parameters, input.AsSpan(b * size, size), c[b], t.AsSpan(b * size, size), result.AsSpan(b * size, size)));
        result.AsSpan(0, product.Length).CopyTo(product);
    }

    /// <summary>
    /// The exact diagonal d net_j(x_i, c_i) / d x_j: one forward pass and n V tangent passes (unit tangents) per
    /// configuration, the configurations split over threads. Does not disturb the cache of Forward.
    /// </summary>
    public override void JacobianDiagonal(NetworkParameters parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> condition, int count,
        Span<double> diagonal)
    {
        CheckLayout(parameters, nameof(parameters));
        CheckBatch(x.Length, count, nameof(x));
        CheckBatch(diagonal.Length, count, nameof(diagonal));
        CheckCondition(condition, count);
        int size = ConfigurationLength;
        var input = BatchWorkers<UNetPass>.Staged(ref _input, x);
        var c = BatchWorkers<UNetPass>.Staged(ref _condition, condition);
        var result = BatchWorkers<UNetPass>.Staged(ref _output, diagonal.Length);
        _workers.Run(count, (b, pass) => pass.JacobianDiagonal(parameters, input.AsSpan(b * size, size), c[b], result.AsSpan(b * size, size)));
        result.AsSpan(0, diagonal.Length).CopyTo(diagonal);
    }

    /// <inheritdoc />
    public override ScoreModel Replica() => new UNetNetwork(Lattice, Components, Spec, MaxThreads);

    private static void Fill(double[] values, double scale, ref RandomStream rng)
    {
        for (int i = 0; i < values.Length; i++) values[i] = scale * rng.NextGaussian();
    }

    private static void CheckCondition(ReadOnlySpan<double> condition, int count)
    {
        if (condition.Length != count)
            throw new ArgumentException($"expected {count} conditioning values, got {condition.Length}", nameof(condition));
    }
}
