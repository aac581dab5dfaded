using System.Numerics;
using CritDiff.Lattices;
using CritDiff.Statistics;
using MathNet.Numerics.IntegralTransforms;

namespace CritDiff.Tests.Lattices;

public class FftPlanTests
{
    public static TheoryData<int> SmallSizes()
    {
        var data = new TheoryData<int>();
        for (int n = 1; n <= 130; n++) data.Add(n);
        return data;
    }

    /// <summary>Large smooth, prime and Bluestein sizes (4099 and 1009 are prime, 2 * 1009 and 3 * 67 have large prime factors).</summary>
    public static TheoryData<int> LargeSizes => new() { 256, 243, 1000, 1009, 2018, 201, 4096, 4099, 3125, 2401, 6000, 8192 + 1 };

    internal static Complex[] RandomLine(int n, ulong seed)
    {
        var rng = new RandomStream(seed, 0);
        var line = new Complex[n];
        for (int i = 0; i < n; i++)
        {
            var (a, b) = rng.NextGaussianPair();
            line[i] = new Complex(a, b);
        }
        return line;
    }

    /// <summary>sum_j exp(sign 2 pi i j k / n) x_j by direct summation over a table of the n roots (phase jk mod n), O(n^2).</summary>
    private static Complex[] NaiveDft(Complex[] x, int sign)
    {
        int n = x.Length;
        var roots = new Complex[n];
        for (int m = 0; m < n; m++) roots[m] = Complex.FromPolarCoordinates(1, sign * 2 * Math.PI * m / n);
        var result = new Complex[n];
        for (int k = 0; k < n; k++)
        {
            Complex sum = 0;
            int e = 0;
            for (int j = 0; j < n; j++)
            {
                sum += x[j] * roots[e];
                e += k;
                if (e >= n) e -= n;
            }
            result[k] = sum;
        }
        return result;
    }

    /// <summary>Math.NET's unnormalised forward transform (the oracle; Matlab convention: exp(-), no forward scaling).</summary>
    private static Complex[] MathNetForward(Complex[] x)
    {
        var copy = (Complex[])x.Clone();
        Fourier.Forward(copy, FourierOptions.Matlab);
        return copy;
    }

    internal static double RelativeDistance(ReadOnlySpan<Complex> a, ReadOnlySpan<Complex> b)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            diff += d.Real * d.Real + d.Imaginary * d.Imaginary;
            norm += b[i].Real * b[i].Real + b[i].Imaginary * b[i].Imaginary;
        }
        return norm == 0 ? Math.Sqrt(diff) : Math.Sqrt(diff / norm);
    }

    /// <summary>
    /// Math.NET's Bluestein path (every length that is not a power of two) is itself only good to ~2e-12 relative
    /// at n ~ 6000-8000 (measured against the naive DFT, which our plans match to ~3e-15), so above 130 it is the
    /// oracle to 1e-11 and the naive DFT the oracle to <see cref="Tolerances.Fourier"/>.
    /// </summary>
    private const double MathNetLargeSizeAccuracy = 1e-11;

    private static void CheckAgainstOracle(int n)
    {
        var plan = new FftPlan(n);
        var x = RandomLine(n, (ulong)n);
        var scratch = new Complex[plan.ScratchLength];
        double mathNetTolerance = n <= 130 ? Tolerances.Fourier : MathNetLargeSizeAccuracy;

        var forward = (Complex[])x.Clone();
        plan.Forward(forward, scratch);
        Assert.True(RelativeDistance(forward, MathNetForward(x)) < mathNetTolerance, $"forward n = {n}");
        Assert.True(RelativeDistance(forward, NaiveDft(x, -1)) < Tolerances.Fourier, $"forward naive n = {n}");

        var inverse = (Complex[])x.Clone();
        plan.Inverse(inverse, scratch);
        // Inverse with exp(+): conj(DFT(conj x)).
        var conj = MathNetForward(x.Select(Complex.Conjugate).ToArray()).Select(Complex.Conjugate).ToArray();
        Assert.True(RelativeDistance(inverse, conj) < mathNetTolerance, $"inverse n = {n}");
        Assert.True(RelativeDistance(inverse, NaiveDft(x, +1)) < Tolerances.Fourier, $"inverse naive n = {n}");

        // Round trip: inverse(forward(x)) = n x.
        plan.Inverse(forward, scratch);
        for (int i = 0; i < n; i++) forward[i] /= n;
        Assert.True(RelativeDistance(forward, x) < Tolerances.Fourier, $"round trip n = {n}");
    }

    [Theory]
    [MemberData(nameof(SmallSizes))]
    public void EverySmallSizeMatchesMathNetAndNaiveDft(int n) => CheckAgainstOracle(n);

    [Theory]
    [MemberData(nameof(LargeSizes))]
    public void LargeSizesMatchMathNet(int n) => CheckAgainstOracle(n);

    [Fact]
    public void ParsevalHolds()
    {
        foreach (int n in new[] { 97, 120, 1009 })
        {
            var plan = new FftPlan(n);
            var x = RandomLine(n, 3);
            double norm = x.Sum(c => c.Real * c.Real + c.Imaginary * c.Imaginary);
            plan.Forward(x, new Complex[plan.ScratchLength]);
            double spectral = x.Sum(c => c.Real * c.Real + c.Imaginary * c.Imaginary) / n;
            Assert.Equal(norm, spectral, norm * Tolerances.Fourier);
        }
    }

    [Fact]
    public void PlansFactorSmoothLengthsAndSendLargePrimesToBluestein()
    {
        Assert.Equal(new[] { 4, 4, 4, 4 }, new FftPlan(256).Radices);
        Assert.Equal(new[] { 4, 2, 3, 5 }, new FftPlan(120).Radices);
        Assert.Equal(new[] { 47 }, new FftPlan(47).Radices);
        Assert.True(new FftPlan(53).UsesBluestein);
        Assert.True(new FftPlan(4099).UsesBluestein);
        Assert.Empty(new FftPlan(1).Radices);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FftPlan(0));
    }

    [Fact]
    public void ShortScratchOrWrongLengthIsRefused()
    {
        var plan = new FftPlan(12);
        Assert.Throws<ArgumentException>(() => plan.Forward(new Complex[12], new Complex[11]));
        Assert.Throws<ArgumentException>(() => plan.Forward(new Complex[13], new Complex[13]));
    }

    [Fact]
    public void OnePlanSharedByManyThreadsGivesTheSameBits()
    {
        var plan = new FftPlan(1000);
        var x = RandomLine(1000, 8);
        var reference = (Complex[])x.Clone();
        plan.Forward(reference, new Complex[plan.ScratchLength]);
        var results = new Complex[16][];
        Parallel.For(0, 16, t =>
        {
            var y = (Complex[])x.Clone();
            var scratch = new Complex[plan.ScratchLength];
            for (int rep = 0; rep < 20; rep++) { y = (Complex[])x.Clone(); plan.Forward(y, scratch); }
            results[t] = y;
        });
        foreach (var r in results) Assert.Equal(reference, r);
    }
}
