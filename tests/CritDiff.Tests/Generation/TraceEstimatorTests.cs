using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Tests.Generation;

/// <summary>
/// Jacobian-vector products, the coloured exact trace and Hutchinson's estimator (issue 22), against dense matrices, finite
/// differences and the Jacobian diagonal.
/// </summary>
public class TraceEstimatorTests
{
    private static readonly VariancePreserving Vp = new();

    /// <summary>A per-slice score of <paramref name="arch"/> with every parameter N(0, scale^2) (the trained-like start has K_out = 0).</summary>
    internal static SlicedScore RandomScore(string arch, Lattice lattice, int components, double scale, ulong seed, double[]? times = null)
    {
        var model = NetworkCatalog.Parse(arch).Create(lattice, components, 1);
        times ??= [0.5];
        var rng = new RandomStream(seed, 0);
        var parameters = times.Select(_ =>
        {
            var p = model.CreateParameters();
            model.Initialize(p, 2, ref rng);
            foreach (var layer in p.Layers)
                for (int i = 0; i < layer.Length; i++) layer[i] += scale * rng.NextGaussian();
            return p;
        }).ToArray();
        return TimeScore.Sliced(model, times, parameters, interpolate: true);
    }

    private static double[] Gaussians(int length, ulong seed)
    {
        var values = new double[length];
        new RandomStream(seed, 1).FillGaussian(values);
        return values;
    }

    /// <summary>The dense covariance of a field with per-mode spectrum S(k): (1/V) sum_k S(k) cos(k . (x - y)), by explicit sums.</summary>
    internal static double[,] DenseCovariance(Lattice lattice, Func<int, double> spectrum)
    {
        int v = lattice.SiteCount, d = lattice.Dimension;
        var matrix = new double[v, v];
        var cx = new int[d];
        var cy = new int[d];
        for (int x = 0; x < v; x++)
            for (int y = 0; y < v; y++)
            {
                lattice.Coordinates(x, cx);
                lattice.Coordinates(y, cy);
                double sum = 0;
                for (int k = 0; k < v; k++)
                {
                    double phase = 0;
                    for (int mu = 0; mu < d; mu++) phase += lattice.Momentum(k, mu) * (cx[mu] - cy[mu]);
                    sum += spectrum(k) * Math.Cos(phase);
                }
                matrix[x, y] = sum / v;
            }
        return matrix;
    }

    [Fact]
    public void GaussianScoreJacobianVectorProductIsTheDenseMatrix()
    {
        // s = -Sigma_t^-1 x with the dense noised covariance Sigma_t(x, y) = (1/V) sum_k S(k, t) cos(k.(x - y)) (explicit sums,
        // no FFT): for random tangents v of 3 configurations (n = 2, d = 2, L = 4) the product p must satisfy Sigma_t p = -v per
        // component to 1e-11 (dense brute force), whatever x.
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 4), 0.25);
        var lattice = field.Lattice;
        var spectrum = field.SpectrumTable();
        const double t = 0.3;
        var score = TimeScore.ExactGaussian(lattice, 2, spectrum, Vp);
        var sigma = DenseCovariance(lattice, k => Vp.NoisedSpectrum(spectrum[k], t));
        int v = lattice.SiteCount, width = 2 * v;
        var x = Gaussians(3 * width, 1);
        var tangent = Gaussians(3 * width, 2);
        var product = new double[3 * width];
        Assert.True(score.HasJacobianVectorProduct);
        score.JacobianVectorProduct(t, x, tangent, 3, product);
        for (int f = 0; f < 6; f++)
            for (int r = 0; r < v; r++)
            {
                double sum = 0;
                for (int c = 0; c < v; c++) sum += sigma[r, c] * product[f * v + c];
                Assert.Equal(-tangent[f * v + r], sum, Tolerances.DenseBruteForce);
            }
    }

    [Theory]
    [InlineData("conv:3:1", 2, 8, 2)]     // D = 1: the closed-form diagonal; reach 2, P = 4
    [InlineData("conv:3:1:2", 2, 8, 1)]   // D = 2: the network's own coloured diagonal; reach 3, P = 4
    [InlineData("conv:2:1:3:odd", 1, 16, 1)] // reach 4, P = 8
    [InlineData("one-layer", 2, 4, 1)]    // linear, global: one colour per site
    [InlineData("two-layer-local:1", 2, 4, 2)]
    public void ColouredTraceEqualsTheSumOfTheJacobianDiagonal(string arch, int d, int length, int components)
    {
        // The forward-mode trace over a colouring of the sites must equal the sum of JacobianDiagonal (closed form or the
        // network's own colouring) for 5 random configurations, to 1e-12 relative (summation order only).
        var lattice = new Lattice(d, length);
        var score = RandomScore(arch, lattice, components, 0.3, 7);
        Assert.True(score.HasJacobianVectorProduct);
        var x = Gaussians(5 * score.ConfigurationLength, 3);
        var coloured = new double[5];
        var diagonal = new double[5];
        score.ColouredTrace(0.5, x, 5, coloured);
        score.JacobianTrace(0.5, x, 5, diagonal);
        for (int i = 0; i < 5; i++) Assert.Equal(diagonal[i], coloured[i], Tolerances.ClosedForm * Math.Max(1, Math.Abs(diagonal[i])));
    }

    [Theory]
    [InlineData("conv:2:1:2")]
    [InlineData("conv:3:1")]
    public void JacobianVectorProductAndColouredTraceMatchCentralDifferences(string arch)
    {
        // Brute force on d = 1, L = 8, n = 2 (16 values): the dense Jacobian by central differences of the score (eps = 1e-5,
        // error O(eps^2 s''') ~ 1e-10 at these weights). The JVP of a random tangent must equal J v and the coloured trace
        // (reach 3, P = 4: four colours) the sum of J's diagonal, both to 1e-7.
        var lattice = new Lattice(1, 8);
        var score = RandomScore(arch, lattice, 2, 0.4, 11);
        int width = score.ConfigurationLength;
        var x = Gaussians(width, 5);
        var tangent = Gaussians(width, 6);
        const double eps = 1e-5, t = 0.5;
        var jacobian = new double[width, width];
        var plus = new double[width];
        var minus = new double[width];
        for (int c = 0; c < width; c++)
        {
            var xp = x.ToArray();
            var xm = x.ToArray();
            xp[c] += eps;
            xm[c] -= eps;
            score.Score(t, xp, 1, plus);
            score.Score(t, xm, 1, minus);
            for (int r = 0; r < width; r++) jacobian[r, c] = (plus[r] - minus[r]) / (2 * eps);
        }
        var product = new double[width];
        score.JacobianVectorProduct(t, x, tangent, 1, product);
        for (int r = 0; r < width; r++)
        {
            double expected = 0;
            for (int c = 0; c < width; c++) expected += jacobian[r, c] * tangent[c];
            Assert.Equal(expected, product[r], 1e-7);
        }
        double dense = 0;
        for (int r = 0; r < width; r++) dense += jacobian[r, r];
        var trace = new double[1];
        score.ColouredTrace(t, x, 1, trace);
        Assert.Equal(dense, trace[0], 1e-7);
    }

    [Fact]
    public void HutchinsonLogDensityAgreesWithTheExactOneWithinItsError()
    {
        // A nonlinear conv:2:1 score (random weights, d = 2, L = 4, n = 1) on 4 slices, the probability-flow ODE with K = 20:
        // the same seed gives the same samples with the exact trace and with hutchinson:4 (the probes have their own streams).
        // Each sample's z = (log q_H - log q_exact) / SE_H, SE_H the reported error accumulated over 2K traces, is close to
        // N(0, 1): every |z| <= 5 (48 samples, p ~ 6e-7 each), mean z within 4 standard errors (4 / sqrt N) of 0, and the mean
        // of z^2 in [0.5, 1.6] (its 4-SE band for N = 48 is 1 +- 0.82; the error must neither be far too large nor too small).
        var lattice = new Lattice(2, 4);
        var score = RandomScore("conv:2:1", lattice, 1, 0.3, 13, [0.05, 0.3, 1, 4]);
        var settings = new GenerationSettings(Samplers.Heun, 20, 4, 0.05);
        const int count = 48;
        var exact = RealSpaceSampler.Generate(score, Vp, settings, count, 21, options: RealSpaceOptions.ExactLogDensity);
        var hutchinson = RealSpaceSampler.Generate(score, Vp, settings, count, 21, options: new RealSpaceOptions(new HutchinsonTrace(4)));
        Assert.Equal(exact.Samples, hutchinson.Samples);
        Assert.Null(exact.LogDensityError);
        var z = new double[count];
        for (int i = 0; i < count; i++)
        {
            Assert.True(hutchinson.LogDensityError![i] > 0);
            z[i] = (hutchinson.LogDensity![i] - exact.LogDensity![i]) / hutchinson.LogDensityError[i];
            Assert.InRange(Math.Abs(z[i]), 0, 5);
        }
        Assert.InRange(Math.Abs(z.Average()), 0, Tolerances.StandardErrors / Math.Sqrt(count));
        Assert.InRange(z.Average(v => v * v), 0.5, 1.6);
        Assert.Equal(40, hutchinson.TraceEvaluations);
    }

    [Fact]
    public void HutchinsonIsReproducibleForAnyThreadCount()
    {
        var lattice = new Lattice(2, 4);
        var score = RandomScore("conv:2:1", lattice, 1, 0.3, 13, [0.05, 4]);
        var settings = new GenerationSettings(Samplers.Heun, 6, 4, 0.05);
        var options = new RealSpaceOptions(TraceEstimator.Parse("hutchinson:3"));
        var one = RealSpaceSampler.Generate(score, Vp, settings, 37, 5, maxDegreeOfParallelism: 1, options: options);
        var all = RealSpaceSampler.Generate(score, Vp, settings, 37, 5, options: options);
        Assert.Equal(one.LogDensity, all.LogDensity);
        Assert.Equal(one.LogDensityError, all.LogDensityError);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NoTraceIsEvaluatedWithoutALogDensity(bool asked)
    {
        // A score that counts its trace and Jacobian-vector-product calls per configuration (all threads): ode-heun over
        // K = 7 steps and 37 samples evaluates 37 x 2K traces with the exact log-density and none without it.
        var field = RealSpaceTestCases.Field();
        var counter = new TraceCountingScore.Counter();
        var score = new TraceCountingScore(TimeScore.ExactGaussian(field.Lattice, 1, field.SpectrumTable(), Vp), counter);
        var settings = new GenerationSettings(Samplers.Heun, 7, 6, 0.01);
        var generated = RealSpaceSampler.Generate(score, Vp, settings, 37, 3, options: asked ? RealSpaceOptions.ExactLogDensity : null);
        Assert.Equal(asked ? 37L * 14 : 0, counter.Traces);
        Assert.Equal(0, counter.Products);
        Assert.Equal(asked ? 14 : 0, generated.TraceEvaluations);
        Assert.Equal(asked, generated.LogDensity is not null);
        Assert.Equal(14, generated.ScoreEvaluations);
    }

    [Fact]
    public void TraceEstimatorNamesParseAndBadOnesAreRefused()
    {
        Assert.Same(TraceEstimator.Exact, TraceEstimator.Parse("exact"));
        Assert.Equal(new HutchinsonTrace(HutchinsonTrace.DefaultProbes), TraceEstimator.Parse("hutchinson"));
        Assert.Equal("hutchinson:16", TraceEstimator.Parse("hutchinson:16").Name);
        foreach (string bad in new[] { "", "none", "hutchinson:1", "hutchinson:0", "hutchinson:x", "hutchinson:1025", "hutchinson:-3" })
            Assert.Throws<ArgumentException>(() => TraceEstimator.Parse(bad));
        var field = RealSpaceTestCases.Field();
        var score = TimeScore.ExactGaussian(field.Lattice, 1, field.SpectrumTable(), Vp);
        Assert.Throws<ArgumentException>(() => RealSpaceSampler.Generate(score, Vp, new GenerationSettings(Samplers.EulerMaruyama, 3, 6, 0.01), 4, 1,
            options: RealSpaceOptions.ExactLogDensity));
        Assert.Throws<ArgumentException>(() => new RealSpaceOptions(TraceEstimator.Exact, denoise: true));
    }

    /// <summary>Counts trace and JVP evaluations per configuration, over every replica.</summary>
    private sealed class TraceCountingScore(TimeScore inner, TraceCountingScore.Counter counter) : TimeScore(inner.Lattice, inner.Components)
    {
        public sealed class Counter
        {
            private long _traces, _products;

            public long Traces => Interlocked.Read(ref _traces);

            public long Products => Interlocked.Read(ref _products);

            public void AddTraces(int count) => Interlocked.Add(ref _traces, count);

            public void AddProducts(int count) => Interlocked.Add(ref _products, count);
        }

        public override bool HasJacobianVectorProduct => true;

        public override void Score(double t, ReadOnlySpan<double> x, int count, Span<double> score) => inner.Score(t, x, count, score);

        public override void JacobianTrace(double t, ReadOnlySpan<double> x, int count, Span<double> trace)
        {
            counter.AddTraces(count);
            inner.JacobianTrace(t, x, count, trace);
        }

        protected override void JacobianVectorProductCore(double t, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, int count, Span<double> product)
        {
            counter.AddProducts(count);
            inner.JacobianVectorProduct(t, x, tangent, count, product);
        }

        public override TimeScore Replica() => new TraceCountingScore(inner.Replica(), counter);
    }
}
