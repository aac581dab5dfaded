using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Generation;

/// <summary>
/// The Fourier modes of a real field grouped as pairs (k, -k), whose coefficients are complex
/// conjugates, and self-conjugate modes (k = -k), whose coefficients are real. A Hermitian spectrum is
/// stored compactly as a state of P + P + S = V reals: Re y~(k) of every pair representative, then Im y~(k),
/// then the S self-conjugate values. Steps act on the state (SIMD over pairs, no partner writes); the
/// full spectrum is only assembled at the end.
/// </summary>
internal sealed class HermitianPairs
{
    private readonly int[] _pairs;
    private readonly int[] _partners;
    private readonly int[] _selfConjugate;

    public HermitianPairs(Lattice lattice)
    {
        var modes = new HermitianModes(lattice);
        _pairs = modes.Pairs;
        _partners = modes.Partners;
        _selfConjugate = modes.SelfConjugate;
    }

    /// <summary>Number of pairs P.</summary>
    public int PairCount => _pairs.Length;

    /// <summary>Length of one step's coefficient table (<see cref="StepTable"/>): 3P + 2S.</summary>
    public int TableLength => 3 * _pairs.Length + 2 * _selfConjugate.Length;

    /// <summary>Position in a step table of sqrt(noise) of the mode k = 0 (always self-conjugate, listed first).</summary>
    public int ZeroModeNoiseIndex => 3 * _pairs.Length + _selfConjugate.Length;

    /// <summary>
    /// One step's per-mode map y~ &lt;- gain y~ + sqrt(noise) xi in pair order: Re gain (P), Im gain (P),
    /// sqrt(noise / 2) per real part of a pair (P), then the real gain and sqrt(noise) of each self-conjugate mode.
    /// </summary>
    public void StepTable(ReadOnlySpan<Complex> gains, ReadOnlySpan<double> noise, Span<double> table)
    {
        int p = _pairs.Length, s = _selfConjugate.Length;
        for (int i = 0; i < p; i++)
        {
            int k = _pairs[i];
            table[i] = gains[k].Real;
            table[p + i] = gains[k].Imaginary;
            table[2 * p + i] = Math.Sqrt(0.5 * noise[k]);
        }
        for (int i = 0; i < s; i++)
        {
            int k = _selfConjugate[i];
            table[3 * p + i] = gains[k].Real;
            table[3 * p + s + i] = Math.Sqrt(noise[k]);
        }
    }

    /// <summary>White Hermitian state times <paramref name="scale"/>: E|y~(k)|^2 = scale^2 on every mode.</summary>
    public void DrawWhite(ref RandomStream rng, Span<double> state, double scale)
    {
        rng.FillGaussian(state);
        int p = _pairs.Length;
        double half = scale * Math.Sqrt(0.5);
        for (int i = 0; i < 2 * p; i++) state[i] *= half;
        for (int i = 2 * p; i < state.Length; i++) state[i] *= scale;
    }

    /// <summary>Pairs advanced per block: a block of 64 states (8 KB each) and its table slices stay in the L2 cache.</summary>
    public const int BlockPairs = 512;

    /// <summary>Working memory of <see cref="AdvancePairs"/> and <see cref="AdvanceSelfConjugate"/>: one block of normals.</summary>
    public int NoiseLength => Math.Max(2 * BlockPairs, _selfConjugate.Length);

    /// <summary>
    /// One step of <see cref="StepTable"/>'s map on the pairs start..start + count - 1 of a state (count at most
    /// <see cref="BlockPairs"/>), with Hermitian white noise unless <paramref name="noisy"/> is false: 2 count normals
    /// are drawn into <paramref name="noise"/> (the real parts' noise, then the imaginary parts'), then applied.
    /// </summary>
    public void AdvancePairs(ref RandomStream rng, Span<double> state, ReadOnlySpan<double> table, int start, int count,
        bool noisy, Span<double> noise)
    {
        int p = _pairs.Length;
        ref double re = ref MemoryMarshal.GetReference(state);
        ref double im = ref Unsafe.Add(ref re, p);
        ref double gr = ref MemoryMarshal.GetReference(table);
        ref double gi = ref Unsafe.Add(ref gr, p);
        ref double sd = ref Unsafe.Add(ref gr, 2 * p);
        var block = noise[..(2 * count)];
        if (noisy) rng.FillGaussian(block);
        else block.Clear();
        ref double n1 = ref MemoryMarshal.GetReference(block);
        ref double n2 = ref Unsafe.Add(ref n1, count);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 4 <= count; i += 4)
            {
                nuint at = (nuint)(start + i);
                var a = Vector256.LoadUnsafe(ref re, at);
                var b = Vector256.LoadUnsafe(ref im, at);
                var c = Vector256.LoadUnsafe(ref gr, at);
                var d = Vector256.LoadUnsafe(ref gi, at);
                var w = Vector256.LoadUnsafe(ref sd, at);
                (c * a - d * b + w * Vector256.LoadUnsafe(ref n1, (nuint)i)).StoreUnsafe(ref re, at);
                (c * b + d * a + w * Vector256.LoadUnsafe(ref n2, (nuint)i)).StoreUnsafe(ref im, at);
            }
        for (; i < count; i++)
        {
            int at = start + i;
            double a = Unsafe.Add(ref re, at), b = Unsafe.Add(ref im, at);
            double c = Unsafe.Add(ref gr, at), d = Unsafe.Add(ref gi, at), w = Unsafe.Add(ref sd, at);
            Unsafe.Add(ref re, at) = c * a - d * b + w * Unsafe.Add(ref n1, i);
            Unsafe.Add(ref im, at) = c * b + d * a + w * Unsafe.Add(ref n2, i);
        }
    }

    /// <summary>One step of <see cref="StepTable"/>'s map on the self-conjugate modes of a state (S normals drawn).</summary>
    public void AdvanceSelfConjugate(ref RandomStream rng, Span<double> state, ReadOnlySpan<double> table, bool noisy, Span<double> noise)
    {
        int p = _pairs.Length, s = _selfConjugate.Length;
        var block = noise[..s];
        if (noisy) rng.FillGaussian(block);
        else block.Clear();
        for (int j = 0; j < s; j++)
            state[2 * p + j] = table[3 * p + j] * state[2 * p + j] + table[3 * p + s + j] * block[j];
    }

    /// <summary>
    /// The full spectrum first + i second of two states (second may be empty: then only first), so that one complex
    /// inverse transform gives the first configuration in its real part and the second in its imaginary part.
    /// </summary>
    public void Combine(ReadOnlySpan<double> first, ReadOnlySpan<double> second, Span<Complex> spectrum)
    {
        int p = _pairs.Length;
        bool two = !second.IsEmpty;
        for (int i = 0; i < p; i++)
        {
            var a = new Complex(first[i], first[p + i]);
            var b = two ? new Complex(second[i], second[p + i]) : Complex.Zero;
            // y_a(k) + i y_b(k) at k, and conj y_a(k) + i conj y_b(k) at -k.
            spectrum[_pairs[i]] = new Complex(a.Real - b.Imaginary, a.Imaginary + b.Real);
            spectrum[_partners[i]] = new Complex(a.Real + b.Imaginary, -a.Imaginary + b.Real);
        }
        for (int j = 0; j < _selfConjugate.Length; j++)
            spectrum[_selfConjugate[j]] = new Complex(first[2 * p + j], two ? second[2 * p + j] : 0);
    }

    /// <summary>Calls <paramref name="visit"/>(k, degrees of freedom) once per independent mode: 1 for self-conjugate, 2 for a pair (k, -k).</summary>
    public void ForEachIndependent(Action<int, int> visit)
    {
        foreach (int k in _selfConjugate) visit(k, 1);
        foreach (int k in _pairs) visit(k, 2);
    }
}
