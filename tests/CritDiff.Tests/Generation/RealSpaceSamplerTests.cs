using System.Numerics;
using CritDiff.Diffusion;
using CritDiff.Generation;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Tests.Generation;

public class RealSpaceSamplerTests
{
    private static readonly VariancePreserving Vp = new();

    [Theory]
    [InlineData("sde-em")]
    [InlineData("sde-exp")]
    [InlineData("ode-heun")]
    [InlineData("pc")]
    [InlineData("pc", 0.5)]
    public void RealSpaceSchemeMatchesTheExactPerModeLaw(string scheme, double snr = LangevinCorrector.DefaultSignalToNoise)
    {
        // Exact Gaussian score of a free field (d = 2, L = 4, n = 2), VP, T = 6, t_min = 0.01 and only K = 30 steps, so the
        // schemes' laws differ visibly from each other and from S(k, t_min). 3000 samples x 2 components = 6000 draws of
        // |y~(k)|^2 per mode; each mode's mean must lie within 4 standard errors of the recursion's exact v(k). The exact
        // laws of Euler-Maruyama, the exponential integrator and Heun differ from each other by 14% or more on some mode
        // (about 10 standard errors); the corrector at r = 0.16 moves Euler-Maruyama's law by only 1.4%, hence also r = 0.5.
        var field = RealSpaceTestCases.Field();
        var settings = new GenerationSettings(RealSpaceTestCases.Sampler(scheme, snr), 30, 6, 0.01);
        var score = TimeScore.ExactGaussian(field.Lattice, 2, field.SpectrumTable(), Vp);
        var exact = RealSpaceTestCases.ExactVariance(settings, Vp, ScoreSchedule.Exact(field, Vp));
        const int count = 3000;
        var generated = RealSpaceSampler.Generate(score, Vp, settings, count, 41,
            options: scheme == "ode-heun" ? RealSpaceOptions.ExactLogDensity : null);
        Assert.Equal(scheme == "ode-heun", generated.LogDensity is not null);
        var measured = RealSpaceTestCases.MeasuredVariance(field.Lattice, 2, generated.Samples, count);
        for (int k = 0; k < exact.Length; k++)
            Assert.InRange(Math.Abs(measured[k].StandardScore(exact[k])), 0, Tolerances.StandardErrors);
    }

    [Theory]
    [InlineData("sde-exp")]
    [InlineData("pc")]
    [InlineData("ode-heun")]
    public void RealSpaceSchemeMatchesTheExactPerModeLawUnderVe(string scheme)
    {
        // The same check under VE (f = 0, g^2 = 1; the exponential integrator reduces to Euler-Maruyama): T = 10,
        // t_min = 0.05, K = 80, 2000 samples x 2 components, every mode within 4 standard errors.
        var ve = new VarianceExploding();
        var field = RealSpaceTestCases.Field();
        var settings = new GenerationSettings(Samplers.Parse(scheme), 80, 10, 0.05);
        var score = TimeScore.ExactGaussian(field.Lattice, 2, field.SpectrumTable(), ve);
        var exact = RealSpaceTestCases.ExactVariance(settings, ve, ScoreSchedule.Exact(field, ve));
        const int count = 2000;
        var generated = RealSpaceSampler.Generate(score, ve, settings, count, 43);
        var measured = RealSpaceTestCases.MeasuredVariance(field.Lattice, 2, generated.Samples, count);
        for (int k = 0; k < exact.Length; k++)
            Assert.InRange(Math.Abs(measured[k].StandardScore(exact[k])), 0, Tolerances.StandardErrors);
    }

    [Theory]
    [InlineData("sde-em")]
    [InlineData("ode-heun")]
    [InlineData("pc")]
    public void RealSpaceRecursionIsTheReverseProcessScheme(string scheme)
    {
        // Euler-Maruyama, Heun and the predictor-corrector in real space are, per mode, the ReverseProcess laws of the same
        // samplers on the same time grid (the corrector composed after the predictor: gain G_c G_p, noise G_c^2 N_p + N_c).
        var field = RealSpaceTestCases.Field();
        var settings = new GenerationSettings(Samplers.Parse(scheme), 30, 6, 0.01);
        var existing = new ReverseProcess(field.Lattice, Vp, ScoreSchedule.Exact(field, Vp),
            new GenerationSettings(Samplers.Parse(scheme), 30, 6, 0.01)).GeneratedVariance();
        var exact = RealSpaceTestCases.ExactVariance(settings, Vp, ScoreSchedule.Exact(field, Vp));
        for (int k = 0; k < exact.Length; k++) Assert.Equal(existing[k], exact[k], Tolerances.ClosedForm * existing[k]);
    }

    [Theory]
    [InlineData("sde-em", false)]
    [InlineData("ode-heun", true)]
    public void RealSpaceSlicedLinearModelMatchesTheReverseProcess(string scheme, bool interpolate)
    {
        // A trained linear network held at 5 log-spaced slices (here: the exact score's convolution kernels in a test-local
        // ScoreModel) generates, per mode, exactly the law ReverseProcess computes for ScoreSchedule.ExactOnGrid with the
        // same slice rule. 3000 samples, n = 1; every mode within 4 standard errors.
        var field = RealSpaceTestCases.Field();
        var grid = TimeGrid.LogSpaced(5, 0.01, 6);
        var model = new ConvolutionTestModel(field.Lattice, 1);
        var spectrum = field.SpectrumTable();
        var parameters = grid.Times.Select(t =>
        {
            var p = model.CreateParameters();
            RealSpaceTestCases.Kernel(field.Lattice, spectrum.Select(c => Vp.ExactScoreMultiplier(c, t)).ToArray()).CopyTo(p.Layers[0], 0);
            return p;
        }).ToArray();
        var score = TimeScore.Sliced(model, grid.Times, parameters, interpolate);
        var reverse = new ReverseProcess(field.Lattice, Vp, ScoreSchedule.ExactOnGrid(field, Vp, grid, interpolate),
            new GenerationSettings(Samplers.Parse(scheme), 24, 6, 0.01));
        var exact = reverse.GeneratedVariance();
        const int count = 3000;
        var generated = RealSpaceSampler.Generate(score, Vp, new GenerationSettings(Samplers.Parse(scheme), 24, 6, 0.01), count, 5);
        var measured = RealSpaceTestCases.MeasuredVariance(field.Lattice, 1, generated.Samples, count);
        for (int k = 0; k < exact.Length; k++)
            Assert.InRange(Math.Abs(measured[k].StandardScore(exact[k])), 0, Tolerances.StandardErrors);
    }

    [Fact]
    public void RealSpaceSlicedScoreInterpolatesScoresAndTraces()
    {
        // On a slice time the sliced score is that slice's network; between slices (interpolating) it is the linear blend,
        // so for exact kernels it equals the Gaussian score of the blended multiplier (1 - w) m_j + w m_{j+1}, and the trace
        // is n V K(0) = n sum_k m(k). Piecewise, 0.3 of the way from t_1 to t_2 uses slice 1 (nearest).
        var field = RealSpaceTestCases.Field();
        var lattice = field.Lattice;
        double[] times = [0.1, 0.5, 2.0];
        var model = new ConvolutionTestModel(lattice, 2);
        var spectrum = field.SpectrumTable();
        var multipliers = times.Select(t => spectrum.Select(c => Vp.ExactScoreMultiplier(c, t)).ToArray()).ToArray();
        var parameters = multipliers.Select(m =>
        {
            var p = model.CreateParameters();
            RealSpaceTestCases.Kernel(lattice, m).CopyTo(p.Layers[0], 0);
            return p;
        }).ToArray();
        var x = new double[3 * 2 * lattice.SiteCount];
        var rng = new RandomStream(3, 0);
        rng.FillGaussian(x);
        double t = 0.5 + 0.3 * 1.5;
        foreach (bool interpolate in new[] { true, false })
        {
            var sliced = TimeScore.Sliced(model, times, parameters, interpolate);
            double w = interpolate ? 0.3 : 0;
            var blended = multipliers[1].Zip(multipliers[2], (a, b) => (1 - w) * a + w * b).ToArray();
            var expected = new double[x.Length];
            new ConvolutionTestModel(lattice, 2).Forward(Parameters(model, RealSpaceTestCases.Kernel(lattice, blended)), x, 3, expected);
            var actual = new double[x.Length];
            sliced.Score(t, x, 3, actual);
            for (int i = 0; i < x.Length; i++) Assert.Equal(expected[i], actual[i], 1e-12);
            var trace = new double[3];
            sliced.JacobianTrace(t, x, 3, trace);
            foreach (double tr in trace) Assert.Equal(2 * blended.Sum(), tr, 1e-11);
        }
    }

    [Fact]
    public void RealSpaceGaussianScoreIsTheExactScore()
    {
        // s = -Sigma(t)^-1 x with the dense real-space covariance Sigma(x - y) = (1/V) sum_k S(k, t) cos(k.(x - y)):
        // Sigma s = -x to closed-form accuracy, and the trace is -n sum_k 1/S(k, t).
        var field = RealSpaceTestCases.Field(length: 6);
        var lattice = field.Lattice;
        int v = lattice.SiteCount;
        var score = TimeScore.ExactGaussian(lattice, 3, field.SpectrumTable(), Vp);
        var x = new double[2 * 3 * v];
        var rng = new RandomStream(7, 0);
        rng.FillGaussian(x);
        var s = new double[x.Length];
        const double t = 0.2;
        score.Score(t, x, 2, s);
        var noised = Vp.NoisedSpectrumTable(field.SpectrumTable(), t);
        var covariance = RealSpaceTestCases.Kernel(lattice, noised);
        var model = new ConvolutionTestModel(lattice, 3);
        var product = new double[x.Length];
        model.Forward(Parameters(model, covariance), s, 2, product);
        for (int i = 0; i < x.Length; i++) Assert.Equal(-x[i], product[i], 1e-11);
        var trace = new double[2];
        score.JacobianTrace(t, x, 2, trace);
        Assert.Equal(-3 * noised.Sum(c => 1 / c), trace[0], 1e-10);
    }

    [Theory]
    [InlineData("vp", 6.0, 12000)]
    [InlineData("ve", 20.0, 24000)]
    public void RealSpaceOdeLogDensityIsTheExactFlowDensity(string processName, double finalTime, int steps)
    {
        // Reference: for the exact score of a Gaussian law the continuous probability-flow ODE is linear per mode and
        // transports N(0, S(k, T)) onto N(0, S(k, t_min)), so its flow map is y~ -> sqrt(S(k, t_min)/S(k, T)) y~ and, started
        // from N(0, b(T)^2), its law at t_min is exactly Gaussian with v(k) = b(T)^2 S(k, t_min)/S(k, T) (closed form). The
        // sampler's log q (Heun on the augmented state) must equal log N(y; 0, v) at its own output y to 1e-6 relative.
        // Both the path and the trapezoid divergence integral err by O(h^2) (RealSpaceOdeLogDensityConvergesAtSecondOrder);
        // measured relative errors at K = 4000 were 2.3e-6 (vp) and 1.3e-5 (ve), so these K put them near 3e-7.
        var (field, tMin, variance, generated) = OdeRun(processName, finalTime, steps);
        for (int i = 0; i < generated.Count; i++)
        {
            double exact = RealSpaceTestCases.GaussianLogDensity(field.Lattice, generated.Configuration(i), variance);
            Assert.InRange(Math.Abs(generated.LogDensity![i] - exact), 0, 1e-6 * Math.Abs(exact));
        }
    }

    [Fact]
    public void RealSpaceOdeLogDensityConvergesAtSecondOrder()
    {
        // Halving the step divides the log-density error (against the closed-form flow law above) by 4: log2 ratio = 2 +- 0.1.
        double Error(int steps)
        {
            var (field, _, variance, generated) = OdeRun("vp", 6, steps);
            double max = 0;
            for (int i = 0; i < generated.Count; i++)
                max = Math.Max(max, Math.Abs(generated.LogDensity![i] -
                    RealSpaceTestCases.GaussianLogDensity(field.Lattice, generated.Configuration(i), variance)));
            return max;
        }
        Assert.InRange(Math.Log2(Error(500) / Error(1000)), 1.9, 2.1);
    }

    private static (CritDiff.Fields.GaussianField Field, double TMin, double[] Variance, RealSpaceSamples Generated) OdeRun(
        string processName, double finalTime, int steps)
    {
        var process = ForwardProcess.Parse(processName);
        var field = RealSpaceTestCases.Field();
        const double tMin = 0.05;
        var score = TimeScore.ExactGaussian(field.Lattice, 2, field.SpectrumTable(), process);
        var generated = RealSpaceSampler.Generate(score, process, new GenerationSettings(Samplers.Heun, steps, finalTime, tMin), 8, 11,
            options: RealSpaceOptions.ExactLogDensity);
        double b2 = process.NoiseVariance(finalTime);
        var variance = field.SpectrumTable().Select(c => b2 * process.NoisedSpectrum(c, tMin) / process.NoisedSpectrum(c, finalTime)).ToArray();
        return (field, tMin, variance, generated);
    }

    [Theory]
    [InlineData("pc")]
    [InlineData("ode-heun")]
    [InlineData("sde-exp")]
    public void RealSpaceSameSeedIsBitIdenticalForAnyThreadCount(string scheme)
    {
        // 37 samples (not a multiple of the chunk): one thread and all threads, the same seed twice, give the same bits;
        // another seed differs.
        var field = RealSpaceTestCases.Field();
        var score = TimeScore.ExactGaussian(field.Lattice, 1, field.SpectrumTable(), Vp);
        var settings = new GenerationSettings(Samplers.Parse(scheme), 20, 6, 0.01);
        var options = settings.Sampler.CarriesLogDensity ? RealSpaceOptions.ExactLogDensity : null;
        var one = RealSpaceSampler.Generate(score, Vp, settings, 37, 99, maxDegreeOfParallelism: 1, options: options);
        var all = RealSpaceSampler.Generate(score, Vp, settings, 37, 99, options: options);
        var other = RealSpaceSampler.Generate(score, Vp, settings, 37, 100, options: options);
        Assert.Equal(one.Samples, all.Samples);
        Assert.Equal(one.LogDensity, all.LogDensity);
        Assert.NotEqual(one.Samples, other.Samples);
    }

    [Fact]
    public void RealSpaceProgressCountsSamples()
    {
        var field = RealSpaceTestCases.Field();
        var score = TimeScore.ExactGaussian(field.Lattice, 1, field.SpectrumTable(), Vp);
        var reports = new System.Collections.Concurrent.ConcurrentBag<int>();
        var progress = new SynchronousProgress(reports.Add);
        RealSpaceSampler.Generate(score, Vp, new GenerationSettings(Samplers.EulerMaruyama, 5, 6, 0.01), 40, 1, progress);
        Assert.Equal(40, reports.Max());
        Assert.Equal(3, reports.Count);
    }

    private static NetworkParameters Parameters(ScoreModel model, double[] kernel)
    {
        var p = model.CreateParameters();
        kernel.CopyTo(p.Layers[0], 0);
        return p;
    }

    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
