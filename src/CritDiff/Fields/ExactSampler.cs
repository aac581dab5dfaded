using System.Numerics;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Fields;

/// <summary>
/// Exact sampler of a <see cref="GaussianField"/>: phi = IDFT[ sqrt(C(k)) w(k) ] with w a white
/// complex Gaussian field (docs/science.md section 3). The DFT of a white complex field eta1 + i eta2 is
/// again white with independent circular entries, so drawing w directly in Fourier space gives the law
/// of IDFT[sqrt(C) DFT[eta]] without the forward transform, and the real and imaginary parts of one
/// inverse transform are two independent configurations (C is real and even in k). Cost: one complex
/// d-dimensional FFT per two samples.
/// Sample i comes from random stream (seed, i / 2), so results are bit-identical for any thread count,
/// and the first n samples of a larger draw equal a draw of n.
/// </summary>
public sealed class ExactSampler
{
    private readonly double[] _amplitude;
    private readonly FourierTransform _fourier;

    /// <summary>Creates the sampler (precomputes sqrt(C(k)) per mode).</summary>
    public ExactSampler(GaussianField field)
    {
        Field = field ?? throw new ArgumentNullException(nameof(field));
        _fourier = new FourierTransform(field.Lattice);
        _amplitude = field.SpectrumTable();
        // w = a + i b with a, b ~ N(0,1) has E|w|^2 = 2: Z = IDFT[sqrt(C) w] has E|Z~(k)|^2 = 2 C(k) and
        // E[Z~(k) Z~(k')] = 0, so Re Z and Im Z each have spectrum (2C + 2C)/4 = C and are independent.
        for (int i = 0; i < _amplitude.Length; i++) _amplitude[i] = Math.Sqrt(_amplitude[i]);
    }

    /// <summary>The target field model.</summary>
    public GaussianField Field { get; }

    /// <summary>Draws <paramref name="count"/> configurations, count x V values in C order.</summary>
    public double[] Sample(int count, ulong seed)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 1");
        var result = new double[(long)count * Field.Lattice.SiteCount];
        Sample(result, count, seed);
        return result;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> (count x V) with samples <paramref name="firstIndex"/> ..
    /// firstIndex + count - 1 of the stream family <paramref name="seed"/>, in parallel over pairs.
    /// <paramref name="firstIndex"/> must be even.
    /// </summary>
    public void Sample(double[] destination, int count, ulong seed, long firstIndex = 0,
        int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int v = Field.Lattice.SiteCount;
        if (count < 0 || destination.Length < (long)count * v)
            throw new ArgumentException($"destination needs {count} x {v} values", nameof(destination));
        if (firstIndex < 0 || firstIndex % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(firstIndex), firstIndex, "firstIndex must be even and >= 0");
        int pairs = (count + 1) / 2;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, pairs, options, () => new Complex[v], (p, _, scratch) =>
        {
            long pair = firstIndex / 2 + p;
            var first = destination.AsSpan(2 * p * v, v);
            var second = 2 * p + 1 < count ? destination.AsSpan((2 * p + 1) * v, v) : Span<double>.Empty;
            SamplePair(seed, pair, first, second, scratch);
            return scratch;
        }, _ => { });
    }

    /// <summary>
    /// Writes the two configurations of pair <paramref name="pair"/> (samples 2 pair and 2 pair + 1);
    /// <paramref name="second"/> may be empty to drop the partner.
    /// </summary>
    public void SamplePair(ulong seed, long pair, Span<double> first, Span<double> second, Span<Complex> scratch) =>
        SamplePair(_fourier, _amplitude, seed, pair, first, second, scratch);

    /// <summary>
    /// The sampler's core for any even spectrum C(k) >= 0 given as amplitudes sqrt(C(k)): two independent
    /// real Gaussian fields with spectrum C (used for fresh minibatches from a measured spectrum).
    /// </summary>
    internal static void SamplePair(FourierTransform fourier, ReadOnlySpan<double> amplitude, ulong seed, long pair,
        Span<double> first, Span<double> second, Span<Complex> scratch)
    {
        var rng = new RandomStream(seed, (ulong)pair);
        for (int k = 0; k < scratch.Length; k++)
        {
            var (a, b) = rng.NextGaussianPair();
            scratch[k] = new Complex(amplitude[k] * a, amplitude[k] * b);
        }
        fourier.Inverse(scratch);
        for (int x = 0; x < first.Length; x++) first[x] = scratch[x].Real;
        for (int x = 0; x < second.Length; x++) second[x] = scratch[x].Imaginary;
    }
}
