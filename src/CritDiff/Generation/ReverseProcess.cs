using System.Numerics;
using CritDiff.Diffusion;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Generation;

/// <summary>
/// The reverse process of a linear, translation-invariant score: both its exact generated law and
/// samples from it. Per mode every step maps y~ -> gain y~ + sqrt(noise) xi (<see cref="ReverseScheme"/>),
/// so the generated law is Gaussian and diagonal in Fourier space with variance
/// v &lt;- |gain|^2 v + noise from v = b(T)^2. Samples run the same steps on Hermitian spectra (complex
/// normals on mode pairs (k, -k), real ones on self-conjugate modes), which is the real-space scheme
/// with the convolution applied in Fourier space; a final inverse FFT turns two spectra into two
/// real configurations. Sample i draws from random stream (seed, i): results do not depend on threads.
/// </summary>
public sealed class ReverseProcess
{
    private const int Batch = 64;
    private readonly HermitianPairs _modes;
    private readonly FourierTransform _fourier;

    /// <summary>Creates the reverse process.</summary>
    public ReverseProcess(Lattice lattice, ForwardProcess process, ScoreSchedule score, GenerationSettings settings)
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

    /// <summary>The score.</summary>
    public ScoreSchedule Score { get; }

    /// <summary>Scheme and time steps.</summary>
    public GenerationSettings Settings { get; }

    /// <summary>Score evaluations per generated sample (K, or 2K for Heun).</summary>
    public int ScoreEvaluations => Settings.Scheme.UsesEndScore ? 2 * Settings.Steps : Settings.Steps;

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

    /// <summary>Generates <paramref name="count"/> real-space configurations (count x V, C order).</summary>
    public double[] Generate(int count, ulong seed, int maxDegreeOfParallelism = -1)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 1");
        int v = Lattice.SiteCount;
        var result = new double[(long)count * v];
        var gains = new Complex[v];
        var noise = new double[v];
        var spectra = new Complex[Math.Min(Batch, count)][];
        for (int i = 0; i < spectra.Length; i++) spectra[i] = new Complex[v];
        var streams = new RandomStream[spectra.Length];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        double start = Math.Sqrt(Process.NoiseVariance(Settings.FinalTime));
        for (int first = 0; first < count; first += Batch)
        {
            int size = Math.Min(Batch, count - first);
            for (int i = 0; i < size; i++)
            {
                streams[i] = new RandomStream(seed, (ulong)(first + i));
                _modes.DrawWhite(ref streams[i], spectra[i], start);
            }
            for (int step = 0; step < Settings.Steps; step++)
            {
                StepCoefficients(step, gains, noise);
                Parallel.For(0, size, options, i => _modes.Advance(ref streams[i], spectra[i], gains, noise));
            }
            Parallel.For(0, (size + 1) / 2, options, () => new Complex[v], (pair, _, scratch) =>
            {
                int a = 2 * pair, b = a + 1;
                for (int k = 0; k < v; k++) scratch[k] = b < size ? spectra[a][k] + Complex.ImaginaryOne * spectra[b][k] : spectra[a][k];
                _fourier.Inverse(scratch);
                var first0 = result.AsSpan((first + a) * v, v);
                for (int x = 0; x < v; x++) first0[x] = scratch[x].Real;
                if (b < size)
                {
                    var second = result.AsSpan((first + b) * v, v);
                    for (int x = 0; x < v; x++) second[x] = scratch[x].Imaginary;
                }
                return scratch;
            }, _ => { });
        }
        return result;
    }

    private void StepCoefficients(int step, Complex[] gains, double[] noise)
    {
        double t = Settings.TimeAt(step), h = Settings.StepSize;
        int v = gains.Length;
        var start = new Complex[v];
        var end = new Complex[v];
        Score.Multiplier(t, start);
        if (Settings.Scheme.UsesEndScore) Score.Multiplier(t - h, end);
        for (int k = 0; k < v; k++) (gains[k], noise[k]) = Settings.Scheme.Step(Process, t, h, start[k], end[k]);
    }
}
