using System.Numerics;
using System.Runtime.CompilerServices;
using CritDiff.Lattices;
using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>
/// Gradient descent, with optional heavy-ball momentum, on a kernel-basis network whose layers are all full kernels,
/// carried out on the layers' multipliers m_j(k) = sum_y K_j(y) exp(-i k.y) instead of on the kernels: the same
/// trajectory without the two FFTs per layer and step that the kernel path costs (issue 14).
/// <para>
/// Why it is the same: the kernel gradient is g_j(y) = Re sum_k G_j(k) exp(+i k.y) (see <see cref="ConvolutionNetwork"/>),
/// so its multiplier is sum_y g_j(y) exp(-i k.y) = V (G_j(k) + conj G_j(-k)) / 2 = 2 (a(k) m(k) + conj x(k)) conj M_j(k)
/// with a(k) = (A(k) + A(-k)) / 2 and x(k) = (X(k) + conj X(-k)) / 2 the moments symmetrised over k and -k, m the
/// product multiplier and M_j the product of the other layers'. The map K -> m is linear, so K - eta v (momentum v
/// &lt;- mu v + g) maps to m - eta v~ with v~ &lt;- mu v~ + g~ mode by mode: population GD of a full one-layer network
/// is m(k) &lt;- m(k) - 2 eta (S(k) m(k) + 1) (SCIENCE.md section 5). Only rounding differs from the kernel path.
/// </para>
/// <para>
/// Real kernels have Hermitian multipliers, so only the modes with k_last in 0..L/2 are kept, each pair (k, -k) once
/// with weight 2 in the loss, the columns k_last = 0 and L/2 (which hold both k and -k) with weight 1. The update
/// keeps them Hermitian exactly: the values at k and -k are computed from the same operands, conjugated.
/// </para>
/// <para>
/// The work is memory-bound (a few operations per mode), so a step is one pass over the modes: <see cref="Step"/>
/// updates the multipliers and, in the same pass, evaluates the loss and score error at the new ones for the moments and
/// spectrum of the last <see cref="Evaluate"/>, which the next <see cref="Evaluate"/> with the same arrays returns.
/// </para>
/// </summary>
internal sealed class MultiplierDescent
{
    private readonly Lattice _lattice;
    private readonly FourierTransform _fourier;
    private readonly int _modes, _depth, _length, _half, _rows;
    private readonly int[] _mirrorRow;
    private readonly double[][] _re, _im;
    private readonly double[][]? _velocityRe, _velocityIm;
    private readonly double _momentum;
    // The moments and spectrum of the last Evaluate on the kept modes: a(k), x(k) (null for Cross = 1), s(k), 1/s(k),
    // and s(-k), 1/s(-k) where s is not exactly even. Population moments of an even spectrum share the spectrum's arrays.
    private ModeMoments? _moments;
    private double[]? _spectrum;
    private double[] _a = [], _s = [], _inverseS = [];
    private double[]? _xRe, _xIm, _sMirror, _inverseSMirror;
    // Loss and score error at the present multipliers for those, once a Step has computed them.
    private bool _evaluated;
    private double _loss, _scoreError;

    private MultiplierDescent(ConvolutionNetwork network, NetworkParameters parameters, double momentum)
    {
        _lattice = network.Lattice;
        _fourier = new FourierTransform(_lattice);
        _depth = parameters.Layers.Length;
        _momentum = momentum;
        _length = _lattice.Length;
        _half = _length / 2 + 1;
        _rows = _lattice.SiteCount / _length;
        _modes = _rows * _half;
        _mirrorRow = new int[_rows];
        for (int r = 0; r < _rows; r++) _mirrorRow[r] = _lattice.NegatedMode(r * _length);
        _re = NewLayers();
        _im = NewLayers();
        if (momentum > 0)
        {
            _velocityRe = NewLayers();
            _velocityIm = NewLayers();
        }
        Load(parameters);
    }

    /// <summary>
    /// The multiplier-space form of <paramref name="optimizer"/> on <paramref name="network"/> starting at
    /// <paramref name="parameters"/>, or null where it does not apply (another basis or optimizer, a local layer).
    /// </summary>
    public static MultiplierDescent? TryCreate(ScoreNetwork network, NetworkParameters parameters, Optimizer optimizer) =>
        network is ConvolutionNetwork { HasOnlyFullKernels: true } convolution && optimizer is GradientDescent { Momentum: >= 0 and < 1 } gd
            ? new MultiplierDescent(convolution, parameters, gd.Momentum)
            : null;

    /// <summary>Minibatch moments as the per-mode moments a convolution network trains on.</summary>
    public static ModeMoments PerMode(LossMoments moments) =>
        moments as ModeMoments ?? throw new ArgumentException("a convolution network needs per-mode moments", nameof(moments));

    private double[][] NewLayers()
    {
        var layers = new double[_depth][];
        for (int j = 0; j < _depth; j++) layers[j] = new double[_modes];
        return layers;
    }

    /// <summary>Site index of -k for the kept mode in row r, column c (k = r L + c).</summary>
    private int Mirror(int r, int c) => _mirrorRow[r] + (c == 0 ? 0 : _length - c);

    /// <summary>Weight of a kept mode in sums over all modes: 2 for a pair (k, -k), 1 in the columns 0 and L/2.</summary>
    private double Weight(int c) => c == 0 || 2 * c == _length ? 1 : 2;

    /// <summary>m_j(k) = sum_y K_j(y) exp(-i k.y) = sqrt(V) DFT[K_j](k) on the kept modes.</summary>
    private void Load(NetworkParameters parameters)
    {
        double sqrtV = Math.Sqrt(_lattice.SiteCount);
        var spectrum = new Complex[_lattice.SiteCount];
        for (int j = 0; j < _depth; j++)
        {
            _fourier.ForwardRealHalf(parameters.Layers[j], spectrum);
            for (int r = 0, q = 0; r < _rows; r++)
                for (int c = 0; c < _half; c++, q++)
                {
                    var value = spectrum[r * _length + c];
                    _re[j][q] = sqrtV * value.Real;
                    _im[j][q] = sqrtV * value.Imaginary;
                }
        }
    }

    /// <summary>Writes the kernels K_j = IDFT[m_j] / sqrt(V) into <paramref name="parameters"/>.</summary>
    public void CopyTo(NetworkParameters parameters)
    {
        double inverseSqrtV = 1 / Math.Sqrt(_lattice.SiteCount);
        var spectrum = new Complex[_lattice.SiteCount];
        for (int j = 0; j < _depth; j++)
        {
            for (int r = 0, q = 0; r < _rows; r++)
                for (int c = 0; c < _half; c++, q++)
                    spectrum[r * _length + c] = new Complex(inverseSqrtV * _re[j][q], inverseSqrtV * _im[j][q]);
            _fourier.InverseRealHalf(spectrum, parameters.Layers[j]);
        }
    }

    /// <summary>
    /// The loss at <paramref name="moments"/> and, in <paramref name="scoreError"/>, (1/V) sum_k s(k) |m(k) + 1/s(k)|^2
    /// for the noised spectrum s (as <see cref="ScoreNetwork.ScoreError"/>), both at the present multipliers.
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
                {
                    var (pr, pi) = Product(q);
                    Accumulate(q, Weight(c), pr, pi, ref loss, ref error);
                }
            Finish(loss, error);
        }
        scoreError = _scoreError;
        return _loss;
    }

    /// <summary>
    /// One update m &lt;- m - eta v, v &lt;- mu v + g (v = g without momentum), with g the gradient at the present
    /// multipliers for <paramref name="gradientMoments"/>; in the same pass, the loss and score error at the new
    /// multipliers for the last <see cref="Evaluate"/>'s moments and spectrum.
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
        if (_depth == 1 && _velocityRe is null)
        {
            // The common case, one layer without momentum, with the arrays in locals.
            double[] re = _re[0], im = _im[0];
            for (int r = 0; r < _rows; r++)
            {
                int q = r * _half, k = r * _length, mirrorRow = _mirrorRow[r];
                OneLayerMode(q, k, mirrorRow, 1, re, im, learningRate, signal, cross, remembered, ref loss, ref error);
                for (int c = 1; 2 * c < _length; c++)
                    OneLayerMode(q + c, k + c, mirrorRow + _length - c, 2, re, im, learningRate, signal, cross, remembered, ref loss, ref error);
                if (_length % 2 == 0)
                    OneLayerMode(q + _length / 2, k + _length / 2, mirrorRow + _length / 2, 1, re, im, learningRate, signal, cross, remembered, ref loss, ref error);
            }
        }
        else
        {
            Span<double> old = stackalloc double[2 * _depth];
            for (int r = 0, q = 0; r < _rows; r++)
                for (int c = 0; c < _half; c++, q++)
                {
                    var (a, xr, xi) = GradientMoments(q, r * _length + c, Mirror(r, c), signal, cross, remembered);
                    for (int j = 0; j < _depth; j++) (old[2 * j], old[2 * j + 1]) = (_re[j][q], _im[j][q]);
                    var (pr, pi) = Product(q);
                    double ur = 2 * (a * pr + xr), ui = 2 * (a * pi - xi);
                    for (int j = 0; j < _depth; j++)
                    {
                        // g_j = u conj(M_j), M_j the product of the other layers' (old) multipliers.
                        double or = 1, oi = 0;
                        for (int i = 0; i < _depth; i++)
                        {
                            if (i == j) continue;
                            (or, oi) = (or * old[2 * i] - oi * old[2 * i + 1], or * old[2 * i + 1] + oi * old[2 * i]);
                        }
                        double gr = ur * or + ui * oi, gi = ui * or - ur * oi;
                        if (_velocityRe is not null)
                        {
                            gr = _velocityRe[j][q] = _momentum * _velocityRe[j][q] + gr;
                            gi = _velocityIm![j][q] = _momentum * _velocityIm[j][q] + gi;
                        }
                        _re[j][q] -= learningRate * gr;
                        _im[j][q] -= learningRate * gi;
                    }
                    if (_moments is not null)
                    {
                        (pr, pi) = Product(q);
                        Accumulate(q, Weight(c), pr, pi, ref loss, ref error);
                    }
                }
        }
        if (_moments is not null) Finish(loss, error);
    }

    /// <summary>One layer without momentum at kept mode q (site k, mirror mk): m &lt;- m - eta g, then its share of the sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void OneLayerMode(int q, int k, int mk, double weight, double[] re, double[] im, double learningRate,
        double[] signal, Complex[]? cross, bool remembered, ref double loss, ref double error)
    {
        var (a, xr, xi) = GradientMoments(q, k, mk, signal, cross, remembered);
        double pr = re[q], pi = im[q];
        pr -= learningRate * 2 * (a * pr + xr);
        pi -= learningRate * 2 * (a * pi - xi);
        (re[q], im[q]) = (pr, pi);
        if (_moments is not null) Accumulate(q, weight, pr, pi, ref loss, ref error);
    }

    /// <summary>a(k) and x(k) of the gradient's moments at kept mode q (site k, mirror mk), symmetrised over k and -k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (double A, double XRe, double XIm) GradientMoments(int q, int k, int mk, double[] signal, Complex[]? cross, bool remembered)
    {
        if (remembered) return (_a[q], _xRe is null ? 1 : _xRe[q], _xIm is null ? 0 : _xIm[q]);
        double a = 0.5 * (signal[k] + signal[mk]);
        return cross is null ? (a, 1, 0) : (a, 0.5 * (cross[k].Real + cross[mk].Real), 0.5 * (cross[k].Imaginary - cross[mk].Imaginary));
    }

    /// <summary>The product multiplier m(k) = prod_j m_j(k) at kept mode q.</summary>
    private (double Re, double Im) Product(int q)
    {
        double pr = _re[0][q], pi = _im[0][q];
        for (int j = 1; j < _depth; j++)
        {
            double re = _re[j][q], im = _im[j][q];
            (pr, pi) = (pr * re - pi * im, pr * im + pi * re);
        }
        return (pr, pi);
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
