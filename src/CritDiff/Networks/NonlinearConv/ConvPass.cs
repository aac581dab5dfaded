using System.Numerics.Tensors;

namespace CritDiff.Networks;

/// <summary>
/// One worker's scratch and the per-sample passes of <see cref="NonlinearConvNetwork"/>: forward (filling a sample's
/// cache block), backward (adding the sample's parameter VJP into gradient arrays) and the exact Jacobian diagonal.
/// Every shifted sum runs over the wide layout of <see cref="ConvGeometry"/> through <see cref="ConvKernels"/>:
/// (K * h)_o = sum_i sum_e K[o, i, e] h_i(. + e) as one register-blocked pass per output channel, kernel gradients
/// as blocked dot products of the widened upstream with shifted padded inputs.
/// A sample's cache block holds x padded (n W^d), then per hidden layer z (C V, compact) and h padded (C W^d).
/// </summary>
internal sealed class ConvPass
{
    private readonly NonlinearConvNetwork _net;
    private readonly ConvGeometry _g;
    private readonly int _n, _c, _depth, _v, _vp, _nw, _e;
    private readonly double[] _wide;       // accumulation, wide layout
    private readonly double[] _wideGrad;   // max(n, C) wide arrays whose garbage entries stay zero (for dot products)
    private readonly double[] _paddedGrad; // max(n, C) padded arrays
    private readonly double[] _dh, _dz, _deriv, _scratch; // C V each
    private readonly double[] _block;      // a private cache block (Jacobian diagonal)
    private readonly double[] _score;      // n V
    private readonly double[] _derivs;     // D C V: sigma'(z^l), Jacobian diagonal and JVP
    private readonly double[] _tangentIn;  // max(n, C) W^d: padded tangent entering a layer
    private readonly double[] _tangentX;   // n W^d: padded input tangent (JVP)
    private readonly double[] _weights;    // max(n, C) E: gathered kernel weights

    public ConvPass(NonlinearConvNetwork net, ConvGeometry geometry)
    {
        _net = net;
        _g = geometry;
        _n = net.Components;
        _c = net.Spec.Channels;
        _depth = net.Spec.Depth;
        _v = geometry.SiteCount;
        _vp = geometry.PaddedStride;
        _nw = geometry.WideStride;
        _e = geometry.OffsetCount;
        int widest = Math.Max(_n, _c);
        _wide = new double[_nw];
        _wideGrad = new double[widest * _nw];
        _paddedGrad = new double[widest * _vp];
        _dh = new double[_c * _v];
        _dz = new double[_c * _v];
        _deriv = new double[_c * _v];
        _scratch = new double[_c * _v];
        _block = new double[BlockLength(net.Components, net.Spec, geometry)];
        _score = new double[_n * _v];
        _derivs = new double[_depth * _c * _v];
        _tangentIn = new double[widest * _vp];
        _weights = new double[widest * _e];
        _tangentX = new double[_n * _vp];
    }

    /// <summary>Doubles in one sample's cache block.</summary>
    public static long BlockLength(int components, ConvSpec spec, ConvGeometry g) =>
        (long)components * g.PaddedStride + (long)spec.Depth * spec.Channels * (g.SiteCount + g.PaddedStride);

    private int XpAt => 0;
    private int ZAt(int layer) => _n * _vp + (layer - 1) * _c * (_v + _vp);
    private int HpAt(int layer) => layer == 0 ? XpAt : ZAt(layer) + _c * _v;
    private int Channels(int layer) => layer == 0 ? _n : _c;

    /// <summary>Forward pass of one sample: fills <paramref name="block"/> and writes s.</summary>
    public void Forward(NetworkParameters p, ReadOnlySpan<double> x, Span<double> block, Span<double> score)
    {
        for (int i = 0; i < _n; i++) _g.Pad(x.Slice(i * _v, _v), block.Slice(XpAt + i * _vp, _vp));
        var activation = _net.Spec.Activation;
        for (int l = 1; l <= _depth; l++)
        {
            var kernel = p.Layers[_net.KernelIndex(l)];
            var bias = _net.Spec.Odd ? null : p.Layers[_net.KernelIndex(l) + 1];
            ReadOnlySpan<double> input = block.Slice(HpAt(l - 1), Channels(l - 1) * _vp);
            var z = block.Slice(ZAt(l), _c * _v);
            var hp = block.Slice(HpAt(l), _c * _vp);
            var h = _scratch.AsSpan(0, _v);
            for (int o = 0; o < _c; o++)
            {
                // One channel at a time, so z, sigma(z) and the padded copy are made while in L1.
                _wide.AsSpan().Fill(bias is null ? 0 : bias[o]);
                Accumulate(input, Channels(l - 1), kernel, o, 0, Channels(l - 1), _wide, reversed: false);
                var zo = z.Slice(o * _v, _v);
                _g.Unwide(_wide, zo);
                ActivationFunctions.Apply(activation, zo, h);
                _g.Pad(h, hp.Slice(o * _vp, _vp));
            }
        }
        ReadOnlySpan<double> hidden = block.Slice(HpAt(_depth), _c * _vp);
        ReadOnlySpan<double> xp = block.Slice(XpAt, _n * _vp);
        var kOut = p.Layers[_net.OutputIndex];
        var k0 = p.Layers[_net.OutputIndex + 1];
        for (int a = 0; a < _n; a++)
        {
            Array.Clear(_wide);
            Accumulate(hidden, _c, kOut, a, 0, _c, _wide, reversed: false);
            Accumulate(xp, _n, k0, a, 0, _n, _wide, reversed: false);
            _g.Unwide(_wide, score.Slice(a * _v, _v));
        }
    }

    /// <summary>Adds (d s / d theta)^T u of one cached sample into <paramref name="gradient"/> (this model's layout).</summary>
    public void Backward(NetworkParameters p, ReadOnlySpan<double> block, ReadOnlySpan<double> upstream, double[][] gradient)
    {
        ReadOnlySpan<double> xp = block.Slice(XpAt, _n * _vp);
        ReadOnlySpan<double> hidden = block.Slice(HpAt(_depth), _c * _vp);
        for (int a = 0; a < _n; a++)
        {
            _g.Widen(upstream.Slice(a * _v, _v), _wideGrad.AsSpan(a * _nw, _nw));
            _g.Pad(upstream.Slice(a * _v, _v), _paddedGrad.AsSpan(a * _vp, _vp));
        }
        KernelGradient(_n, hidden, _c, gradient[_net.OutputIndex]);
        KernelGradient(_n, xp, _n, gradient[_net.OutputIndex + 1]);
        Transpose(p.Layers[_net.OutputIndex], _n, _c, _dh);
        var activation = _net.Spec.Activation;
        for (int l = _depth; l >= 1; l--)
        {
            ReadOnlySpan<double> z = block.Slice(ZAt(l), _c * _v);
            for (int o = 0; o < _c; o++) _g.Unpad(block.Slice(HpAt(l) + o * _vp, _vp), _scratch.AsSpan(o * _v, _v));
            ActivationFunctions.Derivative(activation, z, _scratch, _deriv, _dz);
            TensorPrimitives.Multiply(_dh, _deriv, _dz);
            int inChannels = Channels(l - 1);
            var kernelGradient = gradient[_net.KernelIndex(l)];
            for (int o = 0; o < _c; o++)
            {
                var dz = _dz.AsSpan(o * _v, _v);
                if (!_net.Spec.Odd) gradient[_net.KernelIndex(l) + 1][o] += TensorPrimitives.Sum<double>(dz);
                _g.Widen(dz, _wideGrad.AsSpan(o * _nw, _nw));
                if (l > 1) _g.Pad(dz, _paddedGrad.AsSpan(o * _vp, _vp));
            }
            KernelGradient(_c, block.Slice(HpAt(l - 1), inChannels * _vp), inChannels, kernelGradient);
            if (l > 1) Transpose(p.Layers[_net.KernelIndex(l)], _c, _c, _dh);
        }
    }

    /// <summary>The exact d s_a(x) / d x_a(x) of one sample (n V values).</summary>
    public void JacobianDiagonal(NetworkParameters p, ReadOnlySpan<double> x, Span<double> diagonal)
    {
        Forward(p, x, _block, _score);
        if (_depth == 1) ClosedFormDiagonal(p, diagonal);
        else ColouredDiagonal(p, diagonal);
    }

    /// <summary>
    /// D = 1: d s_a(x)/d x_a(x) = K_0[a, a, 0] + sum_c sum_e K_out[a, c, e] K_1[c, a, -e] sigma'(z_c(x + e)),
    /// since z_c(x + e) contains K_1[c, a, e'] x_a(x + e + e') and only e' = -e hits x. O(n C E V).
    /// </summary>
    private void ClosedFormDiagonal(NetworkParameters p, Span<double> diagonal)
    {
        SigmaPrime(1, _deriv);
        for (int c = 0; c < _c; c++) _g.Pad(_deriv.AsSpan(c * _v, _v), _paddedGrad.AsSpan(c * _vp, _vp));
        var k1 = p.Layers[_net.KernelIndex(1)];
        var kOut = p.Layers[_net.OutputIndex];
        var k0 = p.Layers[_net.OutputIndex + 1];
        for (int a = 0; a < _n; a++)
        {
            _wide.AsSpan().Fill(k0[(a * _n + a) * _e + _g.Center]);
            for (int c = 0; c < _c; c++)
                for (int e = 0; e < _e; e++)
                    _weights[c * _e + e] = kOut[(a * _c + c) * _e + e] * k1[(c * _n + a) * _e + (_e - 1 - e)];
            ConvKernels.Accumulate(_paddedGrad, _vp, _weights.AsSpan(0, _c * _e), _c, _g.Start, _wide);
            _g.Unwide(_wide, diagonal.Slice(a * _v, _v));
        }
    }

    /// <summary>
    /// D &gt;= 2: forward-mode JVPs with a colouring. s(x) depends on x only within |y - x|_inf &lt;= (D + 1) R, so a
    /// tangent equal to 1 on component a at every site of one colour class (sites equal modulo P on every axis,
    /// P the smallest divisor of L with P &gt;= (D + 1) R + 1) gives at each site x of the class exactly
    /// d s_a(x) / d x_a(x). Cost: n P^d JVPs, each about one forward pass.
    /// </summary>
    private void ColouredDiagonal(NetworkParameters p, Span<double> diagonal)
    {
        for (int l = 1; l <= _depth; l++) SigmaPrime(l, _derivs.AsSpan((l - 1) * _c * _v, _c * _v));
        var kOut = p.Layers[_net.OutputIndex];
        var k0 = p.Layers[_net.OutputIndex + 1];
        var colours = _net.ColourClasses;
        for (int a = 0; a < _n; a++)
            foreach (var sites in colours)
            {
                // Tangent of x: one on component a at the class sites (input channel a alone is non-zero).
                Array.Clear(_score);
                foreach (int x in sites) _score[a * _v + x] = 1;
                Array.Clear(_tangentIn);
                _g.Pad(_score.AsSpan(a * _v, _v), _tangentIn.AsSpan(a * _vp, _vp));
                _tangentIn.AsSpan(0, _n * _vp).CopyTo(_paddedGrad); // keep dx for the skip K_0
                for (int l = 1; l <= _depth; l++)
                {
                    var kernel = p.Layers[_net.KernelIndex(l)];
                    int inChannels = Channels(l - 1);
                    int from = l == 1 ? a : 0, to = l == 1 ? a + 1 : inChannels;
                    for (int o = 0; o < _c; o++)
                    {
                        Array.Clear(_wide);
                        Accumulate(_tangentIn, inChannels, kernel, o, from, to, _wide, reversed: false);
                        _g.Unwide(_wide, _dz.AsSpan(o * _v, _v));
                    }
                    TensorPrimitives.Multiply(_dz, _derivs.AsSpan((l - 1) * _c * _v, _c * _v), _dz);
                    for (int o = 0; o < _c; o++) _g.Pad(_dz.AsSpan(o * _v, _v), _tangentIn.AsSpan(o * _vp, _vp));
                }
                Array.Clear(_wide);
                Accumulate(_tangentIn, _c, kOut, a, 0, _c, _wide, reversed: false);
                Accumulate(_paddedGrad, _n, k0, a, a, a + 1, _wide, reversed: false);
                foreach (int x in sites) diagonal[a * _v + x] = _wide[_g.WideIndex(x)];
            }
    }

    /// <summary>
    /// The Jacobian-vector product (d s / d x) v of one sample (n V values): dz^l = sigma'(z^l) (K_l * dh^(l-1)),
    /// dh^0 = v, ds = K_out * dh^D + K_0 * v.
    /// </summary>
    public void JacobianVectorProduct(NetworkParameters p, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, Span<double> product)
    {
        Forward(p, x, _block, _score);
        for (int l = 1; l <= _depth; l++) SigmaPrime(l, _derivs.AsSpan((l - 1) * _c * _v, _c * _v));
        for (int i = 0; i < _n; i++) _g.Pad(tangent.Slice(i * _v, _v), _tangentX.AsSpan(i * _vp, _vp));
        for (int l = 1; l <= _depth; l++)
        {
            var kernel = p.Layers[_net.KernelIndex(l)];
            int inChannels = Channels(l - 1);
            ReadOnlySpan<double> input = l == 1 ? _tangentX : _tangentIn;
            for (int o = 0; o < _c; o++)
            {
                Array.Clear(_wide);
                Accumulate(input, inChannels, kernel, o, 0, inChannels, _wide, reversed: false);
                _g.Unwide(_wide, _dz.AsSpan(o * _v, _v));
            }
            TensorPrimitives.Multiply(_dz, _derivs.AsSpan((l - 1) * _c * _v, _c * _v), _dz);
            for (int o = 0; o < _c; o++) _g.Pad(_dz.AsSpan(o * _v, _v), _tangentIn.AsSpan(o * _vp, _vp));
        }
        var kOut = p.Layers[_net.OutputIndex];
        var k0 = p.Layers[_net.OutputIndex + 1];
        for (int a = 0; a < _n; a++)
        {
            Array.Clear(_wide);
            Accumulate(_tangentIn, _c, kOut, a, 0, _c, _wide, reversed: false);
            Accumulate(_tangentX, _n, k0, a, 0, _n, _wide, reversed: false);
            _g.Unwide(_wide, product.Slice(a * _v, _v));
        }
    }

    /// <summary>sigma'(z^l) of the private cache block into <paramref name="destination"/> (C V).</summary>
    private void SigmaPrime(int layer, Span<double> destination)
    {
        for (int o = 0; o < _c; o++) _g.Unpad(_block.AsSpan(HpAt(layer) + o * _vp, _vp), _scratch.AsSpan(o * _v, _v));
        ActivationFunctions.Derivative(_net.Spec.Activation, _block.AsSpan(ZAt(layer), _c * _v), _scratch, destination, _dz);
    }

    /// <summary>
    /// wide += sum_{i in [from, to)} sum_e K[o, i, e] input_i(. + e) (or input_i(. - e) when reversed), for kernel
    /// layout [out, in, e] with <paramref name="inChannels"/> inputs.
    /// </summary>
    private void Accumulate(ReadOnlySpan<double> input, int inChannels, double[] kernel, int o, int from, int to, Span<double> wide, bool reversed)
    {
        ConvKernels.Accumulate(input.Slice(from * _vp), _vp, kernel.AsSpan((o * inChannels + from) * _e, (to - from) * _e), to - from,
            reversed ? _g.ReversedStart : _g.Start, wide);
    }

    /// <summary>
    /// grad K[o, i, e] += sum_x g_o(x) h_i(x + e) for o &lt; <paramref name="outChannels"/>: dot products of the
    /// widened upstream (<see cref="_wideGrad"/>) with shifted padded inputs.
    /// </summary>
    private void KernelGradient(int outChannels, ReadOnlySpan<double> input, int inChannels, double[] gradient)
    {
        for (int o = 0; o < outChannels; o++)
        {
            ReadOnlySpan<double> g = _wideGrad.AsSpan(o * _nw, _nw);
            for (int i = 0; i < inChannels; i++)
                ConvKernels.Correlate(g, input.Slice(i * _vp), _g.Start, gradient.AsSpan((o * inChannels + i) * _e, _e));
        }
    }

    /// <summary>
    /// dh_i(y) = sum_o sum_e K[o, i, e] g_o(y - e) for i &lt; <paramref name="inChannels"/> from the padded upstream
    /// (<see cref="_paddedGrad"/>, <paramref name="outChannels"/> channels), into <paramref name="dh"/> (compact).
    /// </summary>
    private void Transpose(double[] kernel, int outChannels, int inChannels, Span<double> dh)
    {
        for (int i = 0; i < inChannels; i++)
        {
            Array.Clear(_wide);
            for (int o = 0; o < outChannels; o++) kernel.AsSpan((o * inChannels + i) * _e, _e).CopyTo(_weights.AsSpan(o * _e, _e));
            ConvKernels.Accumulate(_paddedGrad, _vp, _weights.AsSpan(0, outChannels * _e), outChannels, _g.ReversedStart, _wide);
            _g.Unwide(_wide, dh.Slice(i * _v, _v));
        }
    }
}
