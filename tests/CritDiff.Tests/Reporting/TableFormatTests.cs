using CritDiff.Reporting;

namespace CritDiff.Tests; // not CritDiff.Tests.Reporting: that would hide CritDiff.Reporting in other test files

public class TableFormatTests
{
    [Theory]
    [InlineData(442.0, "442")]
    [InlineData(1024.0, "1024")]
    [InlineData(0.33, "0.33")]
    [InlineData(0.0000996, "9.96e-5")]
    [InlineData(-0.0000001, "-1e-7")]
    [InlineData(-0.0, "0")]
    [InlineData(1.85123, "1.85")]
    [InlineData(123456.7, "1.23e5")]
    public void NumbersPrintAsIntegersOrThreeSignificantDigits(double x, string expected) =>
        Assert.Equal(expected, SweepReport.F(x));

    [Theory]
    [InlineData(108.4, 11.3, "108 +- 11")]
    [InlineData(1.85123, 0.0109, "1.851 +- 0.011")]
    [InlineData(459.0, 0.5, "459.00 +- 0.50")] // one rule for every value with an error, counts included (issue 24)
    [InlineData(49.0, 0.0, "49")] // an exact value prints plain
    [InlineData(0.3, double.NaN, "0.3")]
    [InlineData(7.0, null, "7")]
    public void ValuesWithErrorsPrintToTheErrorsPrecision(double value, double? error, string expected) =>
        Assert.Equal(expected, SweepReport.PlusMinus(value, error));
}
