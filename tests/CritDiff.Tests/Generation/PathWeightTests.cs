using CritDiff.Diffusion;
using CritDiff.Generation;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Tests.Generation;

/// <summary>
/// Path-space importance weights of the stochastic samplers (docs/science.md section 11): w = exp(-S(y_0)) prod_k p_k / [pi
/// prod_k r_k], carried as the effective log q of <see cref="RealSpaceOptions.PathWeights"/>.
/// </summary>
public class PathWeightTests
{
    private static readonly VariancePreserving Vp = new();
    private const int Sites = 8;
    private const double FinalTime = 3, MinTime = 0.01;

    /// <summary>Independent sites with variances 0.5 .. 4 (linear in the site index).</summary>
    private static double[] Variances() => Enumerable.Range(0, Sites).Select(j => 0.5 + 3.5 * j / (Sites - 1)).ToArray();

    [Fact]
    public void PathWeightsGiveTheTargetVariancesAtAnyStepCount()
    {
        // Target: independent Gaussian sites, S(x) = sum_j x_j^2 / (2 sigma_j^2). The score is the exact diagonal score of
        // variances 30% too large, -y / (1.3 a^2 sigma^2 + b^2); VP from T = 3 to t_min = 0.01, reverse Euler-Maruyama. The weighted
        // y_0 follows exp(-S) exactly for any K (the extended target exp(-S(y_0)) prod p_k has marginal exp(-S)), so the
        // self-normalised variances hit sigma_j^2 within 4 standard errors (delta method) at K = 4, 16 and 64, while the
        // unweighted ones are many errors off; ESS/N grows with K.
        var variances = Variances();
        const int count = 20000;
        double previousEss = 0;
        foreach (int steps in new[] { 4, 16, 64 })
        {
            var generated = Generate(Samplers.EulerMaruyama, steps, count, 7, maxDegreeOfParallelism: -1);
            Assert.True(generated.PathWeights);
            var logWeights = LogWeights(generated, variances);
            double ess = ImportanceWeights.EffectiveSampleFraction(logWeights);
            Assert.True(ess > previousEss, $"ESS/N {ess} at K = {steps} does not exceed {previousEss}");
            previousEss = ess;
            double max = logWeights.Max();
            var w = logWeights.Select(l => Math.Exp(l - max)).ToArray();
            double sum = w.Sum();
            double worstPlain = 0;
            for (int j = 0; j < Sites; j++)
            {
                double weighted = 0, plain = 0;
                for (int i = 0; i < count; i++)
                {
                    double x2 = Square(generated.Samples[i * Sites + j]);
                    weighted += w[i] * x2;
                    plain += x2;
                }
                weighted /= sum;
                plain /= count;
                double spread = 0;
                for (int i = 0; i < count; i++) spread += Square(w[i] * (Square(generated.Samples[i * Sites + j]) - weighted));
                double error = Math.Sqrt(spread) / sum;
                Assert.True(Math.Abs(weighted - variances[j]) < 4 * error,
                    $"K = {steps}, site {j}: weighted variance {weighted} +- {error} against {variances[j]} (ESS/N {ess})");
                worstPlain = Math.Max(worstPlain, Math.Abs(plain - variances[j]) / (variances[j] * Math.Sqrt(2.0 / count)));
            }
            Assert.True(worstPlain > 10, $"K = {steps}: the unweighted variances are only {worstPlain} standard errors off");
        }
        // Measured: ESS/N 0.025, 0.24, 0.58 at K = 4, 16, 64 (docs/science.md section 11).
        Assert.True(previousEss > 0.4, $"ESS/N at K = 64 is {previousEss}");
    }

    [Theory]
    [InlineData("sde-em")]
    [InlineData("sde-exp")]
    public void TheLogWeightEqualsTheGaussianDensitiesWrittenOut(string name)
    {
        // Rebuild each sample's path from its random stream (start z, then one xi per step, as the sampler draws them), check
        // that it lands on the sample, and sum the Gaussian log-densities value by value: log N(y_K; 0, b(T)^2) +
        // sum_k [log N(y_{k-1}; mean_k, sigma_k^2) - log N(y_k; a_k y_{k-1}, b_k^2)], a_k and b_k from a(t) and b(t) directly.
        var sampler = Samplers.Parse(name);
        const int steps = 3, count = 5;
        const ulong seed = 11;
        var settings = new GenerationSettings(sampler, steps, FinalTime, MinTime, Vp);
        var generated = RealSpaceSampler.Generate(new ScaledSiteScore(Variances(), 1.3), Vp, settings, count, seed, options: RealSpaceOptions.PathWeightsOnly);
        var variances = Variances();
        for (int i = 0; i < count; i++)
        {
            var stream = new RandomStream(seed, (ulong)i);
            var y = new double[Sites];
            stream.FillGaussian(y);
            double bT = Math.Sqrt(Vp.NoiseVariance(FinalTime));
            double expected = 0;
            for (int j = 0; j < Sites; j++)
            {
                y[j] *= bT;
                expected += LogNormal(y[j], 0, bT * bT);
            }
            for (int k = 0; k < steps; k++)
            {
                double t = settings.TimeAt(k), h = settings.StepSizeAt(k), f = Vp.Drift(t), g2 = Vp.DiffusionSquared(t);
                double gain = name == "sde-em" ? 1 - h * f : Math.Exp(-f * h);
                double weight = name == "sde-em" ? h * g2 : g2 * (Math.Exp(-f * h) - 1) / -f;
                double noise = name == "sde-em" ? g2 * h : g2 * (Math.Exp(-2 * f * h) - 1) / (-2 * f);
                double aK = Vp.SignalScale(t) / Vp.SignalScale(t - h);
                double bK2 = Vp.NoiseVariance(t) - aK * aK * Vp.NoiseVariance(t - h);
                var xi = new double[Sites];
                stream.FillGaussian(xi);
                for (int j = 0; j < Sites; j++)
                {
                    double s = -y[j] / (Square(Vp.SignalScale(t)) * 1.3 * variances[j] + Vp.NoiseVariance(t));
                    double mean = gain * y[j] + weight * s;
                    double next = mean + Math.Sqrt(noise) * xi[j];
                    expected += LogNormal(next, mean, noise) - LogNormal(y[j], aK * next, bK2);
                    y[j] = next;
                }
            }
            for (int j = 0; j < Sites; j++) Assert.Equal(y[j], generated.Samples[i * Sites + j], 1e-9);
            // log q = log pi + sum log r - sum log p.
            Assert.Equal(expected, generated.LogDensity![i], 1e-8);
        }
    }

    [Fact]
    public void PathWeightsDoNotDependOnTheThreadCount()
    {
        var one = Generate(Samplers.ExponentialIntegrator, 8, 100, 3, maxDegreeOfParallelism: 1);
        var two = Generate(Samplers.ExponentialIntegrator, 8, 100, 3, maxDegreeOfParallelism: 2);
        Assert.Equal(one.Samples, two.Samples);
        Assert.Equal(one.LogDensity, two.LogDensity);
        // The samples themselves are those drawn without path weights.
        var plain = RealSpaceSampler.Generate(new ScaledSiteScore(Variances(), 1.3), Vp,
            new GenerationSettings(Samplers.ExponentialIntegrator, 8, FinalTime, MinTime, Vp), 100, 3);
        Assert.Equal(plain.Samples, one.Samples);
        Assert.Null(plain.LogDensity);
    }

    [Fact]
    public void SamplersWithoutAGaussianKernelAreRefused()
    {
        Assert.False(Samplers.PredictorCorrector.CarriesPathWeight);
        Assert.False(Samplers.Heun.CarriesPathWeight);
        Assert.Throws<ArgumentException>(() => Generate(Samplers.PredictorCorrector, 4, 4, 1, 1));
        Assert.Throws<ArgumentException>(() => new RealSpaceOptions(TraceEstimator.Exact, pathWeights: true));
        Assert.Throws<ArgumentException>(() => new RealSpaceOptions(denoise: true, pathWeights: true));
    }

    private static RealSpaceSamples Generate(Sampler sampler, int steps, int count, ulong seed, int maxDegreeOfParallelism) =>
        RealSpaceSampler.Generate(new ScaledSiteScore(Variances(), 1.3), Vp, new GenerationSettings(sampler, steps, FinalTime, MinTime, Vp),
            count, seed, maxDegreeOfParallelism: maxDegreeOfParallelism, options: RealSpaceOptions.PathWeightsOnly);

    /// <summary>log w = -S(y_0) - log q with S = sum_j x_j^2 / (2 sigma_j^2).</summary>
    private static double[] LogWeights(RealSpaceSamples generated, double[] variances)
    {
        var logWeights = new double[generated.Count];
        for (int i = 0; i < generated.Count; i++)
        {
            double action = 0;
            for (int j = 0; j < Sites; j++) action += Square(generated.Samples[i * Sites + j]) / (2 * variances[j]);
            logWeights[i] = -action - generated.LogDensity![i];
        }
        return logWeights;
    }

    private static double LogNormal(double x, double mean, double variance) =>
        -0.5 * Square(x - mean) / variance - 0.5 * Math.Log(2 * Math.PI * variance);

    private static double Square(double x) => x * x;

    /// <summary>The exact score of independent Gaussian sites of variances factor x sigma_j^2: -y / (a^2 factor sigma_j^2 + b^2).</summary>
    private sealed class ScaledSiteScore(double[] variances, double factor) : TimeScore(new Lattice(1, variances.Length), 1)
    {
        public override void Score(double t, ReadOnlySpan<double> x, int count, Span<double> score)
        {
            double a2 = Square(Vp.SignalScale(t)), b2 = Vp.NoiseVariance(t);
            int v = variances.Length;
            for (int i = 0; i < count; i++)
                for (int j = 0; j < v; j++)
                    score[i * v + j] = -x[i * v + j] / (a2 * factor * variances[j] + b2);
        }

        public override TimeScore Replica() => new ScaledSiteScore(variances, factor);
    }
}
