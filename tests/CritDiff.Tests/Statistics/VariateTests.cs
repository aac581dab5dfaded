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
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(1001)]
    [InlineData(1024)]
    [InlineData(50_003)]
    public void BulkNormalsAreTheSameOnTheVectorAndScalarPaths(int length)
    {
        // 50_003: long enough that the queue of declined candidates fills and is settled mid-way.
        var scalar = new RandomStream(8, (ulong)length);
        var fromScalar = new double[length];
        var start = scalar;
        GaussianBlocks.Fill(ref scalar, fromScalar, maxVectorBits: 0);
        ulong next = scalar.NextUInt64();
        foreach (int bits in new[] { 256, 512 })
        {
            var vector = start;
            var fromVector = new double[length];
            GaussianBlocks.Fill(ref vector, fromVector, maxVectorBits: bits);
            Assert.Equal(fromScalar, fromVector);
            Assert.Equal(next, vector.NextUInt64());
        }
    }

    [Fact]
    public void ShortBulkFillsHaveStandardNormalMomentsAtEveryPlace()
    {
        // Declined candidates are settled after the vector loop; each place must still be N(0, 1). Many short fills
        // (lengths 1-40, so places in the loop and the tail): per place, mean, variance, E z^4 = 3 and the tail mass
        // beyond 2.5, each within tolerance in standard errors.
        const int fills = 40_000, maxLength = 40;
        var sum = new double[maxLength];
        var squares = new double[maxLength];
        var fourth = new double[maxLength];
        var beyond = new double[maxLength];
        var counts = new double[maxLength];
        var rng = new RandomStream(77, 3);
        var buffer = new double[maxLength];
        for (int f = 0; f < fills; f++)
        {
            int length = 1 + f % maxLength;
            rng.FillGaussian(buffer.AsSpan(0, length));
            for (int j = 0; j < length; j++)
            {
                double z = buffer[j], z2 = z * z;
                sum[j] += z;
                squares[j] += z2;
                fourth[j] += z2 * z2;
                beyond[j] += Math.Abs(z) > 2.5 ? 1 : 0;
                counts[j]++;
            }
        }
        double pBeyond = SpecialFunctions.Erfc(2.5 / Math.Sqrt(2));
        // Bonferroni over 4 maxLength checks: a wider band than one test's, from the same tolerance.
        double band = Tolerances.StandardErrors + 1.5;
        for (int j = 0; j < maxLength; j++)
        {
            double m = counts[j];
            Assert.InRange(Math.Abs(sum[j] / m) / Math.Sqrt(1 / m), 0, band);
            Assert.InRange(Math.Abs(squares[j] / m - 1) / Math.Sqrt(2 / m), 0, band);
            Assert.InRange(Math.Abs(fourth[j] / m - 3) / Math.Sqrt(96 / m), 0, band);
            Assert.InRange(Math.Abs(beyond[j] / m - pBeyond) / Math.Sqrt(pBeyond * (1 - pBeyond) / m), 0, band);
        }
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
