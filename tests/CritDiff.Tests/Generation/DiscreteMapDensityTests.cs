using CritDiff.Diffusion;
using CritDiff.Generation;
using CritDiff.Lattices;
using CritDiff.Statistics;
using static CritDiff.Tests.Generation.RealSpaceNonlinearOdeTests;

namespace CritDiff.Tests.Generation;

/// <summary>
/// The exact log-density of the discrete Heun map (<see cref="DiscreteMapDensity"/>, log-density method discrete; docs/science.md
/// section 11): log q(y_0) = log N(y_K) - sum_k log |det D Phi_k(y_k)|, D Phi from Jacobian-vector products and an LU.
/// </summary>
public class DiscreteMapDensityTests
{
    private static readonly VariancePreserving Vp = new();

    [Fact]
    public void ALinearWrongScoreGivesTheClosedFormLogDeterminantPerSample()
    {
        // A free field (d = 2, L = 4, mu2 = 0.5) and the exact Gaussian score of a deliberately wrong spectrum 1.3 C(k) + 0.2:
        // the Heun map is linear and diagonal in Fourier space, each mode's gain 1 + (h/2)(c0 + c1 (1 + h c0)) with
        // c = -f + (g^2/2) m, m = -1/(a^2 C'(k) + b^2), so log |det D Phi| = sum_k log |gain_k| per step. The real-space
        // determinant (16 x 16, non-diagonal in real space) must reproduce it at 1e-10 per sample, at K = 3 coarse steps.
        var field = RealSpaceTestCases.Field();
        var spectrum = field.SpectrumTable().Select(c => 1.3 * c + 0.2).ToArray();
        var score = TimeScore.ExactGaussian(field.Lattice, 1, spectrum, Vp);
        const int steps = 3, count = 20, v = 16;
        const double finalTime = 3, minTime = 0.02;
        const ulong seed = 5;
        var settings = new GenerationSettings(Samplers.Heun, steps, finalTime, minTime, Vp);
        var generated = RealSpaceSampler.Generate(score, Vp, settings, count, seed, options: new RealSpaceOptions(TraceEstimator.Discrete));
        Assert.Equal(TraceEstimator.Discrete, generated.LogDensityMethod);
        Assert.Equal(2 * steps, generated.TraceEvaluations);
        double logDeterminant = 0;
        for (int k = 0; k < steps; k++)
        {
            double t = settings.TimeAt(k), h = settings.StepSizeAt(k), t1 = t - h;
            foreach (double c in spectrum)
            {
                double c0 = -Vp.Drift(t) - 0.5 * Vp.DiffusionSquared(t) / (Vp.SignalScale(t) * Vp.SignalScale(t) * c + Vp.NoiseVariance(t));
                double c1 = -Vp.Drift(t1) - 0.5 * Vp.DiffusionSquared(t1) / (Vp.SignalScale(t1) * Vp.SignalScale(t1) * c + Vp.NoiseVariance(t1));
                logDeterminant += Math.Log(Math.Abs(1 + 0.5 * h * (c0 + c1 * (1 + h * c0))));
            }
        }
        double b = Math.Sqrt(Vp.NoiseVariance(finalTime));
        for (int i = 0; i < count; i++)
        {
            var z = new double[v];
            new RandomStream(seed, (ulong)i).FillGaussian(z);
            double expected = -0.5 * z.Sum(x => x * x) - 0.5 * v * Math.Log(2 * Math.PI * b * b) - logDeterminant;
            Assert.Equal(expected, generated.LogDensity![i], 1e-10);
        }
    }

    [Fact]
    public void TheDiscreteLogDensityOfANonlinearScoreIsTheFiniteDifferenceMapDensityAtCoarseSteps()
    {
        // TanhScore (nonlinear, non-diagonal, d = 1, L = 4, n = 2): the map's Jacobian by central differences of an independent
        // Heun integrator against the Jacobian-vector products of the sampler, at K = 4 and 8 (where the trapezoid rule is
        // far off): equal to 1e-7 (the differences' own error); the trapezoid differs by far more.
        var score = new TanhScore(new Lattice(1, 4), 2);
        double b = Math.Sqrt(Vp.NoiseVariance(4));
        foreach (int steps in new[] { 4, 8 })
        {
            var settings = new GenerationSettings(Samplers.Heun, steps, 4, 0.05);
            var discrete = RealSpaceSampler.Generate(score, Vp, settings, 3, 13, options: new RealSpaceOptions(TraceEstimator.Discrete));
            var trapezoid = RealSpaceSampler.Generate(score, Vp, settings, 3, 13, options: RealSpaceOptions.ExactLogDensity);
            Assert.Equal(trapezoid.Samples, discrete.Samples);
            for (int i = 0; i < 3; i++)
            {
                var start = new double[8];
                new RandomStream(13, (ulong)i).FillGaussian(start);
                double logStart = -0.5 * start.Sum(z => z * z) - 4 * Math.Log(2 * Math.PI * b * b);
                for (int j = 0; j < 8; j++) start[j] *= b;
                double exact = logStart - LogAbsDeterminant(Jacobian(score, settings, start));
                Assert.Equal(exact, discrete.LogDensity![i], 1e-7);
                Assert.True(Math.Abs(trapezoid.LogDensity![i] - exact) > 1e-4, $"K = {steps}: the trapezoid is already exact ({trapezoid.LogDensity[i] - exact})");
            }
        }
    }

    [Fact]
    public void TheTrapezoidDiffersFromTheDiscreteDensityByOrderHSquared()
    {
        // Same starting noise at K = 256, 512, 1024: the largest |log q_trapezoid - log q_discrete| over 4 samples falls 4x per
        // halving of the steps (log2 ratio 2 +- 0.3; measured 1.68 at 128 -> 256 and 16x at 16 -> 32: the asymptotic regime starts late).
        var score = new TanhScore(new Lattice(1, 4), 2);
        var gaps = new List<double>();
        foreach (int steps in new[] { 256, 512, 1024 })
        {
            var settings = new GenerationSettings(Samplers.Heun, steps, 4, 0.05);
            var discrete = RealSpaceSampler.Generate(score, Vp, settings, 4, 3, options: new RealSpaceOptions(TraceEstimator.Discrete));
            var trapezoid = RealSpaceSampler.Generate(score, Vp, settings, 4, 3, options: RealSpaceOptions.ExactLogDensity);
            gaps.Add(Enumerable.Range(0, 4).Max(i => Math.Abs(trapezoid.LogDensity![i] - discrete.LogDensity![i])));
        }
        string measured = string.Join(", ", gaps.Select(g => g.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(Math.Abs(Math.Log2(gaps[0] / gaps[1]) - 2) < 0.3 && Math.Abs(Math.Log2(gaps[1] / gaps[2]) - 2) < 0.3, $"gaps {measured}");
    }

    [Fact]
    public void TheDiscreteDensityDoesNotDependOnTheThreadCount()
    {
        var score = new TanhScore(new Lattice(1, 4), 2);
        var settings = new GenerationSettings(Samplers.Heun, 5, 4, 0.05);
        var options = new RealSpaceOptions(TraceEstimator.Discrete);
        var one = RealSpaceSampler.Generate(score, Vp, settings, 40, 9, maxDegreeOfParallelism: 1, options: options);
        var two = RealSpaceSampler.Generate(score, Vp, settings, 40, 9, maxDegreeOfParallelism: 2, options: options);
        Assert.Equal(one.LogDensity, two.LogDensity);
    }

    [Fact]
    public void LogAbsDeterminantMatchesAKnownMatrixAndParses()
    {
        // [[0, 2, 1], [3, 1, 0], [1, 1, 1]]: det = 0(1) - 2(3) + 1(3 - 1) = -4 (needs a pivot swap at the first column).
        double[] a = [0, 2, 1, 3, 1, 0, 1, 1, 1];
        Assert.Equal(Math.Log(4), DiscreteMapDensity.LogAbsDeterminant(a, 3), 1e-14);
        double[] singular = [1, 2, 2, 4];
        Assert.Equal(double.NegativeInfinity, DiscreteMapDensity.LogAbsDeterminant(singular, 2));
        Assert.Same(TraceEstimator.Discrete, TraceEstimator.Parse(" Discrete "));
        Assert.Equal("discrete", TraceEstimator.Discrete.Name);
        Assert.False(TraceEstimator.Discrete.HasError);
    }
}
