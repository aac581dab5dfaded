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
        int r = 0;
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
        int r = 0;
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
}
