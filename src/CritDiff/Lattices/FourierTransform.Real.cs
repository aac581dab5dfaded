using System.Numerics;

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
        int r = _plan.SupportsBatch ? RealRowsForwardBatched(field, spectrum, work) : 0;
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
            for (int t = 0; t < w; t++)
            {
                var a = field.Slice((r0 + 2 * t) * length, length);
                var b = field.Slice((r0 + 2 * t + 1) * length, length);
                for (int n = 0; n < length; n++) block[n * w + t] = new Complex(a[n], b[n]);
            }
            var result = _plan.RunBatch(block, w, scratch, inverse: false);
            for (int t = 0; t < w; t++)
            {
                var outA = spectrum.Slice((r0 + 2 * t) * length, half);
                var outB = spectrum.Slice((r0 + 2 * t + 1) * length, half);
                for (int k = 0; k < half; k++)
                {
                    var z = result[k * w + t];
                    var m = result[(k == 0 ? 0 : length - k) * w + t];
                    outA[k] = new Complex(h * (z.Real + m.Real), h * (z.Imaginary - m.Imaginary));
                    outB[k] = new Complex(h * (z.Imaginary + m.Imaginary), h * (m.Real - z.Real));
                }
            }
        }
        return done;
    }

    /// <summary>Fills k_last in L/2+1..L-1 from phi~(-k) = conj phi~(k).</summary>
    private void FillConjugateHalf(Span<Complex> spectrum)
    {
        int length = Lattice.Length, half = length / 2 + 1;
        for (int r = 0; r < _negatedRow.Length; r++)
        {
            var row = spectrum.Slice(r * length, length);
            var mirror = spectrum.Slice(_negatedRow[r] * length, length);
            for (int c = half; c < length; c++) row[c] = Complex.Conjugate(mirror[length - c]);
        }
    }

    /// <summary>Last-axis inverse transforms from half rows (k_last in 0..L/2) of Hermitian rows to real rows, scaled by V^{-1/2}.</summary>
    private void RealRowsInverse(ReadOnlySpan<Complex> halfRows, Span<double> field, Span<Complex> work)
    {
        int length = Lattice.Length, half = length / 2 + 1, rows = _negatedRow.Length;
        var scratch = work[.._plan.ScratchLength];
        var line = work.Slice(_plan.ScratchLength, length);
        double s = _scale;
        int r = _plan.SupportsBatch ? RealRowsInverseBatched(halfRows, field, work) : 0;
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
