using System.Numerics;
using CritDiff.Diffusion;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Generation;

/// <summary>
/// The reverse process of a linear, translation-invariant score (any score that offers its Fourier multiplier,
/// <see cref="IFourierMultiplier"/>): both its exact generated law and samples from it. Per mode every step of the
/// sampler maps y~ -> gain y~ + sqrt(noise) xi (<see cref="Sampler.ModeStep"/>),
/// so the generated law is Gaussian and diagonal in Fourier space with variance
/// v &lt;- |gain|^2 v + noise from v = b(T)^2. Samples run the same steps on Hermitian spectra (complex
/// normals on mode pairs (k, -k), real ones on self-conjugate modes), which is the real-space scheme
/// with the convolution applied in Fourier space; a final inverse FFT turns two spectra into two
/// real configurations. Sample i draws from random stream (seed, i): results do not depend on threads.
/// </summary>
public sealed class ReverseProcess
{
    /// <summary>Samples advanced together by one thread (their blocks of modes share the table slices in cache).</summary>
    private const int Chunk = 16;

    /// <summary>Largest step-coefficient table held at once (values; 32 M = 256 MB by default; tests lower it).</summary>
    internal long TableLimit { get; init; } = 1L << 25;
    private readonly HermitianPairs _modes;
    private readonly FourierTransform _fourier;

    /// <summary>Creates the reverse process.</summary>
    public ReverseProcess(Lattice lattice, ForwardProcess process, IFourierMultiplier score, GenerationSettings settings)
    {
        Lattice = lattice ?? throw new ArgumentNullException(nameof(lattice));
        Process = process ?? throw new ArgumentNullException(nameof(process));
        Score = score ?? throw new ArgumentNullException(nameof(score));
        Settings = settings ?? throw new ArgumentNullException(nameof(settings));
        if (score.ModeCount != lattice.SiteCount)
            throw new ArgumentException($"the score has {score.ModeCount} modes, the lattice {lattice.SiteCount}", nameof(score));
        _modes = new HermitianPairs(lattice);
        _fourier = new FourierTransform(lattice);
    }

    /// <summary>The lattice.</summary>
    public Lattice Lattice { get; }

    /// <summary>The forward process being reversed.</summary>
    public ForwardProcess Process { get; }

    /// <summary>The score's multiplier.</summary>
    public IFourierMultiplier Score { get; }

    /// <summary>Scheme and time steps.</summary>
    public GenerationSettings Settings { get; }

    /// <summary>
    /// Score evaluations per generated sample of the sampler this process runs per mode (K, or 2K for ode-heun and pc): the
    /// multiplier evaluations of <see cref="GeneratedVariance"/> and <see cref="Generate"/>, each of which serves every sample.
    /// </summary>
    public int ScoreEvaluations => Settings.ScoreEvaluations;

    /// <summary>Exact variance v(k) = E|y~(k)|^2 of the generated law, per mode.</summary>
    public double[] GeneratedVariance()
    {
        int v = Lattice.SiteCount;
        var variance = new double[v];
        Array.Fill(variance, Process.NoiseVariance(Settings.FinalTime));
        var gains = new Complex[v];
        var noise = new double[v];
        for (int step = 0; step < Settings.Steps; step++)
        {
            StepCoefficients(step, gains, noise);
            for (int k = 0; k < v; k++)
                variance[k] = (gains[k].Real * gains[k].Real + gains[k].Imaginary * gains[k].Imaginary) * variance[k] + noise[k];
        }
        return variance;
    }

    /// <summary>
    /// Generates <paramref name="count"/> real-space configurations (count x V, C order). Each sample's compact
    /// Hermitian state (<see cref="HermitianPairs"/>, V reals) lives in its own slot of the result until the final
    /// inverse transform. The step coefficients are tabulated for a window of steps at a time (all K when they fit
    /// in <see cref="TableLimit"/> values); within a window, chunks of samples run block of modes by block, every
    /// step of the window on the block before the next, so states and table slices stay in cache. Sample i draws
    /// only from stream (seed, i), in an order fixed by the lattice and K: results do not depend on threads.
    /// </summary>
    public double[] Generate(int count, ulong seed, int maxDegreeOfParallelism = -1)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 1");
        int v = Lattice.SiteCount, steps = Settings.Steps, tableLength = _modes.TableLength, pairs = _modes.PairCount;
        var result = new double[(long)count * v];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        var streams = new RandomStream[count];
        double start = Math.Sqrt(Process.NoiseVariance(Settings.FinalTime));
        Parallel.For(0, count, options, i =>
        {
            streams[i] = new RandomStream(seed, (ulong)i);
            _modes.DrawWhite(ref streams[i], result.AsSpan(i * v, v), start);
        });
        int window = (int)Math.Clamp(TableLimit / tableLength, 1, steps);
        var table = new double[(long)window * tableLength];
        int chunks = (count + Chunk - 1) / Chunk;
        for (int first = 0; first < steps; first += window)
        {
            int width = Math.Min(window, steps - first);
            Parallel.For(0, width, options, () => (new Complex[v], new double[v]), (w, _, work) =>
            {
                StepCoefficients(first + w, work.Item1, work.Item2);
                _modes.StepTable(work.Item1, work.Item2, table.AsSpan(w * tableLength, tableLength));
                return work;
            }, _ => { });
            Parallel.For(0, chunks, options, () => new double[_modes.NoiseLength], (c, _, noise) =>
            {
                int begin = c * Chunk, end = Math.Min(count, begin + Chunk);
                for (int block = 0; block < pairs; block += HermitianPairs.BlockPairs)
                {
                    int size = Math.Min(HermitianPairs.BlockPairs, pairs - block);
                    for (int w = 0; w < width; w++)
                    {
                        var row = table.AsSpan(w * tableLength, tableLength);
                        bool noisy = row[_modes.ZeroModeNoiseIndex] > 0; // SDE schemes: noise on every mode; ODE: none
                        for (int i = begin; i < end; i++)
                            _modes.AdvancePairs(ref streams[i], result.AsSpan(i * v, v), row, block, size, noisy, noise);
                    }
                }
                for (int w = 0; w < width; w++)
                {
                    var row = table.AsSpan(w * tableLength, tableLength);
                    bool noisy = row[_modes.ZeroModeNoiseIndex] > 0;
                    for (int i = begin; i < end; i++)
                        _modes.AdvanceSelfConjugate(ref streams[i], result.AsSpan(i * v, v), row, noisy, noise);
                }
                return noise;
            }, _ => { });
        }
        // Two states at a time through one complex inverse transform; both are read before their slots are written.
        Parallel.For(0, (count + 1) / 2, options, () => new Complex[v], (pair, _, scratch) =>
        {
            int a = 2 * pair, b = a + 1;
            _modes.Combine(result.AsSpan(a * v, v), b < count ? result.AsSpan(b * v, v) : default, scratch);
            _fourier.Inverse(scratch);
            var firstSlot = result.AsSpan(a * v, v);
            for (int x = 0; x < v; x++) firstSlot[x] = scratch[x].Real;
            if (b < count)
            {
                var second = result.AsSpan(b * v, v);
                for (int x = 0; x < v; x++) second[x] = scratch[x].Imaginary;
            }
            return scratch;
        }, _ => { });
        return result;
    }

    private void StepCoefficients(int step, Complex[] gains, double[] noise)
    {
        double t = Settings.TimeAt(step), h = Settings.StepSizeAt(step);
        int v = gains.Length;
        var start = new Complex[v];
        var end = new Complex[v];
        var sampler = Settings.Sampler;
        Score.Multiplier(t, start);
        if (sampler.UsesEndScore) Score.Multiplier(t - h, end);
        for (int k = 0; k < v; k++) (gains[k], noise[k]) = sampler.ModeStep(Process, t, h, start[k], end[k]);
    }
}
