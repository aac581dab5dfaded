using CritDiff.Generation;

namespace CritDiff.Tests.Generation;

/// <summary>The low-ESS warning (issue 24): ESS/N below 0.01 or ESS below 30, whichever trips, is named.</summary>
public sealed class LowEssWarningTests
{
    [Theory]
    [InlineData(0.5, 1000, null)] // ESS 500
    [InlineData(0.03, 1000, null)] // ESS 30: on the threshold, no warning
    [InlineData(0.029, 1000, "ESS below 30")] // ESS 29 although ESS/N > 0.01
    [InlineData(0.00015, 1000000, "ESS/N below 0.01")] // ESS 150 but ESS/N tiny: the linear run
    [InlineData(0.0123, 512, "ESS below 30")]
    [InlineData(double.NaN, 100, "ESS/N below 0.01")]
    public void WarnsBelowEitherThreshold(double fraction, int count, string? which)
    {
        string? warning = ImportanceWeights.LowEssWarning(fraction, count);
        if (which is null) Assert.Null(warning);
        else Assert.Contains(which, warning, StringComparison.Ordinal);
    }
}
