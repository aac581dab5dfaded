using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.MonteCarlo;

/// <summary>A single-site update of a checkerboard sweep: the new phi(x) from the old one and the neighbour sum.</summary>
internal interface ISiteRule
{
    double Update(int site, double phi, double neighbourSum);
}

/// <summary>
/// Nearest-neighbour sums h(x) = sum_mu [phi(x + e_mu) + phi(x - e_mu)] line by line along the last
/// (stride-1) axis, the local action gradient and the checkerboard sweep. A line's neighbours along the
/// other axes are whole lines at fixed offsets (with the periodic wrap folded into the offset), so the
/// inner loops run over contiguous memory.
/// </summary>
internal static class Stencil
{
    /// <summary>h(x) for every site (<see cref="NeighbourStencil.NeighbourSums"/>).</summary>
    public static void NeighbourSums(Lattice lattice, ReadOnlySpan<double> phi, Span<double> h) => NeighbourStencil.NeighbourSums(lattice, phi, h);

    /// <summary>Gradient of the action, dS/dphi(x) = beta ((2d + mu2) phi(x) - h(x)); returns S = phi . grad / 2.</summary>
    public static double Gradient(GaussianField field, ReadOnlySpan<double> phi, Span<double> gradient)
    {
        NeighbourSums(field.Lattice, phi, gradient);
        double beta = field.Beta, diagonal = 2 * field.Lattice.Dimension + field.MassSquared, action = 0;
        for (int x = 0; x < phi.Length; x++)
        {
            double g = beta * (diagonal * phi[x] - gradient[x]);
            gradient[x] = g;
            action += phi[x] * g;
        }
        return action / 2;
    }

    /// <summary>
    /// One checkerboard sweep: every site of parity 0 (even coordinate sum), then every site of parity 1.
    /// Sites of one colour have no neighbour of the same colour when L is even, so the order inside a
    /// colour does not matter and each update sees current neighbours.
    /// </summary>
    public static void Checkerboard<TRule>(Lattice lattice, Span<double> phi, Span<double> lineSums, ref TRule rule)
        where TRule : struct, ISiteRule
    {
        int l = lattice.Length, outer = lattice.Dimension - 1;
        Span<int> forward = stackalloc int[4], backward = stackalloc int[4];
        for (int colour = 0; colour < 2; colour++)
        {
            for (int line = 0, start = 0; start < phi.Length; line++, start += l)
            {
                int first = (colour + NeighbourStencil.LineOffsets(lattice, line, forward, backward)) & 1;
                var row = phi.Slice(start, l);
                for (int c = first; c < l; c += 2)
                    lineSums[c] = row[c == 0 ? l - 1 : c - 1] + row[c == l - 1 ? 0 : c + 1];
                for (int mu = 0; mu < outer; mu++)
                {
                    ReadOnlySpan<double> up = phi.Slice(start + forward[mu], l), down = phi.Slice(start + backward[mu], l);
                    for (int c = first; c < l; c += 2) lineSums[c] += up[c] + down[c];
                }
                for (int c = first; c < l; c += 2) row[c] = rule.Update(start + c, row[c], lineSums[c]);
            }
        }
    }

    /// <summary>Throws unless L is even (a checkerboard needs two colours without same-colour neighbours).</summary>
    public static void RequireEvenLength(Lattice lattice, string kernel)
    {
        if (lattice.Length % 2 != 0)
            throw new ArgumentException($"{kernel} updates a checkerboard, which needs even L (got L = {lattice.Length})");
    }
}
