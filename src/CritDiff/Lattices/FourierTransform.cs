using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace CritDiff.Lattices;

/// <summary>
/// Unitary d-dimensional discrete Fourier transform on a <see cref="Lattice"/> (SCIENCE.md section 2):
/// phi~(k) = V^{-1/2} sum_x exp(-i k.x) phi(x), and its inverse with exp(+i k.x).
/// Built from Math.NET's 1-D FFT (radix-2 for powers of two, Bluestein otherwise), applied along each
/// axis with 1/sqrt(L) per axis, so any L works. Modes are indexed like sites (row-major).
/// Instances hold no mutable state and are safe to share between threads.
/// </summary>
public sealed class FourierTransform
{
    /// <summary>Creates the transform for a lattice.</summary>
    public FourierTransform(Lattice lattice)
    {
        Lattice = lattice ?? throw new ArgumentNullException(nameof(lattice));
        int length = lattice.Length;
        if (length >= 2 && (length & (length - 1)) == 0)
        {
            // Power-of-two lines: an iterative radix-2 FFT with precomputed twiddles and bit reversal (Math.NET's managed
            // FFT allocates and recomputes per call and was the hot spot of training on samples; other sizes keep it).
            _twiddles = new Complex[length / 2];
            for (int k = 0; k < length / 2; k++) _twiddles[k] = Complex.FromPolarCoordinates(1, -2 * Math.PI * k / length);
            _bitReversed = new int[length];
            int bits = System.Numerics.BitOperations.Log2((uint)length);
            for (int i = 0; i < length; i++)
            {
                int r = 0;
                for (int b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
                _bitReversed[i] = r;
            }
        }
    }

    private readonly Complex[]? _twiddles;
    private readonly int[]? _bitReversed;

    /// <summary>The lattice the fields live on.</summary>
    public Lattice Lattice { get; }

    /// <summary>In-place unitary forward transform of a complex field of length V.</summary>
    public void Forward(Span<Complex> field) => Transform(field, inverse: false);

    /// <summary>In-place unitary inverse transform of a complex field of length V.</summary>
    public void Inverse(Span<Complex> field) => Transform(field, inverse: true);

    /// <summary>Forward transform of a real field into its full (Hermitian) spectrum.</summary>
    public void ForwardReal(ReadOnlySpan<double> field, Span<Complex> spectrum)
    {
        CheckLength(field.Length, nameof(field));
        CheckLength(spectrum.Length, nameof(spectrum));
        for (int i = 0; i < field.Length; i++) spectrum[i] = field[i];
        Transform(spectrum, inverse: false);
    }

    /// <summary>
    /// Inverse transform of a Hermitian spectrum into a real field. <paramref name="scratch"/> (length V)
    /// receives the complex result; the real part is written to <paramref name="field"/>.
    /// </summary>
    public void InverseReal(ReadOnlySpan<Complex> spectrum, Span<double> field, Span<Complex> scratch)
    {
        CheckLength(spectrum.Length, nameof(spectrum));
        CheckLength(field.Length, nameof(field));
        CheckLength(scratch.Length, nameof(scratch));
        spectrum.CopyTo(scratch);
        Transform(scratch, inverse: true);
        for (int i = 0; i < field.Length; i++) field[i] = scratch[i].Real;
    }

    /// <summary>
    /// Forward transforms of a batch of real fields stored back to back (count x V), in parallel over
    /// fields. Returns the spectra, count x V complex numbers.
    /// </summary>
    public Complex[] ForwardRealBatch(ReadOnlySpan<double> fields, int count)
    {
        int v = Lattice.SiteCount;
        if (count < 0 || fields.Length != (long)count * v)
            throw new ArgumentException($"expected {count} x {v} values", nameof(fields));
        var spectra = new Complex[(long)count * v];
        for (int i = 0; i < spectra.Length; i++) spectra[i] = fields[i];
        Parallel.For(0, count, j => Transform(spectra.AsSpan(j * v, v), inverse: false));
        return spectra;
    }

    /// <summary>
    /// Applies a real multiplier that is even in k (m(k) = m(-k)) to two real fields at once:
    /// out = IDFT[m DFT[in]], using one complex transform pair for both (the fields go in as
    /// the real and imaginary parts, which stay separate because m is real and even).
    /// </summary>
    public void ApplyEvenMultiplier(ReadOnlySpan<double> multiplier,
        ReadOnlySpan<double> first, Span<double> firstOut,
        ReadOnlySpan<double> second, Span<double> secondOut, Span<Complex> scratch)
    {
        CheckLength(multiplier.Length, nameof(multiplier));
        CheckLength(first.Length, nameof(first));
        CheckLength(second.Length, nameof(second));
        CheckLength(scratch.Length, nameof(scratch));
        for (int i = 0; i < scratch.Length; i++) scratch[i] = new Complex(first[i], second[i]);
        Transform(scratch, inverse: false);
        for (int i = 0; i < scratch.Length; i++) scratch[i] *= multiplier[i];
        Transform(scratch, inverse: true);
        for (int i = 0; i < scratch.Length; i++)
        {
            firstOut[i] = scratch[i].Real;
            secondOut[i] = scratch[i].Imaginary;
        }
    }

    private void Transform(Span<Complex> field, bool inverse)
    {
        CheckLength(field.Length, nameof(field));
        int length = Lattice.Length;
        int lineCount = Lattice.SiteCount / length;
        // Math.NET works on whole arrays; one line buffer per call keeps this thread-safe.
        var line = new Complex[length];
        double scale = 1 / Math.Sqrt(length);
        for (int axis = 0; axis < Lattice.Dimension; axis++)
        {
            int stride = Lattice.Stride(axis);
            for (int l = 0; l < lineCount; l++)
            {
                // Lines along this axis start at sites whose coordinate on the axis is 0:
                // split l into (outer block above the axis, inner offset below it).
                int start = l / stride * stride * length + l % stride;
                for (int n = 0; n < length; n++) line[n] = field[start + n * stride];
                if (_twiddles is not null)
                {
                    Radix2(line, inverse);
                    for (int n = 0; n < length; n++) field[start + n * stride] = line[n] * scale;
                    continue;
                }
                if (inverse) Fourier.Inverse(line, FourierOptions.Default);
                else Fourier.Forward(line, FourierOptions.Default);
                for (int n = 0; n < length; n++) field[start + n * stride] = line[n];
            }
        }
    }

    /// <summary>Unnormalised in-place DFT of a power-of-two line, sum_n exp(-+2 pi i k n / L) x_n (the sign + for inverse).</summary>
    private void Radix2(Span<Complex> line, bool inverse)
    {
        int length = line.Length;
        var reversed = _bitReversed!;
        for (int i = 0; i < length; i++)
        {
            int j = reversed[i];
            if (j > i) (line[i], line[j]) = (line[j], line[i]);
        }
        var twiddles = _twiddles!;
        for (int half = 1; half < length; half <<= 1)
        {
            int step = length / (2 * half);
            for (int block = 0; block < length; block += 2 * half)
            {
                for (int k = 0; k < half; k++)
                {
                    var w = twiddles[k * step];
                    if (inverse) w = Complex.Conjugate(w);
                    var odd = w * line[block + k + half];
                    var even = line[block + k];
                    line[block + k] = even + odd;
                    line[block + k + half] = even - odd;
                }
            }
        }
    }

    private void CheckLength(int length, string name)
    {
        if (length != Lattice.SiteCount)
            throw new ArgumentException($"expected length V = {Lattice.SiteCount}, got {length}", name);
    }
}
