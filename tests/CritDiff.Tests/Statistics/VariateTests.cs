using CritDiff.Statistics;
using MathNet.Numerics;

namespace CritDiff.Tests.Statistics;

public class VariateTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NormalsPassKolmogorovSmirnovAndTailFrequency(bool bulk)
    {
        // sqrt(n) D above 1.95 has probability ~1e-3 under the null (Kolmogorov distribution).
        const int n = 400_000;
        var rng = new RandomStream(21, bulk ? 1UL : 0UL);
        var values = new double[n];
        if (bulk) rng.FillGaussian(values);
        else for (int i = 0; i < n; i++) values[i] = rng.NextGaussian();
        Array.Sort(values);
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double cdf = 0.5 * SpecialFunctions.Erfc(-values[i] / Math.Sqrt(2));
            d = Math.Max(d, Math.Max(cdf - (double)i / n, (double)(i + 1) / n - cdf));
        }
        Assert.True(Math.Sqrt(n) * d < 1.95, $"KS statistic sqrt(n) D = {Math.Sqrt(n) * d}");
        // The ziggurat's tail branch (|z| > R) must carry exactly the normal tail mass.
        double p = SpecialFunctions.Erfc(Ziggurat.TailStart / Math.Sqrt(2));
        int tail = values.Count(x => Math.Abs(x) > Ziggurat.TailStart);
        Assert.InRange(Math.Abs(tail - n * p), 0, Tolerances.StandardErrors * Math.Sqrt(n * p * (1 - p)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(1001)]
    public void BulkNormalsAreTheSameOnTheVectorAndScalarPaths(int length)
    {
        var vector = new RandomStream(8, (ulong)length);
        var scalar = vector;
        var fromVector = new double[length];
        var fromScalar = new double[length];
        GaussianBlocks.Fill(ref vector, fromVector, allowVector: true);
        GaussianBlocks.Fill(ref scalar, fromScalar, allowVector: false);
        Assert.Equal(fromScalar, fromVector);
        Assert.Equal(scalar.NextUInt64(), vector.NextUInt64());
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(3.5)]
    [InlineData(63.0)]
    public void GammaVariatesHaveMeanAndVarianceEqualToTheShape(double shape)
    {
        const int n = 100_000;
        var rng = new RandomStream(31, (ulong)(shape * 10));
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = rng.NextGamma(shape);
        var mean = Stats.FromSamples(values);
        Assert.InRange(Math.Abs(mean.StandardScore(shape)), 0, Tolerances.StandardErrors);
        var variance = Stats.FromSamples(values.Select(x => (x - shape) * (x - shape)).ToArray());
        Assert.InRange(Math.Abs(variance.StandardScore(shape)), 0, Tolerances.StandardErrors);
        Assert.Equal(0, rng.NextGamma(0));
    }
}
