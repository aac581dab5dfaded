using System.Buffers;
using System.Numerics;
using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>
/// A product of translation-invariant convolutions (full or local), s = K_D * ... * K_1 * x, with
/// multiplier m(k) = prod_j m_j(k), m_j(k) = sum_y K_j(y) exp(-i k.y) = sqrt(V) DFT[K_j](k).
/// Loss (docs/science.md section 4): l = (1/V) sum_k [ A |m|^2 + 2 Re(m X) ] + N for moments (A, X, N).
/// Gradient in multiplier space, treating Re m_j(k) and Im m_j(k) as coordinates:
/// G_j(k) = dl/dRe m_j + i dl/dIm m_j = (2/V) (A m + conj X) conj(M_j), M_j = prod_{i != j} m_i;
/// in the kernel basis dl/dK_j(y) = Re[ sum_k G_j(k) exp(+i k.y) ] = Re[ sqrt(V) IDFT[G_j](y) ].
/// Full layers go through FFTs; local layers with small windows through <see cref="WindowTransform"/>
/// (the same sums over the window, axis by axis, in O(V (2r+1)) without an FFT).
/// </summary>
public sealed class LinearConvolutionNetwork : LinearMomentNetwork
{
    private readonly int[][] _offsets;
    private readonly bool[] _identitySupport;
    private readonly bool _realKernelsThroughFft;
    private readonly FourierTransform _fourier;
    private readonly WindowTransform?[] _windows;
    private readonly Complex[][] _multipliers;
    private readonly Complex[] _product;
    private readonly Complex[] _scratch;
    private readonly Complex[] _halfScratch;
    private readonly double[] _kernel;
    private readonly int[] _lengths;
    private readonly double _sqrtV;
    private Complex[]? _correlation;
    private int[]? _negated;
    private int[]? _negatedRowStarts;

    internal LinearConvolutionNetwork(Lattice lattice, Architecture architecture, ParameterBasis basis)
        : base(lattice, architecture, basis)
    {
        int v = lattice.SiteCount;
        _offsets = architecture.Layers.Select(l => ((ConvolutionLayer)l).SupportOffsets(lattice)).ToArray();
        // A kernel over every site in site order (full layers): its parameter array is the kernel itself.
        _identitySupport = _offsets.Select(o => o.Length == v && o.Select((site, i) => site == i).All(same => same)).ToArray();
        _lengths = _offsets.Select(o => basis == ParameterBasis.Fourier ? 2 * v : o.Length).ToArray();
        _fourier = new FourierTransform(lattice);
        _windows = architecture.Layers.Select(l => basis == ParameterBasis.Kernel &&
            l is ConvolutionLayer { Range: int r } && WindowTransform.Pays(r) ? new WindowTransform(lattice, r) : null).ToArray();
        _multipliers = architecture.Layers.Select(_ => new Complex[v]).ToArray();
        _realKernelsThroughFft = basis == ParameterBasis.Kernel && _windows.All(w => w is null);
        _product = new Complex[v];
        _scratch = new Complex[v];
        _halfScratch = new Complex[v];
        _kernel = new double[v];
        _sqrtV = Math.Sqrt(v);
    }

    /// <inheritdoc />
    public override IReadOnlyList<int> LayerLengths => _lengths;

    /// <summary>
    /// Kernel-basis parameters, every layer a full kernel (its parameter array is the kernel over all sites in site
    /// order): with one layer, the case where gradient descent runs on the multiplier (<see cref="Training.MultiplierDescent"/>).
    /// </summary>
    internal bool HasOnlyFullKernels => _realKernelsThroughFft && _identitySupport.All(full => full);

    /// <summary>Support offsets (site indices) of layer j's kernel.</summary>
    public IReadOnlyList<int> SupportOffsets(int layer) => _offsets[layer];

    /// <summary>The product multiplier m(k) of the network (a fresh array).</summary>
    public Complex[] Multiplier(NetworkParameters parameters)
    {
        CheckLayout(parameters, nameof(parameters));
        ComputeMultipliers(parameters);
        return (Complex[])_product.Clone();
    }

    /// <summary>The multiplier of layer j alone (a fresh array).</summary>
    public Complex[] LayerMultiplier(NetworkParameters parameters, int layer)
    {
        CheckLayout(parameters, nameof(parameters));
        ComputeMultipliers(parameters);
        return (Complex[])_multipliers[layer].Clone();
    }

    /// <inheritdoc />
    public override double Loss(NetworkParameters parameters, LossMoments moments)
    {
        CheckLayout(parameters, nameof(parameters));
        var m = CheckMoments(moments);
        ComputeMultipliers(parameters);
        return LossFromProduct(m);
    }

    /// <inheritdoc />
    public override double LossAndGradient(NetworkParameters parameters, LossMoments moments, NetworkParameters gradient)
    {
        CheckLayout(parameters, nameof(parameters));
        CheckLayout(gradient, nameof(gradient));
        var m = CheckMoments(moments);
        if (UsesHalfSpectrum(m)) return LossAndGradientHalf(parameters, m, gradient);
        ComputeMultipliers(parameters);
        double loss = LossFromProduct(m);
        int v = Lattice.SiteCount, depth = _multipliers.Length;
        double scale = 2.0 / v;
        for (int j = 0; j < depth; j++)
        {
            // G_j = (2/V) (A m + conj X) conj(M_j)
            for (int k = 0; k < v; k++)
            {
                Complex others = Complex.One;
                for (int i = 0; i < depth; i++) if (i != j) others *= _multipliers[i][k];
                Complex cross = m.Cross is null ? Complex.One : Complex.Conjugate(m.Cross[k]);
                _scratch[k] = scale * (m.Signal[k] * _product[k] + cross) * Complex.Conjugate(others);
            }
            ToLayerGradient(j, gradient.Layers[j]);
        }
        return loss;
    }

    /// <summary>
    /// Whether <see cref="LossAndGradient"/> may work on half the modes: kernel-basis parameters with every layer
    /// through the FFT (real kernels, so m(-k) = conj m(k)) and population moments (Cross = 1). Then the summands at k
    /// and -k add up to (A(k) + A(-k)) |m(k)|^2 + 4 Re m(k), and Re IDFT[G_j] is the inverse of a Hermitian G_j built
    /// from A_s(k) = (A(k) + A(-k)) / 2, so the modes with k_last in 0..L/2 carry everything exactly, for any A.
    /// </summary>
    private bool UsesHalfSpectrum(ModeMoments m) =>
        _realKernelsThroughFft && m.Cross is null;

    /// <summary>
    /// <see cref="LossAndGradient"/> on the half spectrum (see <see cref="UsesHalfSpectrum"/>): per layer one real
    /// forward transform of the kernel and one real inverse transform of G_j, with the per-mode work on
    /// L^(d-1) (L/2 + 1) modes. Working arrays come from the shared pool, so slices stepped one after another on a
    /// thread reuse the same (cache-warm) memory. A full layer's kernel is transformed and its gradient written in
    /// place of the support scatter and gather; one layer fuses the loss and G in one pass.
    /// </summary>
    private double LossAndGradientHalf(NetworkParameters parameters, ModeMoments m, NetworkParameters gradient)
    {
        int v = Lattice.SiteCount, length = Lattice.Length, half = length / 2 + 1, depth = _multipliers.Length;
        var pool = ArrayPool<Complex>.Shared;
        var multipliers = new Complex[depth][];
        for (int j = 0; j < depth; j++) multipliers[j] = pool.Rent(v);
        var work = pool.Rent(v);
        var gradientHalf = depth > 1 ? pool.Rent(v) : null;
        var kernel = ArrayPool<double>.Shared.Rent(v);
        try
        {
            for (int j = 0; j < depth; j++)
            {
                var p = parameters.Layers[j];
                var offsets = _offsets[j];
                if (_identitySupport[j])
                {
                    _fourier.ForwardRealHalf(p, multipliers[j].AsSpan(0, v)); // identity support: the kernel itself
                }
                else
                {
                    Array.Clear(kernel, 0, v);
                    for (int i = 0; i < offsets.Length; i++) kernel[offsets[i]] = p[i];
                    _fourier.ForwardRealHalf(kernel.AsSpan(0, v), multipliers[j].AsSpan(0, v));
                }
            }
            var signal = m.Signal;
            var negatedRow = NegatedRowStarts();
            // scale carries the sqrt(V) of dl/dK = sqrt(V) IDFT[G], so the inverse transform gives the gradient itself.
            double scale = 2.0 / v * _sqrtV, rootScale = Math.Pow(_sqrtV, depth), sum = 0;
            for (int r = 0, row = 0; row < v; r++, row += length)
            {
                double rowSum = 0;
                int mirrorRow = negatedRow[r];
                for (int c = 0; c < half; c++)
                {
                    int k = row + c;
                    Complex product = rootScale * multipliers[0][k];
                    for (int i = 1; i < depth; i++) product *= multipliers[i][k];
                    double a = 0.5 * (signal[k] + signal[mirrorRow + (c == 0 ? 0 : length - c)]);
                    double term = a * (product.Real * product.Real + product.Imaginary * product.Imaginary) + 2 * product.Real;
                    rowSum += c == 0 || 2 * c == length ? term : 2 * term;
                    // G_j = (2/V) (A m + 1) conj(M_j); for one layer M_0 = 1, so sqrt(V) G_0 is stored right away.
                    work[k] = new Complex(scale * (a * product.Real + 1), scale * a * product.Imaginary);
                }
                sum += rowSum;
            }
            if (depth == 1)
            {
                ToKernelGradientHalf(0, work, kernel, gradient.Layers[0]);
            }
            else
            {
                // G_j = work conj(M_j), M_j the product of the other layers' multipliers (sqrt(V) each).
                double othersScale = Math.Pow(_sqrtV, depth - 1);
                for (int j = 0; j < depth; j++)
                {
                    for (int row = 0; row < v; row += length)
                        for (int c = 0; c < half; c++)
                        {
                            int k = row + c;
                            Complex others = othersScale;
                            for (int i = 0; i < depth; i++) if (i != j) others *= multipliers[i][k];
                            gradientHalf![k] = work[k] * Complex.Conjugate(others);
                        }
                    ToKernelGradientHalf(j, gradientHalf!, kernel, gradient.Layers[j]);
                }
            }
            return sum / v + m.NoiseTerm;
        }
        finally
        {
            foreach (var buffer in multipliers) pool.Return(buffer);
            pool.Return(work);
            if (gradientHalf is not null) pool.Return(gradientHalf);
            ArrayPool<double>.Shared.Return(kernel);
        }
    }

    /// <summary>Start index of the row holding -k for each row of modes (rows: fixed first d - 1 coordinates).</summary>
    private int[] NegatedRowStarts() => _negatedRowStarts ??= Enumerable.Range(0, Lattice.SiteCount / Lattice.Length)
        .Select(r => Lattice.NegatedMode(r * Lattice.Length)).ToArray();

    /// <summary>dl/dK_j(y) = IDFT[sqrt(V) G_j](y) at layer j's support, from the half spectrum of sqrt(V) G_j (overwritten).</summary>
    private void ToKernelGradientHalf(int j, Complex[] halfGradient, double[] kernel, double[] g)
    {
        int v = Lattice.SiteCount;
        var offsets = _offsets[j];
        if (_identitySupport[j])
        {
            _fourier.InverseRealHalf(halfGradient.AsSpan(0, v), g);
            return;
        }
        _fourier.InverseRealHalf(halfGradient.AsSpan(0, v), kernel.AsSpan(0, v));
        for (int i = 0; i < offsets.Length; i++) g[i] = kernel[offsets[i]];
    }

    /// <summary>
    /// The parameter vector-Jacobian product of <see cref="Apply"/> summed over <paramref name="count"/> one-component
    /// fields: gradient = sum_b (d s(x_b) / d theta)^T u_b. With F(x) = sum_x u(x) s(x) = Re sum_k conj(u~(k)) m(k) x~(k),
    /// in multiplier space G_j(k) = dF/dRe m_j + i dF/dIm m_j = [sum_b u~_b(k) conj(x~_b(k))] conj(M_j(k)), mapped to the
    /// parameter basis exactly as in <see cref="LossAndGradient"/>. Cost count FFTs (x and u share one) plus the per-layer maps.
    /// </summary>
    internal void ParameterGradient(NetworkParameters parameters, ReadOnlySpan<double> fields, ReadOnlySpan<double> upstream,
        int count, NetworkParameters gradient)
    {
        int v = Lattice.SiteCount, depth = _multipliers.Length;
        ComputeMultipliers(parameters);
        _correlation ??= new Complex[v];
        _negated ??= Enumerable.Range(0, v).Select(Lattice.NegatedMode).ToArray();
        Array.Clear(_correlation);
        for (int b = 0; b < count; b++)
        {
            // One complex FFT for both real fields: W = DFT[x + i u], so x~(k) = (W(k) + conj W(-k)) / 2 and
            // u~(k) = (W(k) - conj W(-k)) / 2i.
            var x = fields.Slice(b * v, v);
            var u = upstream.Slice(b * v, v);
            for (int i = 0; i < v; i++) _scratch[i] = new Complex(x[i], u[i]);
            _fourier.Forward(_scratch);
            for (int k = 0; k < v; k++)
            {
                var w = _scratch[k];
                var partner = Complex.Conjugate(_scratch[_negated[k]]);
                var xk = 0.5 * (w + partner);
                var uk = (w - partner) * new Complex(0, -0.5);
                _correlation[k] += uk * Complex.Conjugate(xk);
            }
        }
        for (int j = 0; j < depth; j++)
        {
            for (int k = 0; k < v; k++)
            {
                Complex others = Complex.One;
                for (int i = 0; i < depth; i++) if (i != j) others *= _multipliers[i][k];
                _scratch[k] = _correlation[k] * Complex.Conjugate(others);
            }
            ToLayerGradient(j, gradient.Layers[j]);
        }
    }

    /// <summary>
    /// Applies the network to <paramref name="count"/> one-component fields back to back (multipliers computed once).
    /// </summary>
    internal void ApplyMany(NetworkParameters parameters, ReadOnlySpan<double> fields, int count, Span<double> scores)
    {
        int v = Lattice.SiteCount;
        ComputeMultipliers(parameters);
        for (int b = 0; b < count; b++) ApplyWithProduct(fields.Slice(b * v, v), scores.Slice(b * v, v));
    }

    /// <summary>
    /// score = Re IDFT[m DFT[field]] with the product multiplier computed. Kernel-basis multipliers are Hermitian (real
    /// kernels), so m x~ is too and the half spectrum carries it: one half real transform each way and the product on
    /// L^(d-1) (L/2 + 1) modes. Fourier-basis multipliers are arbitrary: the full spectrum and the real part.
    /// </summary>
    private void ApplyWithProduct(ReadOnlySpan<double> field, Span<double> score)
    {
        if (Basis == ParameterBasis.Fourier)
        {
            _fourier.ForwardReal(field, _scratch);
            for (int k = 0; k < _scratch.Length; k++) _scratch[k] *= _product[k];
            _fourier.InverseReal(_scratch, score, _halfScratch);
            return;
        }
        int v = Lattice.SiteCount, length = Lattice.Length, half = length / 2 + 1;
        _fourier.ForwardRealHalf(field, _scratch);
        for (int row = 0; row < v; row += length)
            for (int k = row; k < row + half; k++) _scratch[k] *= _product[k];
        _fourier.InverseRealHalf(_scratch, score);
    }

    /// <summary>
    /// Maps a multiplier-space gradient G_j(k) (in the scratch buffer, which it overwrites) to layer j's parameters:
    /// Fourier basis (Re G, Im G); kernel basis dF/dK_j(y) = Re sum_k G_j(k) exp(+i k.y) at the layer's support.
    /// </summary>
    private void ToLayerGradient(int j, double[] g)
    {
        int v = Lattice.SiteCount;
        if (Basis == ParameterBasis.Fourier)
        {
            for (int k = 0; k < v; k++)
            {
                g[k] = _scratch[k].Real;
                g[v + k] = _scratch[k].Imaginary;
            }
        }
        else if (_windows[j] is { } window)
        {
            window.Gradient(_scratch, g);
        }
        else
        {
            // Re IDFT[G] is the inverse of G's Hermitian part: one real inverse transform.
            _fourier.InverseReal(_scratch, _kernel, _halfScratch);
            var offsets = _offsets[j];
            for (int i = 0; i < offsets.Length; i++) g[i] = _sqrtV * _kernel[offsets[i]];
        }
    }

    /// <inheritdoc />
    public override double ScoreError(NetworkParameters parameters, double[] noisedSpectrum)
    {
        CheckLayout(parameters, nameof(parameters));
        ComputeMultipliers(parameters);
        return ScoreErrorFromProduct(noisedSpectrum);
    }

    /// <inheritdoc />
    /// <remarks>The multipliers are computed once for both (a third of an empirical training step's work before).</remarks>
    public override (double Loss, double ScoreError) LossAndScoreError(NetworkParameters parameters, LossMoments moments, double[] noisedSpectrum)
    {
        CheckLayout(parameters, nameof(parameters));
        var m = CheckMoments(moments);
        ComputeMultipliers(parameters);
        return (LossFromProduct(m), ScoreErrorFromProduct(noisedSpectrum));
    }

    private double ScoreErrorFromProduct(double[] noisedSpectrum)
    {
        double sum = 0;
        for (int k = 0; k < _product.Length; k++)
        {
            double s = noisedSpectrum[k];
            var diff = _product[k] + 1 / s;
            sum += s * (diff.Real * diff.Real + diff.Imaginary * diff.Imaginary);
        }
        return sum / _product.Length;
    }

    /// <inheritdoc />
    public override void InitializeBalanced(NetworkParameters parameters, double scale)
    {
        CheckLayout(parameters, nameof(parameters));
        if (!(scale >= 0) || double.IsInfinity(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "initial scale must be >= 0 and finite");
        int depth = _offsets.Length, v = Lattice.SiteCount;
        double c = Math.Pow(scale, 1.0 / depth);
        for (int j = 0; j < depth; j++)
        {
            double value = j == depth - 1 ? -c : c;
            var p = parameters.Layers[j];
            Array.Clear(p);
            if (Basis == ParameterBasis.Fourier) p.AsSpan(0, v).Fill(value); // delta kernel: flat multiplier
            else p[0] = value; // offset 0 is y = 0 for full and local layers
        }
    }

    /// <inheritdoc />
    public override void Apply(NetworkParameters parameters, ReadOnlySpan<double> field, Span<double> score)
    {
        CheckLayout(parameters, nameof(parameters));
        ComputeMultipliers(parameters);
        ApplyWithProduct(field, score);
    }

    private ModeMoments CheckMoments(LossMoments moments)
    {
        if (moments is not ModeMoments m)
            throw new ArgumentException("a convolution network needs per-mode moments", nameof(moments));
        if (m.Signal.Length != Lattice.SiteCount || (m.Cross is not null && m.Cross.Length != Lattice.SiteCount))
            throw new ArgumentException($"moments must have V = {Lattice.SiteCount} modes", nameof(moments));
        return m;
    }

    private double LossFromProduct(ModeMoments m)
    {
        double sum = 0;
        for (int k = 0; k < _product.Length; k++)
        {
            var p = _product[k];
            double linear = m.Cross is null ? p.Real : (p * m.Cross[k]).Real;
            sum += m.Signal[k] * (p.Real * p.Real + p.Imaginary * p.Imaginary) + 2 * linear;
        }
        return sum / _product.Length + m.NoiseTerm;
    }

    private void ComputeMultipliers(NetworkParameters parameters)
    {
        int v = Lattice.SiteCount;
        for (int j = 0; j < _multipliers.Length; j++)
        {
            var mj = _multipliers[j];
            var p = parameters.Layers[j];
            if (Basis == ParameterBasis.Fourier)
            {
                for (int k = 0; k < v; k++) mj[k] = new Complex(p[k], p[v + k]);
                continue;
            }
            if (_windows[j] is { } window)
            {
                window.Multiplier(p, mj);
                continue;
            }
            // The kernel is real: one real forward transform.
            Array.Clear(_kernel);
            var offsets = _offsets[j];
            for (int i = 0; i < offsets.Length; i++) _kernel[offsets[i]] = p[i];
            _fourier.ForwardReal(_kernel, mj);
            for (int k = 0; k < v; k++) mj[k] *= _sqrtV;
        }
        Array.Fill(_product, Complex.One);
        foreach (var mj in _multipliers)
            for (int k = 0; k < v; k++) _product[k] *= mj[k];
    }
}
