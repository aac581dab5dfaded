namespace CritDiff.Lattices;

/// <summary>
/// Nearest-neighbour sums h(x) = sum_mu [phi(x + e_mu) + phi(x - e_mu)] of one field, line by line along the last
/// (stride-1) axis: a line's neighbours along the other axes are whole lines at fixed offsets (the periodic wrap folded
/// into the offset), so the inner loops run over contiguous memory and nothing is allocated.
/// </summary>
internal static class NeighbourStencil
{
    /// <summary>Offsets of the lines neighbouring line <paramref name="line"/> along the d - 1 outer axes, and its parity.</summary>
    internal static int LineOffsets(Lattice lattice, int line, Span<int> forward, Span<int> backward)
    {
        int l = lattice.Length, parity = 0, start = line * l;
        for (int mu = 0; mu < lattice.Dimension - 1; mu++)
        {
            int stride = lattice.Stride(mu);
            int c = start / stride % l;
            parity += c;
            forward[mu] = c == l - 1 ? -(l - 1) * stride : stride;
            backward[mu] = c == 0 ? (l - 1) * stride : -stride;
        }
        return parity & 1;
    }

    /// <summary>h(x) for every site.</summary>
    public static void NeighbourSums(Lattice lattice, ReadOnlySpan<double> phi, Span<double> h)
    {
        int l = lattice.Length, outer = lattice.Dimension - 1;
        Span<int> forward = stackalloc int[4], backward = stackalloc int[4];
        for (int line = 0, start = 0; start < phi.Length; line++, start += l)
        {
            LineOffsets(lattice, line, forward, backward);
            var row = phi.Slice(start, l);
            var sums = h.Slice(start, l);
            sums[0] = row[l - 1] + row[1 % l];
            for (int c = 1; c < l - 1; c++) sums[c] = row[c - 1] + row[c + 1];
            if (l > 1) sums[l - 1] = row[l - 2] + row[0];
            for (int mu = 0; mu < outer; mu++)
            {
                var up = phi.Slice(start + forward[mu], l);
                var down = phi.Slice(start + backward[mu], l);
                for (int c = 0; c < l; c++) sums[c] += up[c] + down[c];
            }
        }
    }
}
