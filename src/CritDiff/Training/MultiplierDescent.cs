using System.Numerics;
using System.Runtime.CompilerServices;
using CritDiff.Lattices;
using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>
/// Gradient descent, with optional heavy-ball momentum, on a kernel-basis network of one full kernel K, carried out on
/// its multiplier m(k) = sum_y K(y) exp(-i k.y) instead of on the kernel: the same trajectory without the two FFTs per
/// step that the kernel path costs (issue 14).
/// <para>
/// Why it is the same: the kernel gradient is g(y) = Re sum_k G(k) exp(+i k.y) (see <see cref="LinearConvolutionNetwork"/>), so
/// its multiplier is sum_y g(y) exp(-i k.y) = V (G(k) + conj G(-k)) / 2 = 2 (a(k) m(k) + conj x(k)), with a(k) = (A(k) +
/// A(-k)) / 2 and x(k) = (X(k) + conj X(-k)) / 2 the moments symmetrised over k and -k. The map K -> m is linear, so
/// K - eta v (momentum v &lt;- mu v + g) maps to m - eta v~ with v~ &lt;- mu v~ + g~ mode by mode: population GD is
/// m(k) &lt;- m(k) - 2 eta (S(k) m(k) + 1) (docs/science.md section 5). Only rounding differs from the kernel path, and the
/// dynamics are linear, so rounding cannot change whether a run converges or diverges.
/// </para>
/// <para>
/// Not for two or more layers, although the same algebra holds there (g~_j = 2 (a m + conj x) conj M_j, M_j the other
/// layers' product): from the balanced start the multiplier path keeps the invariant set K_2 = -K_1 exactly, while the
/// kernel path's FFT rounding seeds the growth across it that makes two-layer GD diverge above a rate of about 0.59
/// (reproduce's stability scans, L = 8-64); on the multipliers the scans found 0.79-1.0. The same trajectory in exact
/// arithmetic, but not the same divergence, so deeper networks keep the kernel path.
/// </para>
/// <para>
/// A real kernel has a Hermitian multiplier, so only the modes with k_last in 0..L/2 are kept, each pair (k, -k) once
/// with weight 2 in the loss, the columns k_last = 0 and L/2 (which hold both k and -k) with weight 1. The update keeps
/// them Hermitian exactly: the values at k and -k are computed from the same operands, conjugated.
/// </para>
/// <para>
/// The work is memory-bound (a few operations per mode), so a step is one pass over the modes: <see cref="Step"/>
/// updates the multiplier and, in the same pass, evaluates the loss and score error at the new one for the moments and
/// spectrum of the last <see cref="Evaluate"/>, which the next <see cref="Evaluate"/> with the same arrays returns.
/// </para>
/// </summary>
internal sealed class MultiplierDescent
{
    private readonly Lattice _lattice;
    private readonly FourierTransform _fourier;
    private readonly int _modes, _length, _half, _rows;
    private readonly int[] _mirrorRow;
    private readonly double[] _re, _im;
    private readonly double[]? _velocityRe, _velocityIm;
    private readonly double _momentum;
    // The moments and spectrum of the last Evaluate on the kept modes: a(k), x(k) (null for Cross = 1), s(k), 1/s(k),
    // and s(-k), 1/s(-k) where s is not exactly even. Population moments of an even spectrum share the spectrum's arrays.
    private ModeMoments? _moments;
    private double[]? _spectrum;
    private double[] _a = [], _s = [], _inverseS = [];
    private double[]? _xRe, _xIm, _sMirror, _inverseSMirror;
    // Loss and score error at the present multiplier for those, once a Step has computed them.
    private bool _evaluated;
    private double _loss, _scoreError;

    private MultiplierDescent(LinearConvolutionNetwork network, NetworkParameters parameters, double momentum)
    {
        _lattice = network.Lattice;
        _fourier = new FourierTransform(_lattice);
        _momentum = momentum;
        _length = _lattice.Length;
        _half = _length / 2 + 1;
        _rows = _lattice.SiteCount / _length;
        _modes = _rows * _half;
        _mirrorRow = new int[_rows];
        for (int r = 0; r < _rows; r++) _mirrorRow[r] = _lattice.NegatedMode(r * _length);
        _re = new double[_modes];
        _im = new double[_modes];
        if (momentum > 0)
        {
            _velocityRe = new double[_modes];
            _velocityIm = new double[_modes];
        }
        Load(parameters.Layers[0]);
    }

    /// <summary>
    /// The multiplier-space form of <paramref name="optimizer"/> on <paramref name="network"/> starting at
    /// <paramref name="parameters"/>, or null where it does not apply (another basis or optimizer, a local layer, more
    /// than one layer).
    /// </summary>
    public static MultiplierDescent? TryCreate(LinearMomentNetwork network, NetworkParameters parameters, Optimizer optimizer) =>
        network is LinearConvolutionNetwork { HasOnlyFullKernels: true } convolution && convolution.Architecture.Depth == 1 &&
        optimizer is GradientDescent { Momentum: >= 0 and < 1 } gd
            ? new MultiplierDescent(convolution, parameters, gd.Momentum)
            : null;

    /// <summary>Minibatch moments as the per-mode moments a convolution network trains on.</summary>
    public static ModeMoments PerMode(LossMoments moments) =>
        moments as ModeMoments ?? throw new ArgumentException("a convolution network needs per-mode moments", nameof(moments));

    /// <summary>Site index of -k for the kept mode in row r, column c (k = r L + c).</summary>
    private int Mirror(int r, int c) => _mirrorRow[r] + (c == 0 ? 0 : _length - c);

    /// <summary>m(k) = sum_y K(y) exp(-i k.y) = sqrt(V) DFT[K](k) on the kept modes.</summary>
    private void Load(double[] kernel)
    {
        double sqrtV = Math.Sqrt(_lattice.SiteCount);
        var spectrum = new Complex[_lattice.SiteCount];
        _fourier.ForwardRealHalf(kernel, spectrum);
        for (int r = 0, q = 0; r < _rows; r++)
            for (int c = 0; c < _half; c++, q++)
            {
                var value = spectrum[r * _length + c];
                _re[q] = sqrtV * value.Real;
                _im[q] = sqrtV * value.Imaginary;
            }
    }

    /// <summary>Writes the kernel K = IDFT[m] / sqrt(V) into <paramref name="parameters"/>.</summary>
    public void CopyTo(NetworkParameters parameters)
    {
        double inverseSqrtV = 1 / Math.Sqrt(_lattice.SiteCount);
        var spectrum = new Complex[_lattice.SiteCount];
        for (int r = 0, q = 0; r < _rows; r++)
            for (int c = 0; c < _half; c++, q++)
                spectrum[r * _length + c] = new Complex(inverseSqrtV * _re[q], inverseSqrtV * _im[q]);
        _fourier.InverseRealHalf(spectrum, parameters.Layers[0]);
    }

    /// <summary>
    /// The loss at <paramref name="moments"/> and, in <paramref name="scoreError"/>, (1/V) sum_k s(k) |m(k) + 1/s(k)|^2
    /// for the noised spectrum s (as <see cref="LinearMomentNetwork.ScoreError"/>), both at the present multiplier.
    /// </summary>
    public double Evaluate(ModeMoments moments, double[] noisedSpectrum, out double scoreError)
    {
        if (!ReferenceEquals(moments, _moments) || !ReferenceEquals(noisedSpectrum, _spectrum))
        {
            Remember(moments, noisedSpectrum);
            _evaluated = false;
        }
        if (!_evaluated)
        {
            double loss = 0, error = 0;
            for (int r = 0, q = 0; r < _rows; r++)
                for (int c = 0; c < _half; c++, q++)
                    Accumulate(q, c == 0 || 2 * c == _length ? 1 : 2, _re[q], _im[q], ref loss, ref error);
            Finish(loss, error);
        }
        scoreError = _scoreError;
        return _loss;
    }

    /// <summary>
    /// One update m &lt;- m - eta v, v &lt;- mu v + g (v = g without momentum), with g the gradient at the present
    /// multiplier for <paramref name="gradientMoments"/>; in the same pass, the loss and score error at the new
    /// multiplier for the last <see cref="Evaluate"/>'s moments and spectrum.
    /// </summary>
    public void Step(double learningRate, ModeMoments gradientMoments)
    {
        int v = _lattice.SiteCount;
        var signal = gradientMoments.Signal;
        var cross = gradientMoments.Cross;
        if (signal.Length != v || (cross is not null && cross.Length != v))
            throw new ArgumentException($"moments must have V = {v} modes", nameof(gradientMoments));
        bool remembered = ReferenceEquals(gradientMoments, _moments);
        double loss = 0, error = 0;
        // Row by row: column 0, the pairs (weight 2), and column L/2 for even L, with the arrays in locals.
        double[] re = _re, im = _im;
        for (int r = 0; r < _rows; r++)
        {
            int q = r * _half, k = r * _length, mirrorRow = _mirrorRow[r];
            StepMode(q, k, mirrorRow, 1, re, im, learningRate, signal, cross, remembered, ref loss, ref error);
            for (int c = 1; 2 * c < _length; c++)
                StepMode(q + c, k + c, mirrorRow + _length - c, 2, re, im, learningRate, signal, cross, remembered, ref loss, ref error);
            if (_length % 2 == 0)
                StepMode(q + _length / 2, k + _length / 2, mirrorRow + _length / 2, 1, re, im, learningRate, signal, cross, remembered, ref loss, ref error);
        }
        if (_moments is not null) Finish(loss, error);
    }

    /// <summary>Kept mode q (site k, mirror mk): m &lt;- m - eta v with v = g or mu v + g, then its share of the sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StepMode(int q, int k, int mk, double weight, double[] re, double[] im, double learningRate,
        double[] signal, Complex[]? cross, bool remembered, ref double loss, ref double error)
    {
        double a, xr, xi;
        if (remembered)
        {
            (a, xr, xi) = (_a[q], _xRe is null ? 1 : _xRe[q], _xIm is null ? 0 : _xIm[q]);
        }
        else
        {
            a = 0.5 * (signal[k] + signal[mk]);
            (xr, xi) = cross is null ? (1, 0) : (0.5 * (cross[k].Real + cross[mk].Real), 0.5 * (cross[k].Imaginary - cross[mk].Imaginary));
        }
        double pr = re[q], pi = im[q];
        double gr = 2 * (a * pr + xr), gi = 2 * (a * pi - xi);
        if (_velocityRe is not null)
        {
            gr = _velocityRe[q] = _momentum * _velocityRe[q] + gr;
            gi = _velocityIm![q] = _momentum * _velocityIm[q] + gi;
        }
        pr -= learningRate * gr;
        pi -= learningRate * gi;
        (re[q], im[q]) = (pr, pi);
        if (_moments is not null) Accumulate(q, weight, pr, pi, ref loss, ref error);
    }

    /// <summary>
    /// Adds kept mode q's share of the loss sum, a |m|^2 + 2 Re(m x), and of the score error, s |m + 1/s|^2 (a pair adds
    /// s(-k) |conj m + 1/s(-k)|^2 = s(-k) |m + 1/s(-k)|^2). Summed in this form, not expanded, so that a small error is
    /// not the difference of large terms.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Accumulate(int q, double weight, double pr, double pi, ref double loss, ref double error)
    {
        double norm = pr * pr + pi * pi;
        double linear = _xRe is null ? pr : pr * _xRe[q] - pi * _xIm![q];
        loss += weight * (_a[q] * norm + 2 * linear);
        double pi2 = pi * pi, dr = pr + _inverseS[q];
        double term = _s[q] * (dr * dr + pi2);
        if (weight == 2)
        {
            if (_sMirror is null)
            {
                term *= 2;
            }
            else
            {
                double dm = pr + _inverseSMirror![q];
                term += _sMirror[q] * (dm * dm + pi2);
            }
        }
        error += term;
    }

    private void Finish(double loss, double error)
    {
        double v = _lattice.SiteCount;
        (_loss, _scoreError, _evaluated) = (loss / v + _moments!.NoiseTerm, error / v, true);
    }

    /// <summary>Symmetrises <paramref name="moments"/> and tabulates <paramref name="noisedSpectrum"/> on the kept modes.</summary>
    private void Remember(ModeMoments moments, double[] noisedSpectrum)
    {
        int v = _lattice.SiteCount;
        var signal = moments.Signal;
        if (signal.Length != v || (moments.Cross is { } c0 && c0.Length != v) || noisedSpectrum.Length != v)
            throw new ArgumentException($"moments and spectrum must have V = {v} modes");
        bool even = true;
        for (int k = 0; k < v && even; k++) even = noisedSpectrum[k] == noisedSpectrum[_lattice.NegatedMode(k)];
        (_s, _inverseS) = (new double[_modes], new double[_modes]);
        (_sMirror, _inverseSMirror) = even ? (null, null) : (new double[_modes], new double[_modes]);
        bool shared = even && ReferenceEquals(signal, noisedSpectrum);
        _a = shared ? _s : new double[_modes];
        (_xRe, _xIm) = moments.Cross is null ? (null, null) : (new double[_modes], new double[_modes]);
        for (int r = 0, q = 0; r < _rows; r++)
            for (int c = 0; c < _half; c++, q++)
            {
                int k = r * _length + c, mk = Mirror(r, c);
                _s[q] = noisedSpectrum[k];
                _inverseS[q] = 1 / noisedSpectrum[k];
                if (_sMirror is not null)
                {
                    _sMirror[q] = noisedSpectrum[mk];
                    _inverseSMirror![q] = 1 / noisedSpectrum[mk];
                }
                if (!shared) _a[q] = 0.5 * (signal[k] + signal[mk]);
                if (moments.Cross is { } cross)
                {
                    _xRe![q] = 0.5 * (cross[k].Real + cross[mk].Real);
                    _xIm![q] = 0.5 * (cross[k].Imaginary - cross[mk].Imaginary);
                }
            }
        (_moments, _spectrum) = (moments, noisedSpectrum);
    }
}
