using CritDiff.Fields;
using MathNet.Numerics;

namespace CritDiff.Tests.Fields;

public class CriticalCouplingTests
{
    [Theory]
    [InlineData(3, 0.2527310098586621)] // docs/science.md section 9
    [InlineData(4, 0.1549333902310576)]
    public void MatchesReferenceValues(int d, double expected) =>
        Assert.Equal(expected, CriticalCoupling.Of(d)!.Value, Tolerances.CriticalCoupling);

    [Fact]
    public void ThreeDimensionalValueIsASixthOfWatsonsIntegral()
    {
        // Watson (1939): W = (1/pi^3) int_[0,pi]^3 dk / (1 - (1/3) sum cos k)
        //                  = sqrt(6)/(32 pi^3) G(1/24) G(5/24) G(7/24) G(11/24) = 1.5163860591...,
        // and 1/khat2 = 1/(6 (1 - (1/3) sum cos k)), so beta_c(3) = W / 6.
        double watson = Math.Sqrt(6) / (32 * Math.Pow(Math.PI, 3))
            * SpecialFunctions.Gamma(1.0 / 24) * SpecialFunctions.Gamma(5.0 / 24)
            * SpecialFunctions.Gamma(7.0 / 24) * SpecialFunctions.Gamma(11.0 / 24);
        Assert.Equal(watson / 6, CriticalCoupling.Of(3)!.Value, Tolerances.ClosedForm);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void NoFiniteCriticalCouplingBelowThreeDimensions(int d) => Assert.Null(CriticalCoupling.Of(d));

    [Fact]
    public void FiniteLatticeSumApproachesInfiniteVolumeValue()
    {
        // (1/V) sum_{k != 0} 1/khat2 -> beta_c(3) with corrections ~ 1/L.
        double betaC = CriticalCoupling.Of(3)!.Value;
        double Sum(int l)
        {
            var lattice = new CritDiff.Lattices.Lattice(3, l);
            var (values, weights) = lattice.KHat2Multiset();
            double s = 0;
            for (int i = 0; i < values.Length; i++) if (values[i] > 0) s += weights[i] / values[i];
            return s / lattice.SiteCount;
        }
        double d32 = betaC - Sum(32), d64 = betaC - Sum(64);
        Assert.True(d32 > 0 && d64 > 0);
        Assert.InRange(d32 / d64, 1.8, 2.2); // halving 1/L halves the deficit
    }
}
