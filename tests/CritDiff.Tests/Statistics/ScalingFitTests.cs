using CritDiff.Statistics;

namespace CritDiff.Tests.Statistics;

public class ScalingFitTests
{
    private static readonly double[] Sizes = [8, 16, 32, 64, 128];

    [Fact]
    public void ExactLineIsRecovered()
    {
        var fit = LinearFit.Of([1.0, 2, 3, 4], [3.0, 5, 7, 9]);
        Assert.Equal(2, fit.Slope, Tolerances.ClosedForm);
        Assert.Equal(1, fit.Intercept, Tolerances.ClosedForm);
        Assert.Equal(0, fit.SlopeError, Tolerances.ClosedForm);
    }

    [Fact]
    public void LineErrorsMatchTheTextbookFormula()
    {
        // Unweighted: s^2 = RSS/(n-2), var(slope) = s^2 / sum (x - xbar)^2 (hand-computed for these points).
        double[] x = [0, 1, 2, 3], y = [0.1, 0.9, 2.2, 2.8];
        var fit = LinearFit.Of(x, y);
        double slope = (-1.5 * 0.1 - 0.5 * 0.9 + 0.5 * 2.2 + 1.5 * 2.8) / 5; // sxy / sxx, xbar = 1.5, sxx = 5
        Assert.Equal(slope, fit.Slope, Tolerances.ClosedForm);
        double intercept = 1.5 - slope * 1.5;
        double rss = x.Select((xi, i) => Math.Pow(y[i] - intercept - slope * xi, 2)).Sum();
        Assert.Equal(Math.Sqrt(rss / 2 / 5), fit.SlopeError, Tolerances.ClosedForm);
    }

    [Fact]
    public void TwoPointsNameNoPreferredLaw()
    {
        // Both forms pass exactly through two points: which residual is smaller is rounding noise.
        var fit = ScalingFit.Of([8.0, 16], [100.0, 400]);
        Assert.Equal(ScalingFit.NoPreference, fit.Preferred);
        Assert.Equal(2, fit.PowerExponent, Tolerances.ClosedForm);
        Assert.Equal("power", ScalingFit.Of([8.0, 16, 32], [100.0, 400, 1600]).Preferred);
    }

    [Fact]
    public void NoisyPowerLawExponentWithinItsError()
    {
        // y = 3 L^2 with 5% multiplicative noise, many independent draws: the stated error must cover the
        // spread of the estimates (pull distribution with standard deviation ~1, 4 SE bound on each).
        var rng = new RandomStream(11, 0);
        var pulls = new List<double>();
        for (int trial = 0; trial < 200; trial++)
        {
            var noise = Sizes.Select(_ => 0.05).ToArray();
            var costs = Sizes.Select(l => 3 * l * l * Math.Exp(0.05 * rng.NextGaussian())).ToArray();
            var fit = ScalingFit.Of(Sizes, costs, costs.Select((c, i) => c * noise[i]).ToArray());
            double pull = (fit.PowerExponent - 2) / fit.PowerExponentError;
            Assert.InRange(Math.Abs(pull), 0, Tolerances.StandardErrors + 1);
            Assert.Equal("power", fit.Preferred);
            pulls.Add(pull);
        }
        // Pull variance ~1 (the error is right, not just large): 200 pulls, chi-square(200) within 4 sigma = 200 +- 80.
        double sumSquares = pulls.Sum(p => p * p);
        Assert.InRange(sumSquares, 120, 280);
    }

    [Fact]
    public void NoisyLogarithmIsPreferredAndItsSlopeRecovered()
    {
        var rng = new RandomStream(12, 0);
        for (int trial = 0; trial < 50; trial++)
        {
            var costs = Sizes.Select(l => 1 + 4 * Math.Log(l) + 0.1 * rng.NextGaussian()).ToArray();
            var fit = ScalingFit.Of(Sizes, costs, Sizes.Select(_ => 0.1).ToArray());
            Assert.Equal("log", fit.Preferred);
            Assert.InRange(Math.Abs(fit.LogSlope - 4), 0, Tolerances.StandardErrors * fit.LogSlopeError);
            Assert.True(fit.AkaikeDifference > 0);
        }
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Throws<ArgumentException>(() => LinearFit.Of([1.0], [1.0]));
        Assert.Throws<ArgumentException>(() => LinearFit.Of([1.0, 1], [1.0, 2]));
        Assert.Throws<ArgumentException>(() => ScalingFit.Of([8.0, 16], [1.0, 0]));
        Assert.Throws<ArgumentException>(() => LinearFit.Of([1.0, 2], [1.0, 2], [1.0, 0]));
    }
}
