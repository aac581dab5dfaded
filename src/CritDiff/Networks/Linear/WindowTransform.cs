using System.Numerics;
using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>
/// Fourier sums of a kernel supported on the window |y|_inf &lt;= r, one axis at a time instead of a
/// full FFT. With W = 2r + 1 and the kernel as a dense W^d tensor (the offset order of
/// <see cref="ConvolutionLayer.SupportOffsets"/>: digit c on each axis, y = c for c &lt;= r, c - W
/// above, axis 0 slowest), the multiplier m(k) = sum_y K(y) exp(-i k.y) factorises over axes:
/// transforming axis mu maps shape [L]^mu x [W]^(d-mu) to [L]^(mu+1) x [W]^(d-mu-1), with the
/// phase table E(k, c) = exp(-2 pi i k y(c) / L) (angles reduced mod L exactly). The adjoint, the
/// kernel gradient g(y) = Re sum_k G(k) exp(+i k.y), runs the axes backwards with conj(E). Cost
/// about V W complex multiply-adds each way, against d V log2 L for an FFT; exact same sums.
/// Not thread-safe (scratch buffers): one per network.
/// </summary>
internal sealed class WindowTransform
{
    private readonly int _dimension, _length, _width;
    private readonly Complex[] _phase; // E(k, c) at k * W + c
    private readonly Complex[] _first, _second;

    public WindowTransform(Lattice lattice, int range)
    {
        _dimension = lattice.Dimension;
        _length = lattice.Length;
        _width = 2 * range + 1;
        _phase = new Complex[_length * _width];
        for (int k = 0; k < _length; k++)
            for (int c = 0; c < _width; c++)
            {
                int y = c <= range ? c : c - _width;
                int n = (int)((long)k * y % _length);
                if (n < 0) n += _length;
                var (sin, cos) = Math.SinCos(2 * Math.PI * n / _length);
                _phase[k * _width + c] = new Complex(cos, -sin);
            }
        _first = new Complex[lattice.SiteCount];
        _second = new Complex[lattice.SiteCount];
    }

    /// <summary>True when the window sums cost less than FFTs: windows up to 2r + 1 = 7 (measured crossover at L = 64 is wider).</summary>
    public static bool Pays(int range) => 2 * range + 1 <= 7;

    /// <summary>m(k) = sum_y K(y) exp(-i k.y) for all V modes, from the W^d kernel entries.</summary>
    public void Multiplier(ReadOnlySpan<double> kernel, Span<Complex> multiplier)
    {
        var input = _first.AsSpan(0, kernel.Length);
        for (int i = 0; i < kernel.Length; i++) input[i] = kernel[i];
        int outer = 1, inner = kernel.Length / _width;
        for (int axis = 0; axis < _dimension; axis++)
        {
            var source = axis % 2 == 0 ? _first : _second;
            var target = axis == _dimension - 1 ? multiplier : (axis % 2 == 0 ? _second : _first);
            Forward(source, target, outer, inner);
            outer *= _length;
            inner /= _width;
        }
    }

    /// <summary>g(y) = Re sum_k G(k) exp(+i k.y) at the W^d window offsets.</summary>
    public void Gradient(ReadOnlySpan<Complex> spectrum, Span<double> gradient)
    {
        int outer = spectrum.Length / _length, inner = 1;
        ReadOnlySpan<Complex> source = spectrum;
        for (int axis = _dimension - 1; axis >= 0; axis--)
        {
            var target = axis % 2 == 0 ? _first : _second;
            Adjoint(source, target, outer, inner);
            source = target;
            outer /= _length;
            inner *= _width;
        }
        for (int i = 0; i < gradient.Length; i++) gradient[i] = source[i].Real;
    }

    /// <summary>out[(o L + k) inner + q] = sum_c E(k, c) in[(o W + c) inner + q].</summary>
    private void Forward(ReadOnlySpan<Complex> input, Span<Complex> output, int outer, int inner)
    {
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < _length; k++)
            {
                var row = output.Slice((o * _length + k) * inner, inner);
                row.Clear();
                for (int c = 0; c < _width; c++)
                {
                    var e = _phase[k * _width + c];
                    var column = input.Slice((o * _width + c) * inner, inner);
                    for (int q = 0; q < inner; q++) row[q] += e * column[q];
                }
            }
    }

    /// <summary>out[(o W + c) inner + q] = sum_k conj E(k, c) in[(o L + k) inner + q].</summary>
    private void Adjoint(ReadOnlySpan<Complex> input, Span<Complex> output, int outer, int inner)
    {
        output[..(outer * _width * inner)].Clear();
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < _length; k++)
            {
                var row = input.Slice((o * _length + k) * inner, inner);
                for (int c = 0; c < _width; c++)
                {
                    var e = Complex.Conjugate(_phase[k * _width + c]);
                    var column = output.Slice((o * _width + c) * inner, inner);
                    for (int q = 0; q < inner; q++) column[q] += e * row[q];
                }
            }
    }
}
