using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>
/// Index layouts for direct periodic convolutions of range R on L^d: a field (V values, row-major) is copied
/// into a <em>padded</em> array of width W = L + 2R per axis (W^d values, periodic halo of R on each side), so
/// that h(x + e) for every x sits at padded index q(x) + Start[e], with q(x) = sum_mu x_mu W^(d-1-mu) the
/// <em>wide</em> index. A sum over x of shifted copies is then one contiguous span operation of length
/// <see cref="WideLength"/> per offset: results land in a wide array (garbage between rows, which
/// <see cref="Unwide"/> drops) instead of one call per row segment.
/// Offsets e run over the cube |e|_inf &lt;= R in lexicographic order (-R..R per axis, axis 0 slowest), so the
/// offset -e has index E - 1 - index(e) and e = 0 is at (E - 1) / 2.
/// </summary>
internal sealed class ConvGeometry
{
    private readonly int[] _wideRow;    // wide index of the first site of each compact row
    private readonly int[] _paddedRow;  // compact row feeding each padded row

    public ConvGeometry(Lattice lattice, int range)
    {
        int d = lattice.Dimension, l = lattice.Length, r = range;
        Length = l;
        Range = r;
        SiteCount = lattice.SiteCount;
        Width = l + 2 * r;
        var stride = new int[d];
        int s = 1;
        for (int mu = d - 1; mu >= 0; mu--)
        {
            stride[mu] = s;
            s *= Width;
        }
        PaddedLength = s;
        int baseIndex = r * stride.Sum();
        int width = 2 * r + 1;
        OffsetCount = (int)Math.Pow(width, d);
        Start = new int[OffsetCount];
        Offsets = new int[OffsetCount][];
        for (int e = 0; e < OffsetCount; e++)
        {
            var coordinates = new int[d];
            int rest = e, start = baseIndex;
            for (int mu = d - 1; mu >= 0; mu--)
            {
                coordinates[mu] = rest % width - r;
                rest /= width;
                start += coordinates[mu] * stride[mu];
            }
            Offsets[e] = coordinates;
            Start[e] = start;
        }
        WideLength = 1;
        for (int mu = 0; mu < d; mu++) WideLength += (l - 1) * stride[mu];
        WideStride = (WideLength + ConvKernels.Block - 1) / ConvKernels.Block * ConvKernels.Block;
        PaddedStride = PaddedLength + ConvKernels.Block;
        ReversedStart = Start.Reverse().ToArray();

        int rows = SiteCount / l;
        _wideRow = new int[rows];
        for (int row = 0; row < rows; row++)
        {
            int rest = row, q = 0;
            for (int mu = d - 2; mu >= 0; mu--)
            {
                q += rest % l * stride[mu];
                rest /= l;
            }
            _wideRow[row] = q;
        }
        int paddedRows = PaddedLength / Width;
        _paddedRow = new int[paddedRows];
        for (int prow = 0; prow < paddedRows; prow++)
        {
            int rest = prow, row = 0, scale = 1;
            for (int mu = d - 2; mu >= 0; mu--)
            {
                int c = ((rest % Width - r) % l + l) % l;
                rest /= Width;
                row += c * scale;
                scale *= l;
            }
            _paddedRow[prow] = row;
        }
    }

    /// <summary>L.</summary>
    public int Length { get; }

    /// <summary>R.</summary>
    public int Range { get; }

    /// <summary>V = L^d.</summary>
    public int SiteCount { get; }

    /// <summary>W = L + 2R.</summary>
    public int Width { get; }

    /// <summary>W^d.</summary>
    public int PaddedLength { get; }

    /// <summary>1 + (L - 1) sum_mu W^(d-1-mu): the span from q(0) to q(L-1, ..., L-1).</summary>
    public int WideLength { get; }

    /// <summary>
    /// <see cref="WideLength"/> rounded up to a multiple of <see cref="ConvKernels.Block"/>: the length of wide arrays
    /// (kernels run whole blocks; entries past <see cref="WideLength"/> are ignored, or kept zero where they are summed).
    /// </summary>
    public int WideStride { get; }

    /// <summary>
    /// Values per channel of padded arrays: W^d plus a zero slack of one block, so that a block read from any
    /// offset's start stays inside the channel (the largest start plus <see cref="WideLength"/> is exactly W^d).
    /// </summary>
    public int PaddedStride { get; }

    /// <summary>Start of the offset -e, per offset e (Start in reverse order).</summary>
    public int[] ReversedStart { get; }

    /// <summary>E = (2R + 1)^d.</summary>
    public int OffsetCount { get; }

    /// <summary>Padded index of x + e minus q(x), per offset.</summary>
    public int[] Start { get; }

    /// <summary>Offset coordinates, per offset.</summary>
    public int[][] Offsets { get; }

    /// <summary>Index of e = 0.</summary>
    public int Center => (OffsetCount - 1) / 2;

    /// <summary>Copies a compact field (V) into a padded one (W^d) with its periodic halo.</summary>
    public void Pad(ReadOnlySpan<double> compact, Span<double> padded)
    {
        int l = Length, r = Range, w = Width;
        for (int prow = 0; prow < _paddedRow.Length; prow++)
        {
            var src = compact.Slice(_paddedRow[prow] * l, l);
            var dst = padded.Slice(prow * w, w);
            src.Slice(l - r, r).CopyTo(dst);
            src.CopyTo(dst.Slice(r, l));
            src.Slice(0, r).CopyTo(dst.Slice(r + l, r));
        }
    }

    /// <summary>Copies the interior of a padded field (W^d) back into a compact one (V).</summary>
    public void Unpad(ReadOnlySpan<double> padded, Span<double> compact)
    {
        int l = Length, start = Start[Center]; // padded index of x is q(x) + Start[e = 0]
        for (int row = 0; row < _wideRow.Length; row++)
            padded.Slice(start + _wideRow[row], l).CopyTo(compact.Slice(row * l, l));
    }

    /// <summary>Copies the valid entries of a wide array into a compact field (V).</summary>
    public void Unwide(ReadOnlySpan<double> wide, Span<double> compact)
    {
        int l = Length;
        for (int row = 0; row < _wideRow.Length; row++) wide.Slice(_wideRow[row], l).CopyTo(compact.Slice(row * l, l));
    }

    /// <summary>Writes a compact field into the valid entries of a wide array (other entries untouched).</summary>
    public void Widen(ReadOnlySpan<double> compact, Span<double> wide)
    {
        int l = Length;
        for (int row = 0; row < _wideRow.Length; row++) compact.Slice(row * l, l).CopyTo(wide.Slice(_wideRow[row], l));
    }

    /// <summary>Wide index q(x) of a compact site index.</summary>
    public int WideIndex(int site) => _wideRow[site / Length] + site % Length;
}
