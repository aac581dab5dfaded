using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;

namespace CritDiff.Tests.Generation;

public class ReverseProcessTests
{
    private static readonly VariancePreserving Vp = new();

    private static (double Kl, double RatioError) Errors(GaussianField field, string scheme, int steps, double tMax = 12, double tMin = 0.01)
    {
        var law = new GeneratedLaw(field.Lattice, GenerationTestCases.Reverse(field, scheme, steps, tMax, tMin).GeneratedVariance());
        var target = Vp.NoisedSpectrumTable(field.SpectrumTable(), tMin);
        return (law.KlPerSite(target), Math.Abs(law.Ratio(target)[0] - 1));
    }

    [Theory]
    [InlineData("sde-em", 1)]
    [InlineData("sde-exp", 1)]
    [InlineData("ode-heun", 2)]
    public void ConvergenceOrdersMatchTheSchemes(string scheme, int order)
    {
        // Halving h divides r - 1 by 2^p and KL by 4^p (KL is quadratic in r - 1): measured from three step
        // sizes, log2 of successive error ratios must be p +- 0.1 (variance) and 2p +- 0.2 (KL).
        // T = 12 makes the start's error (~ e^{-2T} chi) negligible against the discretisation error.
        var field = GenerationTestCases.Field(6);
        var errors = new[] { 200, 400, 800 }.Select(k => Errors(field, scheme, k)).ToArray();
        for (int i = 1; i < errors.Length; i++)
        {
            Assert.InRange(Math.Log2(errors[i - 1].RatioError / errors[i].RatioError), order - 0.1, order + 0.1);
            Assert.InRange(Math.Log2(errors[i - 1].Kl / errors[i].Kl), 2 * order - 0.2, 2 * order + 0.2);
        }
    }

    [Fact]
    public void ExactScoreKlVanishesAsStepsAndFinalTimeGrow()
    {
        var field = GenerationTestCases.Field(6);
        double coarse = Errors(field, "sde-exp", 50, tMax: 3).Kl;
        double finer = Errors(field, "sde-exp", 400, tMax: 6).Kl;
        double finest = Errors(field, "sde-exp", 3200, tMax: 12).Kl;
        Assert.True(finer < coarse / 10 && finest < finer / 10, $"{coarse} {finer} {finest}");
        Assert.True(finest < 1e-5);
        // A short T leaves the start's mismatch: KL stays above the discretisation error however fine the steps.
        Assert.True(Errors(field, "sde-exp", 3200, tMax: 1).Kl > 100 * finest);
    }

    [Theory]
    [InlineData("sde-em")]
    [InlineData("sde-exp")]
    [InlineData("ode-heun")]
    public void SampleSpectrumMatchesTheExactRecursion(string scheme)
    {
        // Chi-square over independent modes of the generated samples' power against v(k), as for the exact sampler.
        var field = GenerationTestCases.Field(6);
        var reverse = GenerationTestCases.Reverse(field, scheme, 30, tMax: 4, tMin: 0.05,
            score: GenerationTestCases.ScaledExact(field, 0.9, 0.05, 4));
        var variance = reverse.GeneratedVariance();
        const int n = 3000;
        var samples = reverse.Generate(n, seed: 21);
        AssertPowerMatchesVariance(field, samples, n, variance);
    }

    /// <summary>Chi-square over independent modes of the samples' power against the exact per-mode variance v(k).</summary>
    private static void AssertPowerMatchesVariance(GaussianField field, double[] samples, int n, double[] variance)
    {
        var (mean, _) = FieldMeasurement.PowerSpectrum(field.Lattice, samples, n);
        double chiSquare = 0;
        int modes = 0;
        for (int k = 0; k < variance.Length; k++)
        {
            int minus = field.Lattice.NegatedMode(k);
            if (minus < k) continue;
            double z = (mean[k] / variance[k] - 1) / Math.Sqrt((minus == k ? 2.0 : 1.0) / n);
            chiSquare += z * z;
            modes++;
        }
        Assert.InRange(chiSquare, modes - Tolerances.StandardErrors * Math.Sqrt(2 * modes), modes + Tolerances.StandardErrors * Math.Sqrt(2 * modes));
    }

    [Fact]
    public void StepWindowsKeepTheLawAndThreadIndependence()
    {
        // A table limit of 3 steps' coefficients makes the sampler run K = 20 steps in windows of 3 (the path of very
        // large lattices): the samples' power must still match the exact recursion, and the bits must not depend on
        // the thread count.
        var field = GenerationTestCases.Field(6);
        var full = GenerationTestCases.Reverse(field, "sde-exp", 20, tMax: 4, tMin: 0.05,
            score: GenerationTestCases.ScaledExact(field, 0.9, 0.05, 4));
        var windowed = new ReverseProcess(full.Lattice, full.Process, full.Score, full.Settings) { TableLimit = 3 * (3 * 16 + 2 * 4) }; // L = 6: 16 pairs, 4 self-conjugate modes
        var variance = windowed.GeneratedVariance();
        const int n = 3000;
        var samples = windowed.Generate(n, seed: 23);
        Assert.Equal(samples, windowed.Generate(n, seed: 23, maxDegreeOfParallelism: 1));
        Assert.NotEqual(samples, full.Generate(n, seed: 23)); // the draws are consumed in another order
        AssertPowerMatchesVariance(field, samples, n, variance);
    }

    [Fact]
    public void SamplesAreIdenticalForAnyThreadCountAndSeedDependent()
    {
        var field = GenerationTestCases.Field(6);
        var reverse = GenerationTestCases.Reverse(field, "sde-em", 20, tMax: 3);
        Assert.Equal(reverse.Generate(70, 5, 1), reverse.Generate(70, 5, Environment.ProcessorCount));
        Assert.NotEqual(reverse.Generate(4, 5), reverse.Generate(4, 6));
        Assert.Equal(20, reverse.ScoreEvaluations); // K score evaluations per sample for SDE schemes, 2K for Heun
        Assert.Equal(40, GenerationTestCases.Reverse(field, "ode-heun", 20, tMax: 3).ScoreEvaluations);
    }

    [Fact]
    public void SlicedScoreUsesNearestOrInterpolatedSlices()
    {
        var times = new[] { 1.0, 2.0 };
        var a = new[] { new System.Numerics.Complex(1, 0) };
        var b = new[] { new System.Numerics.Complex(3, 0) };
        var m = new System.Numerics.Complex[1];
        ScoreSchedule.Sliced(times, [a, b], interpolate: true).Multiplier(1.25, m);
        Assert.Equal(1.5, m[0].Real, 1e-15);
        ScoreSchedule.Sliced(times, [a, b], interpolate: false).Multiplier(1.25, m);
        Assert.Equal(1.0, m[0].Real);
        ScoreSchedule.Sliced(times, [a, b], interpolate: true).Multiplier(5, m);
        Assert.Equal(3.0, m[0].Real);
    }

    [Fact]
    public void GeneratedLawOfTheTargetHasZeroKlAndFullEss()
    {
        var field = GenerationTestCases.Field(6);
        var c = field.SpectrumTable();
        var law = new GeneratedLaw(field.Lattice, c);
        Assert.Equal(0, law.KlPerSite(c), 1e-15);
        Assert.Equal(1, law.EffectiveSampleFraction(c), 1e-14);
        Assert.Equal(field.Susceptibility, law.Susceptibility, 1e-10 * field.Susceptibility);
        Assert.Equal(field.Energy, law.Energy, 1e-12);
        Assert.Equal(field.SecondMomentCorrelationLength, law.SecondMomentLength, 1e-10);
        Assert.Equal(1, law.LocalVariance, 1e-12);
    }
}
