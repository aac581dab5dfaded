using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Tests.Fields;

/// <summary>LatticeModel's neighbour sums and bond sum against direct sums over Lattice.Neighbour, including L = 2 (both bonds of a pair).</summary>
public sealed class NeighbourSumTests
{
    [Theory]
    [InlineData(1, 2, 1)]
    [InlineData(1, 5, 2)]
    [InlineData(2, 2, 1)]
    [InlineData(2, 3, 3)]
    [InlineData(2, 4, 2)]
    [InlineData(3, 3, 1)]
    [InlineData(4, 2, 2)]
    public void MatchDirectSums(int d, int l, int n)
    {
        var lattice = new Lattice(d, l);
        var model = new Phi4Model(lattice, n, 0.1, 1);
        int v = lattice.SiteCount;
        var rng = new RandomStream(7, (ulong)(d * 100 + l * 10 + n));
        var phi = new double[n * v];
        rng.FillGaussian(phi);

        var sums = new double[n * v];
        model.NeighbourSums(phi, sums);
        double bonds = 0;
        for (int a = 0; a < n; a++)
            for (int x = 0; x < v; x++)
            {
                double h = 0;
                for (int mu = 0; mu < d; mu++)
                {
                    int up = lattice.Neighbour(x, mu, +1), down = lattice.Neighbour(x, mu, -1);
                    h += phi[a * v + up] + phi[a * v + down];
                    bonds += phi[a * v + x] * phi[a * v + up];
                }
                Assert.Equal(h, sums[a * v + x], 12);
            }
        Assert.Equal(bonds, model.BondSum(phi), 10);
    }
}
