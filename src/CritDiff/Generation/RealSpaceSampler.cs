using CritDiff.Diffusion;
using CritDiff.Statistics;

namespace CritDiff.Generation;

/// <summary>
/// Generation in real space from any <see cref="TimeScore"/> (linear or not; docs/science.md sections 7 and 10): the reverse
/// SDE dy = [-f y + g^2 s(y, t)] dtau + g dW or the probability-flow ODE dy = F dtau, F = -f y + (g^2/2) s(y, t), from
/// y ~ N(0, b(T)^2 I) at t = T down to t_min, with the schemes of <see cref="RealSpaceScheme"/>.
/// For the ODE (<see cref="RealSpaceScheme.Heun"/>) the log-density is carried as an augmented state:
/// d log q / dtau = -div F, div F = -f n V + (g^2/2) tr(ds/dx), integrated by the same Heun rule as y, so
/// log q(y(t_min)) = log N(y(T); 0, b(T)^2 I) - sum over steps of (h/2)(div F(y, t) + div F(y_p, t - h)), exact up to
/// the ODE's own discretisation (the trace is exact; no Hutchinson estimator).
/// Samples are processed in fixed chunks of consecutive indices, each chunk by one thread with its own score replica,
/// and sample i draws only from RandomStream(seed, i): the same seed gives bit-identical results for any thread count.
/// </summary>
public static class RealSpaceSampler
{
    /// <summary>Samples per work item (even, so that paired Fourier transforms never depend on threads).</summary>
    internal const int Chunk = 16;

    /// <summary>
    /// Generates <paramref name="count"/> configurations at t_min. <paramref name="progress"/> receives the number of
    /// finished samples after each chunk; <paramref name="maxDegreeOfParallelism"/> (-1: all cores) never changes results.
    /// </summary>
    public static RealSpaceSamples Generate(TimeScore score, ForwardProcess process, RealSpaceSettings settings, int count, ulong seed,
        IProgress<int>? progress = null, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(settings);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 1");
        int width = score.ConfigurationLength;
        if ((long)count * width > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{count} x {width} values exceed one array: generate in parts");
        var samples = new double[(long)count * width];
        bool ode = settings.Scheme == RealSpaceScheme.Heun;
        var logDensity = ode ? new double[count] : null;
        int chunks = (count + Chunk - 1) / Chunk, done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, chunks, options, () => new Workspace(score.Replica(), width), (c, _, work) =>
        {
            int first = c * Chunk, size = Math.Min(Chunk, count - first);
            work.Run(process, settings, seed, first, size, samples.AsSpan(first * width, size * width),
                ode ? logDensity.AsSpan(first, size) : default);
            progress?.Report(Interlocked.Add(ref done, size));
            return work;
        }, _ => { });
        return new RealSpaceSamples(count, width, samples, logDensity, settings.ScoreEvaluations);
    }

    /// <summary>Buffers of one thread; <see cref="Run"/> integrates one chunk in place.</summary>
    private sealed class Workspace(TimeScore score, int width)
    {
        private readonly double[] _drift = new double[Chunk * width];
        private readonly double[] _other = new double[Chunk * width];
        private readonly double[] _predicted = new double[Chunk * width];
        private readonly double[] _noise = new double[width];
        private readonly double[] _trace = new double[Chunk];
        private readonly double[] _traceEnd = new double[Chunk];
        private readonly RandomStream[] _streams = new RandomStream[Chunk];

        public void Run(ForwardProcess process, RealSpaceSettings settings, ulong seed, int first, int size, Span<double> y, Span<double> logDensity)
        {
            double start = Math.Sqrt(process.NoiseVariance(settings.FinalTime));
            for (int i = 0; i < size; i++)
            {
                _streams[i] = new RandomStream(seed, (ulong)(first + i));
                var yi = y.Slice(i * width, width);
                _streams[i].FillGaussian(yi);
                double squares = 0;
                for (int j = 0; j < width; j++)
                {
                    squares += yi[j] * yi[j];
                    yi[j] *= start;
                }
                // log N(y; 0, b^2 I) with y = b z: -|z|^2/2 - (n V/2) ln(2 pi b^2).
                if (!logDensity.IsEmpty) logDensity[i] = -0.5 * squares - 0.5 * width * Math.Log(2 * Math.PI * start * start);
            }
            double h = settings.StepSize;
            for (int step = 0; step < settings.Steps; step++)
            {
                double t = settings.TimeAt(step);
                switch (settings.Scheme)
                {
                    case RealSpaceScheme.EulerMaruyama: EulerStep(process, t, h, y, size); break;
                    case RealSpaceScheme.ExponentialIntegrator: ExponentialStep(process, t, h, y, size); break;
                    case RealSpaceScheme.Heun: HeunStep(process, t, h, y, size, logDensity); break;
                    default:
                        EulerStep(process, t, h, y, size);
                        CorrectorStep(process, t - h, settings.CorrectorSnr, y, size);
                        break;
                }
            }
        }

        private void EulerStep(ForwardProcess process, double t, double h, Span<double> y, int size)
        {
            var s = _drift.AsSpan(0, y.Length);
            score.Score(t, y, size, s);
            double f = process.Drift(t), g2 = process.DiffusionSquared(t);
            Update(y, s, size, 1 - h * f, h * g2, Math.Sqrt(g2 * h));
        }

        private void ExponentialStep(ForwardProcess process, double t, double h, Span<double> y, int size)
        {
            var s = _drift.AsSpan(0, y.Length);
            score.Score(t, y, size, s);
            double f = process.Drift(t), g2 = process.DiffusionSquared(t);
            // (e^{-f h} - 1)/(-f) -> h and (e^{-2 f h} - 1)/(-2 f) -> h as f -> 0 (VE); expm1 keeps both accurate.
            double growth = f == 0 ? h : ExpMinusOne.Of(-f * h) / -f;
            double variance = f == 0 ? h : ExpMinusOne.Of(-2 * f * h) / (-2 * f);
            Update(y, s, size, Math.Exp(-f * h), g2 * growth, Math.Sqrt(g2 * variance));
        }

        private void CorrectorStep(ForwardProcess process, double t, double snr, Span<double> y, int size)
        {
            var s = _drift.AsSpan(0, y.Length);
            score.Score(t, y, size, s);
            double epsilon = 2 * snr * snr * process.NoiseVariance(t);
            Update(y, s, size, 1, epsilon, Math.Sqrt(2 * epsilon));
        }

        /// <summary>y &lt;- gain y + scoreWeight s + noiseScale xi, xi from each sample's own stream.</summary>
        private void Update(Span<double> y, ReadOnlySpan<double> s, int size, double gain, double scoreWeight, double noiseScale)
        {
            for (int i = 0; i < size; i++)
            {
                _streams[i].FillGaussian(_noise);
                int offset = i * width;
                for (int j = 0; j < width; j++)
                    y[offset + j] = gain * y[offset + j] + scoreWeight * s[offset + j] + noiseScale * _noise[j];
            }
        }

        private void HeunStep(ForwardProcess process, double t, double h, Span<double> y, int size, Span<double> logDensity)
        {
            double end = t - h;
            var k1 = _drift.AsSpan(0, y.Length);
            var k2 = _other.AsSpan(0, y.Length);
            var predicted = _predicted.AsSpan(0, y.Length);
            var trace = _trace.AsSpan(0, size);
            var traceEnd = _traceEnd.AsSpan(0, size);
            double f0 = process.Drift(t), half0 = 0.5 * process.DiffusionSquared(t);
            double f1 = process.Drift(end), half1 = 0.5 * process.DiffusionSquared(end);
            score.Score(t, y, size, k1);
            score.JacobianTrace(t, y, size, trace);
            for (int j = 0; j < y.Length; j++)
            {
                k1[j] = -f0 * y[j] + half0 * k1[j];
                predicted[j] = y[j] + h * k1[j];
            }
            score.Score(end, predicted, size, k2);
            score.JacobianTrace(end, predicted, size, traceEnd);
            for (int j = 0; j < y.Length; j++) y[j] += 0.5 * h * (k1[j] + (-f1 * predicted[j] + half1 * k2[j]));
            for (int i = 0; i < size; i++)
            {
                double start = -f0 * width + half0 * trace[i], stop = -f1 * width + half1 * traceEnd[i];
                logDensity[i] -= 0.5 * h * (start + stop);
            }
        }
    }
}
