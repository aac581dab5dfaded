using System.Numerics;
using CritDiff.Diffusion;
using CritDiff.Generation;
using CritDiff.Lattices;

namespace CritDiff.Tests.Generation;

public class SamplerRegistryTests
{
    private static readonly VariancePreserving Vp = new();

    [Fact]
    public void RegistryListsEverySamplerByNameWithItsHelp()
    {
        Assert.Equal(["sde-em", "sde-exp", "ode-heun", "pc"], Samplers.Names);
        foreach (var sampler in Samplers.All)
        {
            Assert.Same(sampler, Samplers.Parse(sampler.Name));
            Assert.Same(sampler, Samplers.Parse(sampler.Name.ToUpperInvariant()));
            Assert.Contains($"{sampler.Name} ({sampler.Help})", Samplers.Describe(), StringComparison.Ordinal);
        }
        Assert.Null(Samplers.Find("rk4"));
        var error = Assert.Throws<ArgumentException>(() => Samplers.Parse("rk4"));
        Assert.Contains("'rk4'", error.Message, StringComparison.Ordinal);
        Assert.Contains("sde-em, sde-exp, ode-heun, pc", error.Message, StringComparison.Ordinal);
        Assert.Equal("sde-em (Euler-Maruyama), sde-exp (exponential integrator), ode-heun (probability-flow ODE, Heun)",
            Samplers.Describe(s => s.Corrector is null));
        // The summary names of models trained on samples are the real-space scheme names written since issue 12.
        Assert.Equal(["EulerMaruyama", "ExponentialIntegrator", "Heun", "PredictorCorrector"], Samplers.All.Select(s => s.LegacyName));
        Assert.Equal([false, false, true, false], Samplers.All.Select(s => s.CarriesLogDensity));
    }

    /// <summary>The closed count of score evaluations per sample over K steps: one per Euler or exponential step, two per Heun
    /// step (start and predicted end), one predictor plus one corrector evaluation per pc step.</summary>
    private static int ClosedCount(string name, int steps) => name switch
    {
        "sde-em" or "sde-exp" => steps,
        "ode-heun" => 2 * steps,
        "pc" => steps + steps,
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [InlineData("sde-em")]
    [InlineData("sde-exp")]
    [InlineData("ode-heun")]
    [InlineData("pc")]
    public void RealSpaceSamplersReportTheScoreEvaluationsTheyMade(string name)
    {
        // A score that counts every configuration it is evaluated on (over all threads and replicas): 37 samples (three
        // chunks, the last partial) and K = 7 steps cost 37 x the closed count, and the samples report the closed count.
        var field = RealSpaceTestCases.Field();
        var counter = new CountingScore.Counter();
        var score = new CountingScore(TimeScore.ExactGaussian(field.Lattice, 1, field.SpectrumTable(), Vp), counter);
        var settings = new GenerationSettings(Samplers.Parse(name), 7, 6, 0.01);
        var generated = RealSpaceSampler.Generate(score, Vp, settings, 37, 3);
        Assert.Equal(ClosedCount(name, 7), generated.ScoreEvaluations);
        Assert.Equal(ClosedCount(name, 7), settings.ScoreEvaluations);
        Assert.Equal(37L * ClosedCount(name, 7), counter.Configurations);
    }

    [Theory]
    [InlineData("sde-em")]
    [InlineData("sde-exp")]
    [InlineData("ode-heun")]
    [InlineData("pc")]
    public void PerModeLawEvaluatesTheMultiplierAsOftenAsItReports(string name)
    {
        // The exact law evaluates the multiplier once per score evaluation of the sampler (each serves every sample).
        var field = RealSpaceTestCases.Field();
        var multiplier = new CountingMultiplier(ScoreSchedule.Exact(field, Vp));
        var reverse = new ReverseProcess(field.Lattice, Vp, multiplier, new GenerationSettings(Samplers.Parse(name), 9, 6, 0.01));
        reverse.GeneratedVariance();
        Assert.Equal(ClosedCount(name, 9), multiplier.Calls);
        Assert.Equal(ClosedCount(name, 9), reverse.ScoreEvaluations);
    }

    [Fact]
    public void GaussianScoreOffersItsMultiplierAndGetsTheExactLaw()
    {
        // The exact Gaussian score's multiplier is -1/S(k, t) (closed form), so its generated law is the one of the exact
        // score schedule, bit for bit, for every sampler.
        var field = RealSpaceTestCases.Field();
        var score = TimeScore.ExactGaussian(field.Lattice, 2, field.SpectrumTable(), Vp);
        IFourierMultiplier offered = Assert.IsAssignableFrom<IFourierMultiplier>(score);
        var m = new Complex[offered.ModeCount];
        offered.Multiplier(0.3, m);
        var spectrum = field.SpectrumTable();
        for (int k = 0; k < m.Length; k++) Assert.Equal(-1 / (Vp.SignalScale(0.3) * Vp.SignalScale(0.3) * spectrum[k] + Vp.NoiseVariance(0.3)), m[k].Real, Tolerances.ClosedForm);
        foreach (var sampler in Samplers.All)
        {
            var settings = new GenerationSettings(sampler, 12, 6, 0.01);
            Assert.Equal(new ReverseProcess(field.Lattice, Vp, ScoreSchedule.Exact(field, Vp), settings).GeneratedVariance(),
                new ReverseProcess(field.Lattice, Vp, offered, settings).GeneratedVariance());
        }
    }

    [Fact]
    public void PredictorCorrectorModeStepComposesTheLangevinStep()
    {
        // One step by hand: Euler-Maruyama gain/noise from m0 at t, then the Langevin step at t - h with eps = 2 r^2 b^2.
        var sampler = Samplers.PredictorCorrector;
        double t = 0.8, h = 0.05, f = Vp.Drift(t), g2 = Vp.DiffusionSquared(t);
        double m0 = -1.3, m1 = -1.7, eps = 2 * 0.16 * 0.16 * Vp.NoiseVariance(t - h);
        var (gain, noise) = sampler.ModeStep(Vp, t, h, m0, m1);
        double gp = 1 + h * (-f + g2 * m0), gc = 1 + eps * m1;
        Assert.Equal(gc * gp, gain.Real, Tolerances.ClosedForm);
        Assert.Equal(gc * gc * g2 * h + 2 * eps, noise, Tolerances.ClosedForm);
    }

    /// <summary>A score that forwards to another and counts the configurations it evaluates (shared by its replicas).</summary>
    private sealed class CountingScore(TimeScore inner, CountingScore.Counter counter) : TimeScore(inner.Lattice, inner.Components)
    {
        public sealed class Counter
        {
            private long _configurations;

            public long Configurations => Interlocked.Read(ref _configurations);

            public void Add(int count) => Interlocked.Add(ref _configurations, count);
        }

        public override void Score(double t, ReadOnlySpan<double> x, int count, Span<double> score)
        {
            counter.Add(count);
            inner.Score(t, x, count, score);
        }

        public override void JacobianTrace(double t, ReadOnlySpan<double> x, int count, Span<double> trace) => inner.JacobianTrace(t, x, count, trace);

        public override TimeScore Replica() => new CountingScore(inner.Replica(), counter);
    }

    private sealed class CountingMultiplier(IFourierMultiplier inner) : IFourierMultiplier
    {
        public int Calls { get; private set; }

        public int ModeCount => inner.ModeCount;

        public void Multiplier(double t, Span<Complex> multiplier)
        {
            Calls++;
            inner.Multiplier(t, multiplier);
        }
    }
}
