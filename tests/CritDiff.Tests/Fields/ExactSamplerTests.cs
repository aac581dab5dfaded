using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.Tests.Fields;

public class ExactSamplerTests
{
    public static TheoryData<string, int, int, double> Models => new()
    {
        { "beta", 2, 8, 0.5 },
        { "critical", 3, 6, 0 },
        { "mass2", 1, 16, 0.1 },
        { "beta", 4, 4, 0.2 },
        { "gff", 2, 7, 0.3 },
    };

    private static GaussianField Build(string kind, int d, int l, double value)
    {
        var lattice = new Lattice(d, l);
        return kind switch
        {
            "beta" => GaussianField.AtBeta(lattice, value),
            "critical" => GaussianField.AtCriticalPoint(lattice),
            "mass2" => GaussianField.AtMassSquared(lattice, value),
            "gff" => GaussianField.FreeField(lattice, value),
            _ => throw new ArgumentException(kind),
        };
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void MeasuredObservablesAgreeWithExact(string kind, int d, int l, double value)
    {
        var field = Build(kind, d, l, value);
        const int n = 4000;
        var samples = new ExactSampler(field).Sample(n, seed: 2026);
        var m = FieldMeasurement.Measure(field.Lattice, samples, n);
        Assert.Equal(n, m.Count);
        Assert.InRange(Math.Abs(m.Susceptibility.StandardScore(field.Susceptibility)), 0, Tolerances.StandardErrors);
        Assert.InRange(Math.Abs(m.Energy.StandardScore(field.Energy)), 0, Tolerances.StandardErrors);
        Assert.InRange(Math.Abs(m.LocalVariance.StandardScore(field.LocalVariance)), 0, Tolerances.StandardErrors);
        Assert.InRange(Math.Abs(m.SecondMomentLength.StandardScore(field.SecondMomentCorrelationLength)), 0, Tolerances.StandardErrors);
    }

    [Theory]
    [InlineData(2, 6, 0.4)]
    [InlineData(3, 4, 0.3)]
    public void PowerSpectrumPassesChiSquareAgainstC(int d, int l, double beta)
    {
        // Per mode, N P(k)/C(k) is Gamma(N) for a complex mode (sum of N unit exponentials) and
        // chi^2_N / 1 for a self-conjugate one; z_k = (P/C - 1)/sqrt(var/N). Modes k and -k carry the
        // same value, so each pair is counted once. sum z_k^2 over M independent modes ~ chi^2_M.
        var field = GaussianField.AtBeta(new Lattice(d, l), beta);
        const int n = 3000;
        var samples = new ExactSampler(field).Sample(n, seed: 7);
        var (mean, _) = FieldMeasurement.PowerSpectrum(field.Lattice, samples, n);
        var spectrum = field.SpectrumTable();
        double chiSquare = 0;
        int modes = 0;
        for (int k = 0; k < spectrum.Length; k++)
        {
            int minus = field.Lattice.NegatedMode(k);
            if (minus < k) continue;
            double variancePerSample = minus == k ? 2 : 1; // Var of chi^2_1 is 2, of Exp(1) is 1
            double z = (mean[k] / spectrum[k] - 1) / Math.Sqrt(variancePerSample / n);
            chiSquare += z * z;
            modes++;
        }
        Assert.InRange(chiSquare, modes - Tolerances.StandardErrors * Math.Sqrt(2 * modes),
            modes + Tolerances.StandardErrors * Math.Sqrt(2 * modes));
    }

    [Fact]
    public void SameSeedGivesIdenticalBytesForAnyThreadCount()
    {
        var sampler = new ExactSampler(GaussianField.AtBeta(new Lattice(2, 12), 0.6));
        int v = 144, n = 37;
        var single = new double[n * v];
        var parallel = new double[n * v];
        sampler.Sample(single, n, seed: 99, maxDegreeOfParallelism: 1);
        sampler.Sample(parallel, n, seed: 99, maxDegreeOfParallelism: Environment.ProcessorCount);
        Assert.Equal(single, parallel);

        // A draw of n is the prefix of a larger draw, and another seed gives other numbers.
        var larger = sampler.Sample(n + 10, seed: 99);
        Assert.Equal(single, larger.AsSpan(0, n * v).ToArray());
        Assert.NotEqual(single, sampler.Sample(n, seed: 100));
    }

    [Fact]
    public void ContinuationFromAnEvenIndexEqualsOneLongDraw()
    {
        var sampler = new ExactSampler(GaussianField.AtBeta(new Lattice(1, 10), 1.0));
        var whole = sampler.Sample(8, seed: 3);
        var tail = new double[4 * 10];
        sampler.Sample(tail, 4, seed: 3, firstIndex: 4);
        Assert.Equal(whole.AsSpan(40, 40).ToArray(), tail);
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Sample(tail, 4, seed: 3, firstIndex: 3));
    }
}
