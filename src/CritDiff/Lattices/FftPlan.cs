using System.Numerics;

namespace CritDiff.Lattices;

/// <summary>
/// A precomputed 1-D complex FFT of one length n >= 1:
/// forward X_k = sum_{j&lt;n} exp(-2 pi i j k / n) x_j, inverse with exp(+2 pi i j k / n), both unnormalised.
/// Smooth lengths run a self-sorting (Stockham) mixed-radix Cooley-Tukey with radices 4, 2, 3, 5 and a
/// generic odd radix for primes up to <see cref="LargestDirectPrime"/>; lengths with a larger prime factor
/// run Bluestein's chirp-z algorithm through a power-of-two plan of length m >= 2n - 1.
/// Twiddles are computed once here. The plan holds no mutable state: it is safe to share between threads,
/// and each call takes its working memory from the caller (<see cref="ScratchLength"/> complex values),
/// so a call allocates nothing.
/// </summary>
public sealed class FftPlan
{
    /// <summary>Largest prime factor handled by a direct (O(p) per point) butterfly; larger ones go through Bluestein.</summary>
    public const int LargestDirectPrime = 47;

    private readonly FftStage[] _stages;
    private readonly BluesteinFft? _bluestein;

    /// <summary>Creates the plan for length <paramref name="length"/> (at least 1).</summary>
    public FftPlan(int length)
    {
        if (length < 1)
            throw new ArgumentOutOfRangeException(nameof(length), length, "the FFT length must be at least 1");
        Length = length;
        var factors = Factor(length);
        if (factors.Count > 0 && factors.Max() > LargestDirectPrime)
        {
            _bluestein = new BluesteinFft(length);
            _stages = [];
            ScratchLength = _bluestein.ScratchLength;
        }
        else
        {
            _stages = BuildStages(length, factors);
            ScratchLength = length;
            SupportsBatch = _stages.All(s => s.SupportsBatch);
        }
    }

    /// <summary>The transform length n.</summary>
    public int Length { get; }

    /// <summary>Complex values of scratch a call needs (n for mixed radix, 2m for Bluestein).</summary>
    public int ScratchLength { get; }

    /// <summary>The radices of the mixed-radix stages in the order they run (empty for Bluestein and n = 1).</summary>
    public IReadOnlyList<int> Radices => _stages.Select(s => s.Radix).ToArray();

    /// <summary>True when the length is done by Bluestein's algorithm (a prime factor above <see cref="LargestDirectPrime"/>).</summary>
    public bool UsesBluestein => _bluestein is not null;

    /// <summary>In-place unnormalised forward DFT of <paramref name="data"/> (length n); scratch of at least <see cref="ScratchLength"/>.</summary>
    public void Forward(Span<Complex> data, Span<Complex> scratch) => Run(data, scratch, inverse: false);

    /// <summary>In-place unnormalised inverse DFT (sign +) of <paramref name="data"/>; scratch of at least <see cref="ScratchLength"/>.</summary>
    public void Inverse(Span<Complex> data, Span<Complex> scratch) => Run(data, scratch, inverse: true);

    private void Run(Span<Complex> data, Span<Complex> scratch, bool inverse)
    {
        if (data.Length != Length)
            throw new ArgumentException($"expected {Length} values, got {data.Length}", nameof(data));
        if (scratch.Length < ScratchLength)
            throw new ArgumentException($"scratch needs at least {ScratchLength} values, got {scratch.Length}", nameof(scratch));
        if (_bluestein is not null)
        {
            _bluestein.Run(data, scratch, inverse);
            return;
        }
        Span<Complex> source = data, target = scratch[..Length];
        foreach (var stage in _stages)
        {
            stage.Apply(source, target, inverse);
            var t = source;
            source = target;
            target = t;
        }
        if (_stages.Length % 2 == 1) source.CopyTo(data);
    }

    /// <summary>True when <see cref="RunBatch"/> can transform interleaved lines here (radices 2, 3, 4 and 5 only, AVX2/FMA3).</summary>
    internal bool SupportsBatch { get; }

    /// <summary>
    /// Transforms <paramref name="width"/> lines stored interleaved (element e of line t at e width + t, width even)
    /// from <paramref name="data"/>, ping-ponging with <paramref name="scratch"/> (at least n width values), and
    /// returns the one of the two that holds the result (no copy back). Only where <see cref="SupportsBatch"/>.
    /// </summary>
    internal Span<Complex> RunBatch(Span<Complex> data, int width, Span<Complex> scratch, bool inverse)
    {
        int size = Length * width;
        Span<Complex> source = data[..size], target = scratch[..size];
        foreach (var stage in _stages)
        {
            stage.ApplyBatch(source, target, width, inverse);
            var t = source;
            source = target;
            target = t;
        }
        return source;
    }

    /// <summary>Prime factors of n with pairs of 2 merged into 4, fours first, then 2, then odd primes ascending.</summary>
    internal static List<int> Factor(int n)
    {
        var factors = new List<int>();
        while (n % 4 == 0) { factors.Add(4); n /= 4; }
        if (n % 2 == 0) { factors.Add(2); n /= 2; }
        for (int p = 3; (long)p * p <= n; p += 2)
            while (n % p == 0) { factors.Add(p); n /= p; }
        if (n > 1) factors.Add(n);
        return factors;
    }

    private static FftStage[] BuildStages(int n, List<int> factors)
    {
        var stages = new FftStage[factors.Count];
        int l1 = 1;
        for (int s = 0; s < factors.Count; s++)
        {
            int p = factors[s];
            int ido = n / (l1 * p);
            stages[s] = new FftStage(p, l1, ido, n);
            l1 *= p;
        }
        return stages;
    }

    /// <summary>exp(sign 2 pi i m / n), with m reduced modulo n first so that large products stay accurate.</summary>
    internal static Complex Root(long m, long n, int sign)
    {
        m %= n;
        if (m < 0) m += n;
        var (sin, cos) = Math.SinCos(2 * Math.PI * m / n);
        return new Complex(cos, sign * sin);
    }
}
