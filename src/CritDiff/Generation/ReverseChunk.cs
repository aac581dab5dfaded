using CritDiff.Statistics;

namespace CritDiff.Generation;

/// <summary>
/// The buffers of one thread of <see cref="RealSpaceSampler"/>: a score replica, scratch for up to
/// <see cref="RealSpaceSampler.Chunk"/> configurations and each sample's random stream. Predictors and correctors reach
/// the score only through it, so it counts the score evaluations per sample (one per call on the chunk) and the trace
/// evaluations (through its <see cref="TraceEstimator"/>, with each sample's probe stream).
/// </summary>
internal sealed class ReverseChunk(TimeScore score, int width, TraceEstimator? estimator = null)
{
    /// <summary>Key of the probe streams: sample i's Hutchinson probes come from RandomStream(seed ^ this, i).</summary>
    public const ulong ProbeStreamKey = 0x48555443484E534FUL;

    private readonly double[] _drift = new double[RealSpaceSampler.Chunk * width];
    private readonly double[] _other = new double[RealSpaceSampler.Chunk * width];
    private readonly double[] _predicted = new double[RealSpaceSampler.Chunk * width];
    private readonly double[] _noise = new double[width];
    private readonly double[] _trace = new double[RealSpaceSampler.Chunk];
    private readonly double[] _traceEnd = new double[RealSpaceSampler.Chunk];
    private readonly double[] _traceVariance = new double[RealSpaceSampler.Chunk];
    private readonly double[] _traceEndVariance = new double[RealSpaceSampler.Chunk];
    private readonly double[] _probe = estimator is HutchinsonTrace ? new double[RealSpaceSampler.Chunk * width] : [];
    private readonly double[] _probeProduct = estimator is HutchinsonTrace ? new double[RealSpaceSampler.Chunk * width] : [];

    private double[] _tangent = [], _jvp = [], _column = [], _points = [], _jacobians = [];

    /// <summary>True when log q is the discrete map's exact log-density (<see cref="DiscreteMapDensity"/>), not a trace rule.</summary>
    public bool DiscreteMap => estimator is DiscreteMapDensity;

    /// <summary>Values n V per configuration.</summary>
    public int Width => width;

    /// <summary>Each sample's random stream (seed, index).</summary>
    public RandomStream[] Streams { get; } = new RandomStream[RealSpaceSampler.Chunk];

    /// <summary>Each sample's stream of Hutchinson probes (seed ^ <see cref="ProbeStreamKey"/>, index).</summary>
    public RandomStream[] ProbeStreams { get; } = new RandomStream[RealSpaceSampler.Chunk];

    /// <summary>Score evaluations per sample since the chunk's last <see cref="Start"/>.</summary>
    public int ScoreEvaluations { get; private set; }

    /// <summary>Trace evaluations per sample since the chunk's last <see cref="Start"/> (only with a log-density).</summary>
    public int TraceEvaluations { get; private set; }

    /// <summary>Accumulated variance of each sample's log q from a statistical trace estimator (0 for the exact trace).</summary>
    public double[] LogDensityVariance { get; } = new double[RealSpaceSampler.Chunk];

    /// <summary>Starts a chunk: the streams of samples first .. first + size - 1 and zero counts and variances.</summary>
    public void Start(ulong seed, int first, int size)
    {
        for (int i = 0; i < size; i++)
        {
            Streams[i] = new RandomStream(seed, (ulong)(first + i));
            ProbeStreams[i] = new RandomStream(seed ^ ProbeStreamKey, (ulong)(first + i));
        }
        Array.Clear(LogDensityVariance);
        ScoreEvaluations = 0;
        TraceEvaluations = 0;
    }

    /// <summary>s(y, t) into the first scratch buffer (returned; the caller may overwrite it).</summary>
    public Span<double> Score(double t, ReadOnlySpan<double> y, int size) => Evaluate(t, y, size, _drift);

    /// <summary>s(y, t) into the second scratch buffer, for schemes that keep the first.</summary>
    public Span<double> EndScore(double t, ReadOnlySpan<double> y, int size) => Evaluate(t, y, size, _other);

    /// <summary>The Jacobian trace at (y, t) of each sample and its variance into the first trace buffers.</summary>
    public Span<double> Trace(double t, ReadOnlySpan<double> y, int size, out Span<double> variance) =>
        JacobianTrace(t, y, size, _trace, _traceVariance, out variance);

    /// <summary>The Jacobian trace and its variance into the second trace buffers.</summary>
    public Span<double> EndTrace(double t, ReadOnlySpan<double> y, int size, out Span<double> variance) =>
        JacobianTrace(t, y, size, _traceEnd, _traceEndVariance, out variance);

    /// <summary>Scratch for a predicted state (<paramref name="length"/> values).</summary>
    public Span<double> Predicted(int length) => _predicted.AsSpan(0, length);

    /// <summary>y &lt;- gain y + scoreWeight s + noiseScale xi, xi from each sample's own stream.</summary>
    public void Update(Span<double> y, ReadOnlySpan<double> s, int size, double gain, double scoreWeight, double noiseScale)
    {
        for (int i = 0; i < size; i++)
        {
            Streams[i].FillGaussian(_noise);
            int offset = i * width;
            for (int j = 0; j < width; j++)
                y[offset + j] = gain * y[offset + j] + scoreWeight * s[offset + j] + noiseScale * _noise[j];
        }
    }

    /// <summary>
    /// The Gaussian step of <see cref="Update(Span{double}, ReadOnlySpan{double}, int, double, double, double)"/> from t to
    /// t - h (same values, same random numbers) and, when <paramref name="logPath"/> is not empty, each sample's path-weight
    /// increment added to it: log r(y' | y) - log p(y | y'), r = N(gain y + scoreWeight s, noiseScale^2 I) the step itself and
    /// p = N(a_k y', b_k^2 I) the forward process's exact kernel from t - h to t (<see cref="PathIncrement"/>).
    /// </summary>
    public void Update(Span<double> y, ReadOnlySpan<double> s, int size, double gain, double scoreWeight, double noiseScale,
        Diffusion.ForwardProcess process, double t, double h, Span<double> logPath)
    {
        if (logPath.IsEmpty)
        {
            Update(y, s, size, gain, scoreWeight, noiseScale);
            return;
        }
        var (forwardGain, forwardVariance) = ForwardKernel(process, t, h);
        for (int i = 0; i < size; i++)
        {
            Streams[i].FillGaussian(_noise);
            int offset = i * width;
            double noiseSquares = 0, forwardSquares = 0;
            for (int j = 0; j < width; j++)
            {
                double before = y[offset + j];
                double after = gain * before + scoreWeight * s[offset + j] + noiseScale * _noise[j];
                y[offset + j] = after;
                noiseSquares += _noise[j] * _noise[j];
                double r = before - forwardGain * after;
                forwardSquares += r * r;
            }
            logPath[i] += PathIncrement(width, noiseSquares, noiseScale, forwardSquares, forwardVariance);
        }
    }

    /// <summary>
    /// The forward process's exact Gaussian kernel from t - h to t: gain a_k = a(t)/a(t - h) and variance per value
    /// b_k^2 = b(t)^2 - a_k^2 b(t - h)^2.
    /// </summary>
    public static (double Gain, double Variance) ForwardKernel(Diffusion.ForwardProcess process, double t, double h)
    {
        double end = t - h;
        double gain = process.SignalScale(t) / process.SignalScale(end);
        double variance = process.NoiseVariance(t) - gain * gain * process.NoiseVariance(end);
        if (!(variance > 0))
            throw new InvalidOperationException(FormattableString.Invariant($"the forward kernel from t = {end:G6} to {t:G6} has no positive variance ({variance:G3}): the step is below the precision of b(t)^2"));
        return (gain, variance);
    }

    /// <summary>
    /// log N(y'; mean, sigma^2 I) - log N(y; a_k y', b_k^2 I) over <paramref name="width"/> values, from the squared
    /// standard noise |xi|^2 of the step (y' = mean + sigma xi) and the squared forward residual |y - a_k y'|^2.
    /// </summary>
    public static double PathIncrement(int width, double noiseSquares, double noiseScale, double forwardSquares, double forwardVariance) =>
        -0.5 * noiseSquares - 0.5 * width * Math.Log(2 * Math.PI * noiseScale * noiseScale)
        + 0.5 * forwardSquares / forwardVariance + 0.5 * width * Math.Log(2 * Math.PI * forwardVariance);

    /// <summary>Values per batched Jacobian-vector product of <see cref="HeunLogDeterminant"/> (columns are batched up to it).</summary>
    private const int MaxProductValues = 1 << 20;

    /// <summary>
    /// log |det D Phi| of Heun's step y -> y + (h/2)[F(y, t) + F(y', t - h)], y' = y + h F(y, t) =
    /// <paramref name="predicted"/>, F = -f y + half s, for each of the <paramref name="size"/> configurations
    /// <paramref name="y"/> into <paramref name="logDeterminant"/>: D Phi e_j = e_j + (h/2)(u + J1 (e_j + h u)),
    /// u = J0 e_j, J = -f I + half ds/dx, column by column from n V Jacobian-vector products at each end
    /// (<see cref="DiscreteMapDensity"/>), many columns of all samples in one batched product. Counted as two trace evaluations.
    /// </summary>
    public void HeunLogDeterminant(double t, double h, double f0, double half0, double f1, double half1,
        ReadOnlySpan<double> y, ReadOnlySpan<double> predicted, int size, Span<double> logDeterminant)
    {
        int block = Math.Max(1, Math.Min(width, MaxProductValues / (RealSpaceSampler.Chunk * width)));
        long batchValues = (long)RealSpaceSampler.Chunk * block * width;
        if (_tangent.Length < batchValues)
        {
            _tangent = new double[batchValues];
            _jvp = new double[batchValues];
            _column = new double[batchValues];
            _points = new double[batchValues];
            _jacobians = new double[(long)RealSpaceSampler.Chunk * width * width];
        }
        for (int first = 0; first < width; first += block)
        {
            // Batch item (i, c): sample i, column first + c.
            int columns = Math.Min(block, width - first), batch = size * columns, length = batch * width;
            var tangent = _tangent.AsSpan(0, length);
            var product = _jvp.AsSpan(0, length);
            var column = _column.AsSpan(0, length);
            var points = _points.AsSpan(0, length);
            tangent.Clear();
            for (int i = 0; i < size; i++)
                for (int c = 0; c < columns; c++)
                {
                    int item = (i * columns + c) * width;
                    y.Slice(i * width, width).CopyTo(points.Slice(item, width));
                    tangent[item + first + c] = 1;
                }
            // u = J0 e_j = -f0 e_j + half0 (ds/dx)(y) e_j, kept in column.
            score.JacobianVectorProduct(t, points, tangent, batch, product);
            for (int k = 0; k < length; k++) column[k] = -f0 * tangent[k] + half0 * product[k];
            // z = e_j + h u, then J1 z at y'.
            for (int k = 0; k < length; k++) tangent[k] += h * column[k];
            for (int i = 0; i < size; i++)
                for (int c = 0; c < columns; c++) predicted.Slice(i * width, width).CopyTo(points.Slice((i * columns + c) * width, width));
            score.JacobianVectorProduct(t - h, points, tangent, batch, product);
            for (int i = 0; i < size; i++)
            {
                var jacobian = _jacobians.AsSpan(i * width * width, width * width);
                for (int c = 0; c < columns; c++)
                {
                    int item = (i * columns + c) * width, j = first + c;
                    for (int r = 0; r < width; r++)
                    {
                        double w = -f1 * tangent[item + r] + half1 * product[item + r];
                        jacobian[r * width + j] = (r == j ? 1 : 0) + 0.5 * h * (column[item + r] + w);
                    }
                }
            }
        }
        for (int i = 0; i < size; i++)
            logDeterminant[i] = DiscreteMapDensity.LogAbsDeterminant(_jacobians.AsSpan(i * width * width, width * width), width);
        TraceEvaluations += 2;
    }

    private Span<double> Evaluate(double t, ReadOnlySpan<double> y, int size, double[] buffer)
    {
        var s = buffer.AsSpan(0, y.Length);
        score.Score(t, y, size, s);
        ScoreEvaluations++;
        return s;
    }

    private Span<double> JacobianTrace(double t, ReadOnlySpan<double> y, int size, double[] buffer, double[] variances, out Span<double> variance)
    {
        var trace = buffer.AsSpan(0, size);
        variance = variances.AsSpan(0, size);
        (estimator ?? TraceEstimator.Exact).Estimate(score, t, y, size, trace, variance, ProbeStreams, _probe, _probeProduct);
        TraceEvaluations++;
        return trace;
    }
}
