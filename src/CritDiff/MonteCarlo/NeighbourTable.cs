using CritDiff.Lattices;

namespace CritDiff.MonteCarlo;

/// <summary>
/// The 2d nearest neighbours of every site in one flat table, built once per kernel so that site loops do no
/// index arithmetic: row x holds x + e_0, x - e_0, x + e_1, x - e_1, ... (periodic), entry x 2d + 2 mu + (0 | 1).
/// On L = 2 the forward and backward neighbour along an axis coincide and appear twice, as in the action.
/// </summary>
internal sealed class NeighbourTable
{
    /// <summary>The table of <paramref name="lattice"/>.</summary>
    public NeighbourTable(Lattice lattice)
    {
        Degree = 2 * lattice.Dimension;
        Sites = new int[lattice.SiteCount * Degree];
        for (int mu = 0; mu < lattice.Dimension; mu++)
        {
            var forward = lattice.ForwardNeighbours(mu);
            for (int x = 0; x < forward.Length; x++)
            {
                Sites[x * Degree + 2 * mu] = forward[x];
                Sites[forward[x] * Degree + 2 * mu + 1] = x;
            }
        }
    }

    /// <summary>Neighbours per site, 2d.</summary>
    public int Degree { get; }

    /// <summary>Flat table of V x 2d site indices.</summary>
    public int[] Sites { get; }
}
