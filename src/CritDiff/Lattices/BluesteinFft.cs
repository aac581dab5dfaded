using System.Numerics;

namespace CritDiff.Lattices;

/// <summary>
/// Bluestein's chirp-z DFT of any length n as a circular convolution of length m (a power of two, m >= 2n - 1):
/// with w_j = exp(-i pi j^2 / n), jk = (j^2 + k^2 - (k - j)^2) / 2 gives X_k = w_k sum_j (x_j w_j) conj(w_{k-j}).
/// The inverse is conj(forward(conj x)). Immutable; the caller provides 2m complex values of scratch.
/// </summary>
internal sealed class BluesteinFft
{
    private readonly int _n;
    private readonly int _m;
    private readonly FftPlan _inner;
    private readonly Complex[] _chirp;
    private readonly Complex[] _kernelSpectrum;

    public BluesteinFft(int n)
    {
        _n = n;
        _m = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * n - 1));
        _inner = new FftPlan(_m);
        _chirp = new Complex[n];
        // exp(-i pi j^2 / n) = exp(-2 pi i (j^2 mod 2n) / 2n): reducing j^2 keeps the phase exact for large j.
        for (int j = 0; j < n; j++) _chirp[j] = FftPlan.Root((long)j * j, 2L * n, -1);
        var kernel = new Complex[_m];
        kernel[0] = Complex.Conjugate(_chirp[0]);
        for (int j = 1; j < n; j++) kernel[j] = kernel[_m - j] = Complex.Conjugate(_chirp[j]);
        _inner.Forward(kernel, new Complex[_inner.ScratchLength]);
        // The inverse inner transform is unnormalised: fold its 1/m into the kernel.
        for (int k = 0; k < _m; k++) kernel[k] /= _m;
        _kernelSpectrum = kernel;
    }

    public int ScratchLength => _m + _inner.ScratchLength;

    public void Run(Span<Complex> data, Span<Complex> scratch, bool inverse)
    {
        var work = scratch[.._m];
        var innerScratch = scratch[_m..];
        var chirp = _chirp;
        for (int j = 0; j < _n; j++)
        {
            var x = inverse ? Complex.Conjugate(data[j]) : data[j];
            work[j] = x * chirp[j];
        }
        work[_n..].Clear();
        _inner.Forward(work, innerScratch);
        var kernel = _kernelSpectrum;
        for (int k = 0; k < _m; k++) work[k] *= kernel[k];
        _inner.Inverse(work, innerScratch);
        for (int k = 0; k < _n; k++)
        {
            var y = work[k] * chirp[k];
            data[k] = inverse ? Complex.Conjugate(y) : y;
        }
    }
}
