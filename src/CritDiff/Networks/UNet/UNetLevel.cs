using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>
/// One resolution of <see cref="UNetNetwork"/>: the lattice of side L / 2^l, the layouts of its periodic 3^d
/// convolutions (<see cref="ConvGeometry"/> of range 1) and the maps to the next coarser level: average pooling
/// coarse(y) = 2^-d sum_{delta in {0,1}^d} fine(2y + delta) and nearest up-sampling fine(x) = coarse(floor(x / 2)).
/// Fields are compact (V values per channel, row-major) unless named padded.
/// </summary>
internal sealed class UNetLevel
{
    private readonly int[] _coarseOf;   // coarse site of each site (for up-sampling from the next level)
    private readonly int[] _fineBase;   // this level's site 2y of each site y of the next level
    private readonly int[] _corners;    // index offsets of the 2^d sites 2y + delta relative to 2y

    public UNetLevel(int dimension, int length, bool hasCoarser)
    {
        Lattice = new Lattice(dimension, length);
        Geometry = new ConvGeometry(Lattice, 1);
        SiteCount = Lattice.SiteCount;
        PaddedStride = Geometry.PaddedStride;
        WideStride = Geometry.WideStride;
        if (!hasCoarser)
        {
            _coarseOf = _fineBase = _corners = [];
            return;
        }
        int d = dimension, half = length / 2;
        var coordinates = new int[d];
        _coarseOf = new int[SiteCount];
        for (int x = 0; x < SiteCount; x++)
        {
            Lattice.Coordinates(x, coordinates);
            int y = 0;
            for (int mu = 0; mu < d; mu++) y = y * half + coordinates[mu] / 2;
            _coarseOf[x] = y;
        }
        int coarseSites = SiteCount >> d;
        _fineBase = new int[coarseSites];
        for (int y = 0, rest; y < coarseSites; y++)
        {
            rest = y;
            int x = 0, scale = 1;
            for (int mu = d - 1; mu >= 0; mu--)
            {
                x += 2 * (rest % half) * scale;
                rest /= half;
                scale *= length;
            }
            _fineBase[y] = x;
        }
        _corners = new int[1 << d];
        for (int corner = 0; corner < _corners.Length; corner++)
        {
            int offset = 0, scale = 1;
            for (int mu = d - 1; mu >= 0; mu--)
            {
                offset += (corner >> (d - 1 - mu) & 1) * scale;
                scale *= length;
            }
            _corners[corner] = offset;
        }
    }

    /// <summary>The lattice of this level.</summary>
    public Lattice Lattice { get; }

    /// <summary>Layouts of the 3^d convolutions.</summary>
    public ConvGeometry Geometry { get; }

    /// <summary>V_l.</summary>
    public int SiteCount { get; }

    /// <summary>Values per channel of a padded field.</summary>
    public int PaddedStride { get; }

    /// <summary>Values of a wide accumulation array.</summary>
    public int WideStride { get; }

    /// <summary>coarse_c(y) = scale sum_delta fine_c(2y + delta) for <paramref name="channels"/> channels (scale 2^-d: the average pool).</summary>
    public void Pool(ReadOnlySpan<double> fine, Span<double> coarse, int channels, double scale)
    {
        int v = SiteCount, vc = _fineBase.Length;
        for (int c = 0; c < channels; c++)
        {
            var src = fine.Slice(c * v, v);
            var dst = coarse.Slice(c * vc, vc);
            for (int y = 0; y < vc; y++)
            {
                int b = _fineBase[y];
                double sum = 0;
                foreach (int offset in _corners) sum += src[b + offset];
                dst[y] = scale * sum;
            }
        }
    }

    /// <summary>fine_c(x) = (or +=, when <paramref name="add"/>) scale coarse_c(floor(x / 2)) (scale 1: the nearest up-sampling).</summary>
    public void Upsample(ReadOnlySpan<double> coarse, Span<double> fine, int channels, double scale, bool add)
    {
        int v = SiteCount, vc = _fineBase.Length;
        for (int c = 0; c < channels; c++)
        {
            var src = coarse.Slice(c * vc, vc);
            var dst = fine.Slice(c * v, v);
            if (add) for (int x = 0; x < v; x++) dst[x] += scale * src[_coarseOf[x]];
            else for (int x = 0; x < v; x++) dst[x] = scale * src[_coarseOf[x]];
        }
    }

    /// <summary>
    /// out_o = sum_i sum_e K[o, i, e] in_i(. + e) (+ bias_o) for o &lt; <paramref name="outChannels"/>, from padded input
    /// channels, kernel layout [out, in, e]: four output channels per pass (<see cref="UNetKernels.AccumulateFour"/>), the
    /// rest one at a time. Scratch: <paramref name="wide"/> of 4 <see cref="WideStride"/>, <paramref name="weights"/> of
    /// 4 inChannels 3^d values.
    /// </summary>
    public void Convolve(ReadOnlySpan<double> paddedInput, int inChannels, ReadOnlySpan<double> kernel, ReadOnlySpan<double> bias,
        int outChannels, Span<double> output, Span<double> wide, Span<double> weights)
    {
        int e = Geometry.OffsetCount, p = PaddedStride, n = WideStride, o = 0;
        var input = paddedInput.Slice(0, inChannels * p);
        for (; o + 4 <= outChannels; o += 4)
        {
            for (int q = 0; q < 4; q++)
            {
                wide.Slice(q * n, n).Fill(bias.IsEmpty ? 0 : bias[o + q]);
                var row = kernel.Slice((o + q) * inChannels * e, inChannels * e);
                for (int j = 0; j < row.Length; j++) weights[4 * j + q] = row[j];
            }
            UNetKernels.AccumulateFour(input, p, weights.Slice(0, 4 * inChannels * e), inChannels, Geometry.Start, wide, n);
            for (int q = 0; q < 4; q++) Geometry.Unwide(wide.Slice(q * n, n), output.Slice((o + q) * SiteCount, SiteCount));
        }
        for (; o < outChannels; o++)
        {
            var w = wide.Slice(0, n);
            w.Fill(bias.IsEmpty ? 0 : bias[o]);
            ConvKernels.Accumulate(input, p, kernel.Slice(o * inChannels * e, inChannels * e), inChannels, Geometry.Start, w);
            Geometry.Unwide(w, output.Slice(o * SiteCount, SiteCount));
        }
    }

    /// <summary>
    /// dIn_i(y) = sum_o sum_e K[o, i, e] g_o(y - e) for i &lt; <paramref name="inChannels"/>, from the padded upstream
    /// <paramref name="paddedUpstream"/> (<paramref name="outChannels"/> channels); scratch as for <see cref="Convolve"/>
    /// (weights: 4 outChannels 3^d values).
    /// </summary>
    public void ConvolveTransposed(ReadOnlySpan<double> paddedUpstream, int outChannels, ReadOnlySpan<double> kernel, int inChannels,
        Span<double> inputDelta, Span<double> wide, Span<double> weights)
    {
        int e = Geometry.OffsetCount, p = PaddedStride, n = WideStride, i = 0;
        var upstream = paddedUpstream.Slice(0, outChannels * p);
        for (; i + 4 <= inChannels; i += 4)
        {
            wide.Slice(0, 4 * n).Clear();
            for (int o = 0; o < outChannels; o++)
                for (int q = 0; q < 4; q++)
                {
                    var taps = kernel.Slice((o * inChannels + i + q) * e, e);
                    for (int j = 0; j < e; j++) weights[(o * e + j) * 4 + q] = taps[j];
                }
            UNetKernels.AccumulateFour(upstream, p, weights.Slice(0, 4 * outChannels * e), outChannels, Geometry.ReversedStart, wide, n);
            for (int q = 0; q < 4; q++) Geometry.Unwide(wide.Slice(q * n, n), inputDelta.Slice((i + q) * SiteCount, SiteCount));
        }
        for (; i < inChannels; i++)
        {
            var w = wide.Slice(0, n);
            w.Clear();
            for (int o = 0; o < outChannels; o++) kernel.Slice((o * inChannels + i) * e, e).CopyTo(weights.Slice(o * e, e));
            ConvKernels.Accumulate(upstream, p, weights.Slice(0, outChannels * e), outChannels, Geometry.ReversedStart, w);
            Geometry.Unwide(w, inputDelta.Slice(i * SiteCount, SiteCount));
        }
    }

    /// <summary>
    /// grad K[o, i, e] += sum_x g_o(x) in_i(x + e), from the widened upstream <paramref name="wideUpstream"/>
    /// (<paramref name="outChannels"/> arrays of <see cref="WideStride"/>, zero off the sites) and padded inputs; four
    /// upstream channels per pass over an input channel (<see cref="UNetKernels.CorrelateFour"/>).
    /// </summary>
    public void KernelGradient(ReadOnlySpan<double> wideUpstream, int outChannels, ReadOnlySpan<double> paddedInput, int inChannels,
        Span<double> gradient)
    {
        int e = Geometry.OffsetCount, p = PaddedStride, n = WideStride, o = 0;
        Span<double> four = stackalloc double[4 * e];
        for (; o + 4 <= outChannels; o += 4)
            for (int i = 0; i < inChannels; i++)
            {
                four.Clear();
                UNetKernels.CorrelateFour(wideUpstream.Slice(o * n), n, paddedInput.Slice(i * p), Geometry.Start, n, four);
                for (int q = 0; q < 4; q++)
                {
                    var taps = gradient.Slice(((o + q) * inChannels + i) * e, e);
                    for (int j = 0; j < e; j++) taps[j] += four[q * e + j];
                }
            }
        for (; o < outChannels; o++)
        {
            var g = wideUpstream.Slice(o * n, n);
            for (int i = 0; i < inChannels; i++)
                ConvKernels.Correlate(g, paddedInput.Slice(i * p), Geometry.Start, gradient.Slice((o * inChannels + i) * e, e));
        }
    }

    /// <summary>Pads <paramref name="channels"/> compact channels.</summary>
    public void Pad(ReadOnlySpan<double> compact, Span<double> padded, int channels)
    {
        for (int c = 0; c < channels; c++)
            Geometry.Pad(compact.Slice(c * SiteCount, SiteCount), padded.Slice(c * PaddedStride, PaddedStride));
    }

    /// <summary>Widens <paramref name="channels"/> compact channels into zeroed wide arrays (zero off the sites).</summary>
    public void Widen(ReadOnlySpan<double> compact, Span<double> wide, int channels)
    {
        wide.Slice(0, channels * WideStride).Clear();
        for (int c = 0; c < channels; c++)
            Geometry.Widen(compact.Slice(c * SiteCount, SiteCount), wide.Slice(c * WideStride, WideStride));
    }
}
