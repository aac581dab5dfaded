using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CritDiff.Lattices;

// The last-axis passes of the real transforms: two real rows a, b in one complex transform Z = DFT(a + i b),
// separated by A(k) = (Z(k) + conj Z(-k)) / 2 and B(k) = (Z(k) - conj Z(-k)) / 2i; the inverse builds
// Z = A + i B from the half spectra (A(-k) = conj A(k)) and reads a + i b off IDFT(Z).
public sealed partial class FourierTransform
{
    /// <summary>Last-axis forward transforms of the real rows, scaled by V^{-1/2}, written for k_last in 0..L/2.</summary>
    private void RealRowsForward(ReadOnlySpan<double> field, Span<Complex> spectrum, Span<Complex> work)
    {
        int length = Lattice.Length, half = length / 2 + 1, rows = _negatedRow.Length;
        var scratch = work[.._plan.ScratchLength];
        var line = work.Slice(_plan.ScratchLength, length);
        double h = 0.5 * _scale;
        int r = Batched ? RealRowsForwardBatched(field, spectrum, work) : 0;
        for (; r + 1 < rows; r += 2)
        {
            var a = field.Slice(r * length, length);
            var b = field.Slice((r + 1) * length, length);
            for (int n = 0; n < length; n++) line[n] = new Complex(a[n], b[n]);
            _plan.Forward(line, scratch);
            var outA = spectrum.Slice(r * length, half);
            var outB = spectrum.Slice((r + 1) * length, half);
            for (int k = 0; k < half; k++)
            {
                var z = line[k];
                var m = line[k == 0 ? 0 : length - k];
                outA[k] = new Complex(h * (z.Real + m.Real), h * (z.Imaginary - m.Imaginary));
                outB[k] = new Complex(h * (z.Imaginary + m.Imaginary), h * (m.Real - z.Real));
            }
        }
        if (r < rows)
        {
            var a = field.Slice(r * length, length);
            for (int n = 0; n < length; n++) line[n] = a[n];
            _plan.Forward(line, scratch);
            var outA = spectrum.Slice(r * length, half);
            for (int k = 0; k < half; k++) outA[k] = _scale * line[k];
        }
    }

    /// <summary>
    /// <see cref="RowBlock"/> pairs of real rows per batched transform (line t = row 2t + i row 2t+1 of the block);
    /// returns how many leading rows it did.
    /// </summary>
    private int RealRowsForwardBatched(ReadOnlySpan<double> field, Span<Complex> spectrum, Span<Complex> work)
    {
        int length = Lattice.Length, half = length / 2 + 1, rows = _negatedRow.Length, w = RowBlock;
        int done = rows / (2 * w) * (2 * w);
        var block = work[..(BlockLines * length)];
        var scratch = work[(BlockLines * length)..];
        double h = 0.5 * _scale;
        for (int r0 = 0; r0 < done; r0 += 2 * w)
        {
            ref Complex blockStart = ref MemoryMarshal.GetReference(block);
            for (int t = 0; t < w; t++)
            {
                ref double a = ref Unsafe.AsRef(in field[(r0 + 2 * t) * length]);
                ref double b = ref Unsafe.Add(ref a, length);
                ref Complex line = ref Unsafe.Add(ref blockStart, t);
                for (int n = 0; n < length; n++)
                    Unsafe.Add(ref line, n * w) = new Complex(Unsafe.Add(ref a, n), Unsafe.Add(ref b, n));
            }
            var result = _plan.RunBatch(block, w, scratch, inverse: false);
            ref Complex resultStart = ref MemoryMarshal.GetReference(result);
            // A = h (z + conj m), B = h (z - conj m) / i with m = Z(-k): lanes (re, im) of the sums below.
            var hv = Vector128.Create(h);
            var conjugate = Vector128.Create(0.0, -0.0);
            for (int t = 0; t < w; t++)
            {
                ref Complex outA = ref spectrum[(r0 + 2 * t) * length];
                ref Complex outB = ref Unsafe.Add(ref outA, length);
                ref Complex line = ref Unsafe.Add(ref resultStart, t);
                for (int k = 0; k < half; k++)
                {
                    var z = Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref line, k * w));
                    var m = Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref line, (k == 0 ? 0 : length - k) * w)) ^ conjugate;
                    var sum = (z + m) * hv;
                    var diff = (z - m) * hv; // (zr - mr, zi + mi); divided by i: (zi + mi, mr - zr)
                    Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref outA, k)) = sum;
                    Unsafe.Add(ref outB, k) = new Complex(diff.GetElement(1), -diff.GetElement(0));
                }
            }
        }
        return done;
    }

    /// <summary>Fills k_last in L/2+1..L-1 from phi~(-k) = conj phi~(k).</summary>
    private void FillConjugateHalf(Span<Complex> spectrum)
    {
        int length = Lattice.Length, half = length / 2 + 1;
        var conjugate = Vector128.Create(0.0, -0.0); // flips the sign bit of the imaginary part
        ref Complex origin = ref MemoryMarshal.GetReference(spectrum);
        for (int r = 0; r < _negatedRow.Length; r++)
        {
            ref Complex row = ref Unsafe.Add(ref origin, r * length);
            ref Complex mirror = ref Unsafe.Add(ref origin, _negatedRow[r] * length + length);
            for (int c = half; c < length; c++)
            {
                var v = Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref mirror, -c));
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref row, c)) = v ^ conjugate;
            }
        }
    }

    /// <summary>Last-axis inverse transforms from half rows (k_last in 0..L/2) of Hermitian rows to real rows, scaled by V^{-1/2}.</summary>
    private void RealRowsInverse(ReadOnlySpan<Complex> halfRows, Span<double> field, Span<Complex> work)
    {
        int length = Lattice.Length, half = length / 2 + 1, rows = _negatedRow.Length;
        var scratch = work[.._plan.ScratchLength];
        var line = work.Slice(_plan.ScratchLength, length);
        double s = _scale;
        int r = Batched ? RealRowsInverseBatched(halfRows, field, work) : 0;
        for (; r + 1 < rows; r += 2)
        {
            var a = halfRows.Slice(r * length, half);
            var b = halfRows.Slice((r + 1) * length, half);
            for (int k = 0; k < half; k++) line[k] = new Complex(a[k].Real - b[k].Imaginary, a[k].Imaginary + b[k].Real);
            // k >= half: A(k) = conj A(L - k), so Z(k) = conj A(L-k) + i conj B(L-k).
            for (int k = half; k < length; k++)
            {
                var ac = a[length - k];
                var bc = b[length - k];
                line[k] = new Complex(ac.Real + bc.Imaginary, bc.Real - ac.Imaginary);
            }
            _plan.Inverse(line, scratch);
            var outA = field.Slice(r * length, length);
            var outB = field.Slice((r + 1) * length, length);
            for (int n = 0; n < length; n++)
            {
                outA[n] = s * line[n].Real;
                outB[n] = s * line[n].Imaginary;
            }
        }
        if (r < rows)
        {
            var a = halfRows.Slice(r * length, half);
            for (int k = 0; k < half; k++) line[k] = a[k];
            for (int k = half; k < length; k++) line[k] = Complex.Conjugate(a[length - k]);
            _plan.Inverse(line, scratch);
            var outA = field.Slice(r * length, length);
            for (int n = 0; n < length; n++) outA[n] = s * line[n].Real;
        }
    }

    /// <summary><see cref="RealRowsInverse"/> on <see cref="RowBlock"/> pairs of rows per batched transform; returns the rows done.</summary>
    private int RealRowsInverseBatched(ReadOnlySpan<Complex> halfRows, Span<double> field, Span<Complex> work)
    {
        int length = Lattice.Length, half = length / 2 + 1, rows = _negatedRow.Length, w = RowBlock;
        int done = rows / (2 * w) * (2 * w);
        var block = work[..(BlockLines * length)];
        var scratch = work[(BlockLines * length)..];
        double s = _scale;
        for (int r0 = 0; r0 < done; r0 += 2 * w)
        {
            for (int t = 0; t < w; t++)
            {
                var a = halfRows.Slice((r0 + 2 * t) * length, half);
                var b = halfRows.Slice((r0 + 2 * t + 1) * length, half);
                for (int k = 0; k < half; k++) block[k * w + t] = new Complex(a[k].Real - b[k].Imaginary, a[k].Imaginary + b[k].Real);
                for (int k = half; k < length; k++)
                {
                    var ac = a[length - k];
                    var bc = b[length - k];
                    block[k * w + t] = new Complex(ac.Real + bc.Imaginary, bc.Real - ac.Imaginary);
                }
            }
            var result = _plan.RunBatch(block, w, scratch, inverse: true);
            for (int t = 0; t < w; t++)
            {
                var outA = field.Slice((r0 + 2 * t) * length, length);
                var outB = field.Slice((r0 + 2 * t + 1) * length, length);
                for (int n = 0; n < length; n++)
                {
                    var z = result[n * w + t];
                    outA[n] = s * z.Real;
                    outB[n] = s * z.Imaginary;
                }
            }
        }
        return done;
    }
}
