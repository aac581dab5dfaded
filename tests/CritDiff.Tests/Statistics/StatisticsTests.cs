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
    [InlineData(2.5, 0.0, "2.5")] // an exact value prints plain, not "2.5 +- 0"
    [InlineData(49.0, 0.0, "49")]
    [InlineData(0.17630000001, 0.0, "0.1763")]
    [InlineData(2.5, double.NaN, "2.5")] // unknown error: the value alone
    [InlineData(2.5, double.PositiveInfinity, "2.5 +- inf")]
    [InlineData(double.NaN, 0.1, "n/a")]
    [InlineData(double.PositiveInfinity, 0.1, "inf")]
    [InlineData(double.NegativeInfinity, double.NaN, "-inf")]
    [InlineData(7.0, 3.0, "7.0 +- 3.0")]
    [InlineData(1.86191, 0.00829, "1.8619 +- 0.0083")] // issue 24: the CLI printed "1.86 +- 0.00829"
    [InlineData(0.17633, 0.005965, "0.1763 +- 0.0060")] // issue 24: "0.1763 +- 0.005965"
    [InlineData(1.5, -0.25, "1.50 +- 0.25")] // the sign of an error is meaningless
    [InlineData(-2.0e-3, 1.24e-3, "-0.0020 +- 0.0012")]
    [InlineData(123456.7, 98.0, "123457 +- 98")]
    [InlineData(1.23456e15, 1.23e12, "(1.2346 +- 0.0012)e15")] // large: a shared power of ten
    [InlineData(-1.23456e-7, 4.4e-9, "(-1.235 +- 0.044)e-7")] // small: the same
    [InlineData(0.0, 3.3e-8, "(0.0 +- 3.3)e-8")]
    [InlineData(0.000153434, 0.000000028, "(1.53434 +- 0.00028)e-4")] // not "0.000153434 +- 0.000000028"
    [InlineData(0.00123, 0.00004, "0.001230 +- 0.000040")] // 1e-3 and above stays fixed
    [InlineData(1234567.0, 2.5e6, "(1.2 +- 2.5)e6")] // error larger than the value: the error's exponent
    // Errors at rounding level (issue 24 second pass: these printed "NaN +- NaN" or 18 digits): the value plainly, the error alone.
    [InlineData(1.5, 1e-17, "1.5 +- 1e-17")]
    [InlineData(1.5, 1e-300, "1.5 +- 1e-300")]
    [InlineData(0.001, 1e-25, "0.001 +- 1e-25")]
    [InlineData(1e10, 1e-5, "1e10 +- 1e-5")]
    [InlineData(2.0, 5e-16, "2 +- 5e-16")]
    [InlineData(120.1119857565186, 1.4e-14, "120.112 +- 1.4e-14")]
    [InlineData(0.6666666666667425, 8.1e-14, "0.666667 +- 8.1e-14")]
    [InlineData(1e308, 1e300, "(1.000000000 +- 0.000000010)e308")] // ten digits: the most printed to the error
    [InlineData(0.0, 1e-300, "(0.0 +- 1.0)e-300")]
    [InlineData(3.0, 0.000099996, "3.00000 +- 0.00010")] // six digits of the value: the usual rule
    public void StatsPrintToTheErrorsTwoSignificantDigits(double mean, double error, string expected) =>
        Assert.Equal(expected, new Stats(mean, error).ToString());

    [Theory]
    [InlineData(0.1763, "0.1763")]
    [InlineData(-0.0000001, "-1e-7")]
    [InlineData(-1e-300, "-1e-300")]
    [InlineData(1.2345678e15, "1.23457e15")]
    [InlineData(-0.0, "0")]
    public void PlainValuesKeepSixSignificantDigits(double value, string expected) =>
        Assert.Equal(expected, Stats.FormatValue(value));

    [Fact]
    public void ANullErrorPrintsTheValueAlone() => Assert.Equal("3.25", Stats.Format(3.25, (double?)null));

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
