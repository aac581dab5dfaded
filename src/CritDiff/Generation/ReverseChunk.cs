using CritDiff.Statistics;

namespace CritDiff.Generation;

/// <summary>
/// The buffers of one thread of <see cref="RealSpaceSampler"/>: a score replica, scratch for up to
/// <see cref="RealSpaceSampler.Chunk"/> configurations and each sample's random stream. Predictors and correctors reach
/// the score only through it, so it counts the score evaluations per sample (one per call on the chunk).
/// </summary>
internal sealed class ReverseChunk(TimeScore score, int width)
{
    private readonly double[] _drift = new double[RealSpaceSampler.Chunk * width];
    private readonly double[] _other = new double[RealSpaceSampler.Chunk * width];
    private readonly double[] _predicted = new double[RealSpaceSampler.Chunk * width];
    private readonly double[] _noise = new double[width];
    private readonly double[] _trace = new double[RealSpaceSampler.Chunk];
    private readonly double[] _traceEnd = new double[RealSpaceSampler.Chunk];

    /// <summary>Values n V per configuration.</summary>
    public int Width => width;

    /// <summary>Each sample's random stream (seed, index).</summary>
    public RandomStream[] Streams { get; } = new RandomStream[RealSpaceSampler.Chunk];

    /// <summary>Score evaluations per sample since the chunk's last <see cref="Start"/>.</summary>
    public int ScoreEvaluations { get; private set; }

    /// <summary>Starts a chunk: the streams of samples first .. first + size - 1 and a zero evaluation count.</summary>
    public void Start(ulong seed, int first, int size)
    {
        for (int i = 0; i < size; i++) Streams[i] = new RandomStream(seed, (ulong)(first + i));
        ScoreEvaluations = 0;
    }

    /// <summary>s(y, t) into the first scratch buffer (returned; the caller may overwrite it).</summary>
    public Span<double> Score(double t, ReadOnlySpan<double> y, int size) => Evaluate(t, y, size, _drift);

    /// <summary>s(y, t) into the second scratch buffer, for schemes that keep the first.</summary>
    public Span<double> EndScore(double t, ReadOnlySpan<double> y, int size) => Evaluate(t, y, size, _other);

    /// <summary>The Jacobian trace at (y, t) of each sample into the first trace buffer.</summary>
    public Span<double> Trace(double t, ReadOnlySpan<double> y, int size) => JacobianTrace(t, y, size, _trace);

    /// <summary>The Jacobian trace into the second trace buffer.</summary>
    public Span<double> EndTrace(double t, ReadOnlySpan<double> y, int size) => JacobianTrace(t, y, size, _traceEnd);

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

    private Span<double> Evaluate(double t, ReadOnlySpan<double> y, int size, double[] buffer)
    {
        var s = buffer.AsSpan(0, y.Length);
        score.Score(t, y, size, s);
        ScoreEvaluations++;
        return s;
    }

    private Span<double> JacobianTrace(double t, ReadOnlySpan<double> y, int size, double[] buffer)
    {
        var trace = buffer.AsSpan(0, size);
        score.JacobianTrace(t, y, size, trace);
        return trace;
    }
}
