using CritDiff.Statistics;

namespace CritDiff.Tests.Statistics;

public class ExpMinusOneTests
{
    /// <summary>
    /// Reference values from the exponential series summed in 40-digit decimal arithmetic (Python's decimal module),
    /// rounded to double; Math.NET's Expm1 misses the small ones by up to ~2e-7 relative.
    /// </summary>
    [Theory]
    [InlineData(1e-5, 1.0000050000166667e-05)]
    [InlineData(-0.1, -0.09516258196404043)]
    [InlineData(1e-10, 1.00000000005e-10)]
    [InlineData(-1e-8, -9.99999995e-09)]
    [InlineData(-2e-3, -0.001998001332666933)]
    [InlineData(0.5, 0.6487212707001282)]
    [InlineData(-0.75, -0.5276334472589853)]
    [InlineData(3.0, 19.085536923187668)]
    [InlineData(1e-300, 1e-300)]
    [InlineData(-40.0, -1.0)]
    public void MatchesHighPrecisionValues(double x, double expected) =>
        Assert.Equal(expected, ExpMinusOne.Of(x), ExpMinusOneTolerance(expected));

    [Fact]
    public void HandlesTheEdges()
    {
        Assert.Equal(0.0, ExpMinusOne.Of(0.0));
        Assert.Equal(-1.0, ExpMinusOne.Of(-800.0));
        Assert.Equal(double.PositiveInfinity, ExpMinusOne.Of(800.0));
        Assert.True(double.IsNaN(ExpMinusOne.Of(double.NaN)));
    }

    // A few ulps (Kahan's formula is within ~3 ulps; 4e-16 relative leaves room for the platform's exp and log).
    private static double ExpMinusOneTolerance(double expected) => 4e-16 * Math.Abs(expected);
}
