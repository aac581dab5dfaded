using CritDiff.MonteCarlo;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>Split-R-hat (<see cref="RHat.Split"/>) against hand computations on chains of a few values.</summary>
public sealed class RHatTests
{
    [Fact]
    public void TwoShortChainsMatchTheHandComputation()
    {
        // Halves [1, 2], [3, 4], [2, 4], [6, 8]: n = 2, m = 4, half means 1.5, 3.5, 3, 7 (grand mean 3.75);
        // B = n / (m - 1) sum (mean - 3.75)^2 = 2/3 (2.25^2 + 0.25^2 + 0.75^2 + 3.25^2) = 2/3 x 16.25;
        // W = mean of the half variances (0.5, 0.5, 2, 2) = 1.25; var+ = (n - 1)/n W + B/n.
        double b = 2.0 / 3 * 16.25, w = 1.25;
        double expected = Math.Sqrt((0.5 * w + b / 2) / w);
        Assert.Equal(expected, RHat.Split([[1, 2, 3, 4], [2, 4, 6, 8]]), Tolerances.ClosedForm);
        Assert.Equal(Math.Sqrt(29.0 / 6), expected, Tolerances.ClosedForm);
    }

    [Fact]
    public void OddLengthsDropTheMiddleValueAndLongerChainsAreCutToTheShortest()
    {
        double reference = RHat.Split([[1, 2, 3, 4], [2, 4, 6, 8]]);
        // Length 5: halves are values 0-1 and 3-4, the middle one (100) is unused.
        Assert.Equal(reference, RHat.Split([[1, 2, 100, 3, 4], [2, 4, -100, 6, 8]]), Tolerances.ClosedForm);
        // The second chain is cut to the first chain's 4 values.
        Assert.Equal(reference, RHat.Split([[1, 2, 3, 4], [2, 4, 6, 8, 1000, 1000]]), Tolerances.ClosedForm);
    }

    [Fact]
    public void OneChainComparesItsHalves()
    {
        // [0, 2, 10, 12]: halves [0, 2] and [10, 12], means 1 and 11, B = 2 x 50 = 100, W = 2, var+ = 1 + 50.
        Assert.Equal(Math.Sqrt(51.0 / 2), RHat.Split([[0, 2, 10, 12]]), Tolerances.ClosedForm);
    }

    [Fact]
    public void IdenticalHalvesGiveAtMostOneAndConstantChainsOneOrInfinity()
    {
        // Equal half means: B = 0 and R-hat = sqrt((n - 1)/n) < 1.
        Assert.Equal(Math.Sqrt(0.5), RHat.Split([[1, 3, 1, 3], [3, 1, 3, 1]]), Tolerances.ClosedForm);
        Assert.Equal(1, RHat.Split([[5, 5, 5, 5], [5, 5, 5, 5]]));
        Assert.Equal(double.PositiveInfinity, RHat.Split([[5, 5, 5, 5], [6, 6, 6, 6]]));
    }

    [Fact]
    public void TooShortChainsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => RHat.Split([[1, 2, 3]]));
        Assert.Throws<ArgumentException>(() => RHat.Split([]));
    }
}
