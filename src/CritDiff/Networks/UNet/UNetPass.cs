using System.Numerics.Tensors;

namespace CritDiff.Networks;

/// <summary>
/// One worker's scratch and the per-sample passes of <see cref="UNetNetwork"/>: forward (filling the sample's cache,
/// <see cref="UNetCache"/>), backward (adding the sample's parameter VJP into gradient arrays) and forward-mode tangent
/// passes (Jacobian-vector products and the exact Jacobian diagonal, from a private cache).
/// </summary>
internal sealed class UNetPass
{
    private readonly UNetNetwork _net;
    private readonly UNetLayout _p;
    private readonly UNetCache _m;
    private readonly UNetLevel[] _levels;
    private readonly Activation _act;
    private readonly int _n, _c, _depth, _film;
    private readonly bool _odd;
    private readonly double[] _h, _t1, _t2, _t3, _t4;  // C V_0 each
    private readonly double[][] _skip;                 // C V_l per level l < levels
    private readonly double[] _wide, _wideGrad, _paddedGrad, _weights, _de;
    private readonly double[] _block, _unit, _product;  // tangent passes: a private cache, a tangent, a product (n V_0)

    public UNetPass(UNetNetwork net)
    {
        _net = net;
        _p = net.Layout;
        _m = net.Cache;
        _levels = net.Levels;
        _odd = net.Spec.Odd;
        _act = _odd ? Activation.Tanh : Activation.Silu;
        _n = net.Components;
        _c = net.Spec.Channels;
        _depth = net.Spec.Levels;
        _film = _p.FilmWidth;
        var top = _levels[0];
        int widest = Math.Max(_n, _c), cv = _c * top.SiteCount;
        _h = new double[cv];
        _t1 = new double[cv];
        _t2 = new double[cv];
        _t3 = new double[cv];
        _t4 = new double[cv];
        _skip = Enumerable.Range(0, _depth).Select(l => new double[_c * _levels[l].SiteCount]).ToArray();
        _wide = new double[4 * top.WideStride];
        _wideGrad = new double[widest * top.WideStride];
        _paddedGrad = new double[widest * top.PaddedStride];
        _weights = new double[4 * widest * top.Geometry.OffsetCount];
        _de = new double[_c];
        _block = new double[_m.Length];
        _unit = new double[_n * top.SiteCount];
        _product = new double[_n * top.SiteCount];
    }

    /// <summary>The forward pass of one sample: fills <paramref name="block"/> and writes net(x, c).</summary>
    public void Forward(NetworkParameters p, ReadOnlySpan<double> x, double c, Span<double> block, Span<double> output)
    {
        var w = p.Layers;
        Condition(w, c, block);
        var top = _levels[0];
        var xp = block.Slice(_m.XpAt, _n * top.PaddedStride);
        top.Pad(x, xp, _n);
        Span<double> h = _h.AsSpan(0, _c * top.SiteCount);
        top.Convolve(xp, _n, w[_p.LiftKernel], UNetLayout.At(w, _p.LiftBias), _c, h, _wide, _weights);
        for (int l = 0; l < _depth; l++)
        {
            Block(w, l, block, h);
            h.CopyTo(_skip[l]);
            h = _h.AsSpan(0, _c * _levels[l + 1].SiteCount);
            _levels[l].Pool(_skip[l], h, _c, Math.Pow(2, -Dimension));
        }
        Block(w, _depth, block, h);
        for (int l = _depth - 1; l >= 0; l--)
        {
            _levels[l].Upsample(h, _skip[l], _c, 1, add: true);
            h = _skip[l];
            Block(w, 2 * _depth - l, block, h);
        }
        var final = block.Slice(_m.FinalAt, h.Length);
        h.CopyTo(final);
        ActivationFunctions.Apply(_act, h, _t1.AsSpan(0, h.Length));
        var afp = block.Slice(_m.FinalAt + h.Length, _c * top.PaddedStride);
        top.Pad(_t1, afp, _c);
        top.Convolve(afp, _c, w[_p.OutputKernel], [], _n, output, _wide, _weights);
    }

    /// <summary>Adds (d net / d theta)^T u of one cached sample into <paramref name="gradient"/> (the network's layout).</summary>
    public void Backward(NetworkParameters p, ReadOnlySpan<double> block, ReadOnlySpan<double> upstream, double[][] gradient)
    {
        var w = p.Layers;
        var top = _levels[0];
        int cv = _c * top.SiteCount;
        top.Widen(upstream, _wideGrad, _n);
        top.Pad(upstream, _paddedGrad, _n);
        var afp = block.Slice(_m.FinalAt + cv, _c * top.PaddedStride);
        top.KernelGradient(_wideGrad, _n, afp, _c, gradient[_p.OutputKernel]);
        Span<double> dh = _h.AsSpan(0, cv);
        top.ConvolveTransposed(_paddedGrad, _n, w[_p.OutputKernel], _c, dh, _wide, _weights);
        ActivationDerivative(block.Slice(_m.FinalAt, cv), _t2.AsSpan(0, cv));
        TensorPrimitives.Multiply(dh, _t2.AsSpan(0, cv), dh);
        Array.Clear(_de);
        for (int l = 0; l < _depth; l++)
        {
            BlockBackward(w, 2 * _depth - l, block, dh, gradient);
            dh.CopyTo(_skip[l]);
            dh = _h.AsSpan(0, _c * _levels[l + 1].SiteCount);
            _levels[l].Pool(_skip[l], dh, _c, 1);
        }
        BlockBackward(w, _depth, block, dh, gradient);
        for (int l = _depth - 1; l >= 0; l--)
        {
            _levels[l].Upsample(dh, _skip[l], _c, Math.Pow(2, -Dimension), add: true);
            dh = _skip[l];
            BlockBackward(w, l, block, dh, gradient);
        }
        if (!_odd)
        {
            var bias = gradient[_p.LiftBias];
            for (int o = 0; o < _c; o++) bias[o] += TensorPrimitives.Sum<double>(dh.Slice(o * top.SiteCount, top.SiteCount));
        }
        top.Widen(dh, _wideGrad, _c);
        top.KernelGradient(_wideGrad, _c, block.Slice(_m.XpAt, _n * top.PaddedStride), _n, gradient[_p.LiftKernel]);
        EmbeddingBackward(block, gradient);
    }

    /// <summary>(d net(x, c) / d x) v of one sample, by a forward pass into a private cache and one tangent pass.</summary>
    public void JacobianVectorProduct(NetworkParameters p, ReadOnlySpan<double> x, double c, ReadOnlySpan<double> tangent, Span<double> product)
    {
        Forward(p, x, c, _block, _product);
        Tangent(p.Layers, tangent, product);
    }

    /// <summary>The exact d net_j(x, c) / d x_j of one sample: one forward pass, then a tangent pass per value j.</summary>
    public void JacobianDiagonal(NetworkParameters p, ReadOnlySpan<double> x, double c, Span<double> diagonal)
    {
        Forward(p, x, c, _block, _product);
        Array.Clear(_unit);
        for (int j = 0; j < _unit.Length; j++)
        {
            _unit[j] = 1;
            Tangent(p.Layers, _unit, _product);
            diagonal[j] = _product[j];
            _unit[j] = 0;
        }
    }

    /// <summary>Doubles in one sample's cache.</summary>
    public static long BlockLength(UNetNetwork net) => net.Cache.Length;

    private int Dimension => _levels[0].Lattice.Dimension;

    /// <summary>phi(c), u = W_e phi + b_e, e = SiLU(u) and each block's FiLM outputs W_f e + b_f, into the cache.</summary>
    private void Condition(double[][] w, double c, Span<double> block)
    {
        var frequencies = _net.Frequencies;
        int half = frequencies.Length, e = 2 * half;
        var phi = block.Slice(_m.PhiAt, e);
        for (int k = 0; k < half; k++)
        {
            phi[k] = Math.Sin(frequencies[k] * c);
            phi[half + k] = Math.Cos(frequencies[k] * c);
        }
        var u = block.Slice(_m.UAt, _c);
        var embedding = block.Slice(_m.EmbeddingAt, _c);
        var we = w[_p.EmbeddingWeights];
        var be = UNetLayout.At(w, _p.EmbeddingBias);
        for (int j = 0; j < _c; j++)
        {
            u[j] = (be.Length == 0 ? 0 : be[j]) + TensorPrimitives.Dot(we.AsSpan(j * e, e), phi);
            embedding[j] = u[j] / (1 + Math.Exp(-u[j]));
        }
        for (int b = 0; b < 2 * _depth + 1; b++)
        {
            var wf = w[_p.FilmWeights(b)];
            var bf = UNetLayout.At(w, _p.FilmBias(b));
            var film = block.Slice(_m.FilmAt + b * _film, _film);
            for (int r = 0; r < _film; r++) film[r] = (bf.Length == 0 ? 0 : bf[r]) + TensorPrimitives.Dot(wf.AsSpan(r * _c, _c), embedding);
        }
    }

    /// <summary>h += conv2(act((1 + scale) conv1(act(h)) + shift)) for block b, caching its activations.</summary>
    private void Block(double[][] w, int b, Span<double> block, Span<double> h)
    {
        var level = _levels[UNetCache.LevelOf(_net.Spec, b)];
        int v = level.SiteCount, cv = _c * v, cp = _c * level.PaddedStride, at = _m.BlockAt(b);
        h.CopyTo(block.Slice(at, cv));
        var a = _t1.AsSpan(0, cv);
        ActivationFunctions.Apply(_act, h, a);
        var ap = block.Slice(at + cv, cp);
        level.Pad(a, ap, _c);
        var z = block.Slice(at + cv + cp, cv);
        level.Convolve(ap, _c, w[_p.Conv1Kernel(b)], UNetLayout.At(w, _p.Conv1Bias(b)), _c, z, _wide, _weights);
        var f = block.Slice(at + 2 * cv + cp, cv);
        ReadOnlySpan<double> film = block.Slice(_m.FilmAt + b * _film, _film);
        for (int o = 0; o < _c; o++)
        {
            var fo = f.Slice(o * v, v);
            TensorPrimitives.Multiply(z.Slice(o * v, v), 1 + film[o], fo);
            if (!_odd) TensorPrimitives.Add(fo, film[_c + o], fo);
        }
        ActivationFunctions.Apply(_act, f, a);
        var gp = block.Slice(at + 3 * cv + cp, cp);
        level.Pad(a, gp, _c);
        var y = _t2.AsSpan(0, cv);
        level.Convolve(gp, _c, w[_p.Conv2Kernel(b)], UNetLayout.At(w, _p.Conv2Bias(b)), _c, y, _wide, _weights);
        TensorPrimitives.Add(h, y, h);
    }

    /// <summary>
    /// Block b's backward pass: <paramref name="dh"/> holds d/d(block output) and becomes d/d(block input); adds the block's
    /// parameter gradients and its FiLM upstream d/d e into <see cref="_de"/>.
    /// </summary>
    private void BlockBackward(double[][] w, int b, ReadOnlySpan<double> block, Span<double> dh, double[][] gradient)
    {
        var level = _levels[UNetCache.LevelOf(_net.Spec, b)];
        int v = level.SiteCount, cv = _c * v, cp = _c * level.PaddedStride, at = _m.BlockAt(b);
        var hIn = block.Slice(at, cv);
        var ap = block.Slice(at + cv, cp);
        var z = block.Slice(at + cv + cp, cv);
        var f = block.Slice(at + 2 * cv + cp, cv);
        var gp = block.Slice(at + 3 * cv + cp, cp);
        AddChannelSums(dh, v, UNetLayout.At(gradient, _p.Conv2Bias(b)));
        level.Widen(dh, _wideGrad, _c);
        level.Pad(dh, _paddedGrad, _c);
        level.KernelGradient(_wideGrad, _c, gp, _c, gradient[_p.Conv2Kernel(b)]);
        var df = _t1.AsSpan(0, cv);
        level.ConvolveTransposed(_paddedGrad, _c, w[_p.Conv2Kernel(b)], _c, df, _wide, _weights);
        var derivative = _t2.AsSpan(0, cv);
        ActivationDerivative(f, derivative);
        TensorPrimitives.Multiply(df, derivative, df);

        ReadOnlySpan<double> film = block.Slice(_m.FilmAt + b * _film, _film);
        ReadOnlySpan<double> embedding = block.Slice(_m.EmbeddingAt, _c);
        var wf = w[_p.FilmWeights(b)];
        var gwf = gradient[_p.FilmWeights(b)];
        var gbf = UNetLayout.At(gradient, _p.FilmBias(b));
        for (int o = 0; o < _c; o++)
        {
            var dfo = df.Slice(o * v, v);
            double dScale = TensorPrimitives.Dot(dfo, z.Slice(o * v, v));
            FilmRowBackward(wf, gwf, gbf, o, dScale, embedding);
            if (!_odd) FilmRowBackward(wf, gwf, gbf, _c + o, TensorPrimitives.Sum<double>(dfo), embedding);
            TensorPrimitives.Multiply(dfo, 1 + film[o], dfo); // now dz
        }
        AddChannelSums(df, v, UNetLayout.At(gradient, _p.Conv1Bias(b)));
        level.Widen(df, _wideGrad, _c);
        level.Pad(df, _paddedGrad, _c);
        level.KernelGradient(_wideGrad, _c, ap, _c, gradient[_p.Conv1Kernel(b)]);
        var da = _t2.AsSpan(0, cv);
        level.ConvolveTransposed(_paddedGrad, _c, w[_p.Conv1Kernel(b)], _c, da, _wide, _weights);
        var hDerivative = _t1.AsSpan(0, cv);
        ActivationDerivative(hIn, hDerivative);
        TensorPrimitives.MultiplyAdd(da, hDerivative, dh, dh);
    }

    /// <summary>FiLM row r = W_f[r] e + b_f[r] with upstream g: grad W_f[r] += g e, grad b_f[r] += g, d e += g W_f[r].</summary>
    private void FilmRowBackward(double[] wf, double[] gwf, double[] gbf, int r, double g, ReadOnlySpan<double> embedding)
    {
        var row = gwf.AsSpan(r * _c, _c);
        TensorPrimitives.MultiplyAdd(embedding, g, row, row);
        if (gbf.Length > 0) gbf[r] += g;
        TensorPrimitives.MultiplyAdd(wf.AsSpan(r * _c, _c), g, _de, _de);
    }

    /// <summary>The embedding layer's gradients from d/d e (<see cref="_de"/>): du = de SiLU'(u), grad W_e += du phi^T, grad b_e += du.</summary>
    private void EmbeddingBackward(ReadOnlySpan<double> block, double[][] gradient)
    {
        int e = _net.Spec.EmbeddingSize;
        var phi = block.Slice(_m.PhiAt, e);
        var u = block.Slice(_m.UAt, _c);
        var gwe = gradient[_p.EmbeddingWeights];
        var gbe = UNetLayout.At(gradient, _p.EmbeddingBias);
        for (int j = 0; j < _c; j++)
        {
            double du = _de[j] * Activation.Silu.Derivative(u[j]);
            var row = gwe.AsSpan(j * e, e);
            TensorPrimitives.MultiplyAdd(phi, du, row, row);
            if (gbe.Length > 0) gbe[j] += du;
        }
    }

    /// <summary>The tangent pass: (d net / d x) v for the sample whose forward pass filled <see cref="_block"/>.</summary>
    private void Tangent(double[][] w, ReadOnlySpan<double> tangent, Span<double> product)
    {
        var top = _levels[0];
        top.Pad(tangent, _paddedGrad, _n);
        Span<double> t = _h.AsSpan(0, _c * top.SiteCount);
        top.Convolve(_paddedGrad, _n, w[_p.LiftKernel], [], _c, t, _wide, _weights);
        for (int l = 0; l < _depth; l++)
        {
            TangentBlock(w, l, t);
            t.CopyTo(_skip[l]);
            t = _h.AsSpan(0, _c * _levels[l + 1].SiteCount);
            _levels[l].Pool(_skip[l], t, _c, Math.Pow(2, -Dimension));
        }
        TangentBlock(w, _depth, t);
        for (int l = _depth - 1; l >= 0; l--)
        {
            _levels[l].Upsample(t, _skip[l], _c, 1, add: true);
            t = _skip[l];
            TangentBlock(w, 2 * _depth - l, t);
        }
        var derivative = _t2.AsSpan(0, t.Length);
        ActivationDerivative(_block.AsSpan(_m.FinalAt, t.Length), derivative);
        TensorPrimitives.Multiply(t, derivative, derivative);
        top.Pad(derivative, _paddedGrad, _c);
        top.Convolve(_paddedGrad, _c, w[_p.OutputKernel], [], _n, product, _wide, _weights);
    }

    /// <summary>Block b's tangent: t += conv2(act'(f) (1 + scale) conv1(act'(h) t)) (no biases).</summary>
    private void TangentBlock(double[][] w, int b, Span<double> t)
    {
        var level = _levels[UNetCache.LevelOf(_net.Spec, b)];
        int v = level.SiteCount, cv = _c * v, cp = _c * level.PaddedStride, at = _m.BlockAt(b);
        var derivative = _t2.AsSpan(0, cv);
        var u = _t1.AsSpan(0, cv);
        ActivationDerivative(_block.AsSpan(at, cv), derivative);
        TensorPrimitives.Multiply(t, derivative, u);
        level.Pad(u, _paddedGrad, _c);
        level.Convolve(_paddedGrad, _c, w[_p.Conv1Kernel(b)], [], _c, u, _wide, _weights);
        var film = _block.AsSpan(_m.FilmAt + b * _film, _film);
        for (int o = 0; o < _c; o++) TensorPrimitives.Multiply(u.Slice(o * v, v), 1 + film[o], u.Slice(o * v, v));
        ActivationDerivative(_block.AsSpan(at + 2 * cv + cp, cv), derivative);
        TensorPrimitives.Multiply(u, derivative, u);
        level.Pad(u, _paddedGrad, _c);
        level.Convolve(_paddedGrad, _c, w[_p.Conv2Kernel(b)], [], _c, u, _wide, _weights);
        TensorPrimitives.Add(t, u, t);
    }

    /// <summary>act'(z) into <paramref name="derivative"/> (uses <see cref="_t3"/> and <see cref="_t4"/>).</summary>
    private void ActivationDerivative(ReadOnlySpan<double> z, Span<double> derivative)
    {
        var value = _t3.AsSpan(0, z.Length);
        ActivationFunctions.Apply(_act, z, value);
        ActivationFunctions.Derivative(_act, z, value, derivative, _t4.AsSpan(0, z.Length));
    }

    private static void AddChannelSums(ReadOnlySpan<double> values, int v, double[] destination)
    {
        for (int o = 0; o < destination.Length; o++) destination[o] += TensorPrimitives.Sum<double>(values.Slice(o * v, v));
    }
}
