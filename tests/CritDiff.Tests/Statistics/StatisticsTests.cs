using CritDiff.Statistics;

namespace CritDiff.Tests.Statistics;

public class StatisticsTests
{
    [Fact]
    public void GaussianStreamHasUnitVarianceAndZeroMean()
    {
        var rng = new RandomStream(1, 2);
        var values = new double[200_000];
        rng.FillGaussian(values);
        var mean = Stats.FromSamples(values);
        Assert.InRange(Math.Abs(mean.Mean), 0, Tolerances.StandardErrors * mean.Error);
        var squares = Stats.FromSamples(values.Select(x => x * x).ToArray());
        Assert.InRange(Math.Abs(squares.StandardScore(1)), 0, Tolerances.StandardErrors);
        var fourth = Stats.FromSamples(values.Select(x => x * x * x * x).ToArray());
        Assert.InRange(Math.Abs(fourth.StandardScore(3)), 0, Tolerances.StandardErrors); // E z^4 = 3
    }

    [Fact]
    public void StreamsAreReproducibleAndDistinct()
    {
        var a = new RandomStream(5, 0);
        var b = new RandomStream(5, 0);
        var c = new RandomStream(5, 1);
        var d = new RandomStream(6, 0);
        ulong first = a.NextUInt64();
        Assert.Equal(first, b.NextUInt64());
        Assert.NotEqual(first, c.NextUInt64());
        Assert.NotEqual(first, d.NextUInt64());
    }

    [Fact]
    public void StatsOfKnownSample()
    {
        var s = Stats.FromSamples([1.0, 2, 3, 4]);
        Assert.Equal(2.5, s.Mean, Tolerances.ClosedForm);
        Assert.Equal(Math.Sqrt(5.0 / 3 / 4), s.Error, Tolerances.ClosedForm);
        Assert.Equal("2.50 +- 0.65", s.ToString());
    }

    [Theory]
    [InlineData(108.4, 11.3, "108 +- 11")]
    [InlineData(0.61123, 0.00163, "0.6112 +- 0.0016")]
    [InlineData(12345.0, 123.0, "12350 +- 120")]
    [InlineData(1.0, 0.0996, "1.00 +- 0.10")]
    [InlineData(-0.0004, 0.0123, "0.000 +- 0.012")]
    [InlineData(-3.14159, 0.2, "-3.14 +- 0.20")]
    [InlineData(2.5, 0.0, "2.5 +- 0")]
    [InlineData(2.5, double.NaN, "2.5")]
    [InlineData(double.NaN, 0.1, "NaN")]
    [InlineData(7.0, 3.0, "7.0 +- 3.0")]
    public void StatsPrintToTheErrorsTwoSignificantDigits(double mean, double error, string expected) =>
        Assert.Equal(expected, new Stats(mean, error).ToString());

    [Fact]
    public void JackknifeOfLinearFunctionEqualsMeanAndStandardError()
    {
        var rng = new RandomStream(9, 9);
        var data = new double[500, 2];
        var column = new double[500];
        for (int i = 0; i < 500; i++)
        {
            data[i, 0] = rng.NextGaussian();
            data[i, 1] = rng.NextGaussian();
            column[i] = data[i, 0] + 2 * data[i, 1];
        }
        var jack = Jackknife.Estimate(data, m => m[0] + 2 * m[1]);
        var direct = Stats.FromSamples(column);
        Assert.Equal(direct.Mean, jack.Mean, 1e-12);
        Assert.Equal(direct.Error, jack.Error, 1e-12);
    }

    [Fact]
    public void JackknifeRemovesFirstOrderBiasOfARatio()
    {
        // E[1/mean] for exponential samples with mean 1 has bias ~ 1/N; the jackknife estimate of 1/mean
        // averaged over many replicas is closer to 1 than the plain plug-in estimate.
        double plain = 0, jack = 0;
        const int replicas = 400, n = 10;
        for (int r = 0; r < replicas; r++)
        {
            var rng = new RandomStream(17, (ulong)r);
            var data = new double[n, 1];
            double sum = 0;
            for (int i = 0; i < n; i++) sum += data[i, 0] = -Math.Log(1 - rng.NextDouble());
            plain += n / sum;
            jack += Jackknife.Estimate(data, m => 1 / m[0]).Mean;
        }
        Assert.True(Math.Abs(jack / replicas - 1) < Math.Abs(plain / replicas - 1));
    }
}
