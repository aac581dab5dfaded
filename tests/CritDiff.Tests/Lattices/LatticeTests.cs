using CritDiff.Lattices;

namespace CritDiff.Tests.Lattices;

public class LatticeTests
{
    [Theory]
    [InlineData(0, 4)]
    [InlineData(5, 4)]
    [InlineData(2, 1)]
    [InlineData(4, 200)] // 200^4 = 1.6e9 sites, above the limit
    public void RejectsBadShapes(int d, int l) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Lattice(d, l));

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 4)]
    [InlineData(3, 3)]
    [InlineData(4, 2)]
    public void IndexAndCoordinatesAreInverse(int d, int l)
    {
        var lattice = new Lattice(d, l);
        Span<int> x = stackalloc int[d];
        for (int site = 0; site < lattice.SiteCount; site++)
        {
            lattice.Coordinates(site, x);
            Assert.Equal(site, lattice.Index(x));
        }
    }

    [Fact]
    public void NeighboursWrapAroundAndAreInverse()
    {
        var lattice = new Lattice(3, 4);
        Span<int> x = stackalloc int[3];
        Span<int> y = stackalloc int[3];
        for (int site = 0; site < lattice.SiteCount; site++)
            for (int mu = 0; mu < 3; mu++)
            {
                int forward = lattice.Neighbour(site, mu, +1);
                Assert.Equal(site, lattice.Neighbour(forward, mu, -1));
                lattice.Coordinates(site, x);
                lattice.Coordinates(forward, y);
                for (int nu = 0; nu < 3; nu++)
                    Assert.Equal(nu == mu ? (x[nu] + 1) % 4 : x[nu], y[nu]);
            }
    }

    [Fact]
    public void KHat2MatchesDefinitionAndMultisetSumsAgree()
    {
        var lattice = new Lattice(3, 5);
        var table = lattice.KHat2Table();
        Span<int> n = stackalloc int[3];
        double direct = 0;
        for (int mode = 0; mode < lattice.SiteCount; mode++)
        {
            lattice.Coordinates(mode, n);
            double expected = 0;
            for (int mu = 0; mu < 3; mu++) expected += 4 * Math.Pow(Math.Sin(Math.PI * n[mu] / 5), 2);
            Assert.Equal(expected, table[mode], Tolerances.ClosedForm);
            Assert.Equal(expected, lattice.KHat2(mode), Tolerances.ClosedForm);
            Assert.InRange(table[mode], 0, 12);
            direct += 1 / (table[mode] + 0.3);
        }
        var (values, weights) = lattice.KHat2Multiset();
        Assert.Equal(lattice.SiteCount, weights.Sum());
        double folded = values.Select((v, i) => weights[i] / (v + 0.3)).Sum();
        Assert.Equal(direct, folded, direct * Tolerances.ClosedForm);
    }

    [Fact]
    public void NegatedModeIsAnInvolution()
    {
        var lattice = new Lattice(2, 6);
        for (int mode = 0; mode < lattice.SiteCount; mode++)
        {
            int minus = lattice.NegatedMode(mode);
            Assert.Equal(mode, lattice.NegatedMode(minus));
            Assert.Equal(lattice.KHat2(mode), lattice.KHat2(minus), Tolerances.ClosedForm);
        }
    }
}
