using CritDiff.Diffusion;
using CritDiff.Generation;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Tests.Generation;

public class RealSpaceNonlinearOdeTests
{
    private static readonly VariancePreserving Vp = new();

    [Fact]
    public void RealSpaceOdeLogDensityOfANonlinearScoreIsTheHeunMapDensity()
    {
        // A nonlinear, non-diagonal score (TanhScore) on d = 1, L = 4, n = 2 (8 values). The reference is the exact density
        // of the discrete Heun map Phi: y(T) -> y(t_min), log q(Phi(y)) = log N(y; 0, b(T)^2 I) - ln|det dPhi/dy|, with the
        // Jacobian by central differences of an independent Heun integrator (this test's own) and an LU determinant. The
        // sampler's trapezoid integral of div F differs from ln|det dPhi| by O(h^2) only (it would not if the trace were
        // taken at the wrong points or without its x-dependence): the error must fall 4x per halving (log2 ratio 2 +- 0.2)
        // and be below 1e-6 relative at K = 2000.
        var lattice = new Lattice(1, 4);
        var score = new TanhScore(lattice, 2);
        double[] errors = new double[2];
        double relative = 0;
        foreach (var (index, steps) in new[] { (0, 1000), (1, 2000) })
        {
            var settings = new GenerationSettings(Samplers.Heun, steps, 4, 0.05);
            var generated = RealSpaceSampler.Generate(score, Vp, settings, 3, 13, options: RealSpaceOptions.ExactLogDensity);
            for (int i = 0; i < generated.Count; i++)
            {
                // Sample i started from b(T) times the first 8 normals of RandomStream(13, i), as the sampler documents.
                var start = new double[8];
                var rng = new RandomStream(13, (ulong)i);
                rng.FillGaussian(start);
                double b = Math.Sqrt(Vp.NoiseVariance(4));
                double logStart = -0.5 * start.Sum(z => z * z) - 4 * Math.Log(2 * Math.PI * b * b);
                for (int j = 0; j < 8; j++) start[j] *= b;
                var end = Map(score, settings, start);
                for (int j = 0; j < 8; j++) Assert.Equal(end[j], generated.Configuration(i)[j], 1e-12);
                double exact = logStart - LogAbsDeterminant(Jacobian(score, settings, start));
                double error = Math.Abs(generated.LogDensity![i] - exact);
                errors[index] = Math.Max(errors[index], error);
                if (index == 1) relative = Math.Max(relative, error / Math.Abs(exact));
            }
        }
        Assert.InRange(Math.Log2(errors[0] / errors[1]), 1.8, 2.2);
        Assert.InRange(relative, 0, 1e-6);
    }

    /// <summary>Heun for dy/dtau = -f y + (g^2/2) s(y, t), written out independently of the sampler.</summary>
    internal static double[] Map(TanhScore score, GenerationSettings settings, double[] start)
    {
        var y = start.ToArray();
        int n = y.Length;
        var s = new double[n];
        var k1 = new double[n];
        var predicted = new double[n];
        for (int step = 0; step < settings.Steps; step++)
        {
            double t = settings.TimeAt(step), h = settings.StepSizeAt(step), t1 = t - h;
            score.Score(t, y, 1, s);
            for (int j = 0; j < n; j++)
            {
                k1[j] = -Vp.Drift(t) * y[j] + 0.5 * Vp.DiffusionSquared(t) * s[j];
                predicted[j] = y[j] + h * k1[j];
            }
            score.Score(t1, predicted, 1, s);
            for (int j = 0; j < n; j++) y[j] += 0.5 * h * (k1[j] - Vp.Drift(t1) * predicted[j] + 0.5 * Vp.DiffusionSquared(t1) * s[j]);
        }
        return y;
    }

    internal static double[,] Jacobian(TanhScore score, GenerationSettings settings, double[] start)
    {
        const double eps = 1e-5;
        int n = start.Length;
        var jacobian = new double[n, n];
        for (int c = 0; c < n; c++)
        {
            var plus = start.ToArray();
            var minus = start.ToArray();
            plus[c] += eps;
            minus[c] -= eps;
            var a = Map(score, settings, plus);
            var b = Map(score, settings, minus);
            for (int r = 0; r < n; r++) jacobian[r, c] = (a[r] - b[r]) / (2 * eps);
        }
        return jacobian;
    }

    /// <summary>ln|det A| by Gaussian elimination with partial pivoting.</summary>
    internal static double LogAbsDeterminant(double[,] a)
    {
        int n = a.GetLength(0);
        double log = 0;
        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c])) pivot = r;
            for (int k = 0; k < n; k++) (a[c, k], a[pivot, k]) = (a[pivot, k], a[c, k]);
            log += Math.Log(Math.Abs(a[c, c]));
            for (int r = c + 1; r < n; r++)
            {
                double factor = a[r, c] / a[c, c];
                for (int k = c; k < n; k++) a[r, k] -= factor * a[c, k];
            }
        }
        return log;
    }

    /// <summary>
    /// s_i(x, t) = -x_i / (a^2 + b^2) - 0.5 a^2 tanh(x_i) + 0.2 a^2 x_{i+1} (cyclic over all n V values): nonlinear and not
    /// diagonal; trace = sum_i [-1/(a^2 + b^2) - 0.5 a^2 / cosh^2(x_i)].
    /// </summary>
    internal sealed class TanhScore(Lattice lattice, int components) : TimeScore(lattice, components)
    {
        public override void Score(double t, ReadOnlySpan<double> x, int count, Span<double> score)
        {
            CheckScore(t, x.Length, count, score.Length);
            var (inverse, a2) = Coefficients(t);
            int width = ConfigurationLength;
            for (int c = 0; c < count; c++)
                for (int i = 0; i < width; i++)
                {
                    double xi = x[c * width + i], next = x[c * width + (i + 1) % width];
                    score[c * width + i] = -inverse * xi - 0.5 * a2 * Math.Tanh(xi) + 0.2 * a2 * next;
                }
        }

        public override void JacobianTrace(double t, ReadOnlySpan<double> x, int count, Span<double> trace)
        {
            CheckTrace(t, x.Length, count, trace.Length);
            var (inverse, a2) = Coefficients(t);
            int width = ConfigurationLength;
            for (int c = 0; c < count; c++)
            {
                double sum = 0;
                for (int i = 0; i < width; i++)
                {
                    double ch = Math.Cosh(x[c * width + i]);
                    sum += -inverse - 0.5 * a2 / (ch * ch);
                }
                trace[c] = sum;
            }
        }

        public override bool HasJacobianVectorProduct => true;

        /// <summary>(ds/dx) v: ds_i = [-inverse - 0.5 a^2 / cosh^2(x_i)] v_i + 0.2 a^2 v_{i+1}.</summary>
        protected override void JacobianVectorProductCore(double t, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, int count, Span<double> product)
        {
            var (inverse, a2) = Coefficients(t);
            int width = ConfigurationLength;
            for (int c = 0; c < count; c++)
                for (int i = 0; i < width; i++)
                {
                    double ch = Math.Cosh(x[c * width + i]);
                    product[c * width + i] = (-inverse - 0.5 * a2 / (ch * ch)) * tangent[c * width + i] + 0.2 * a2 * tangent[c * width + (i + 1) % width];
                }
        }

        public override TimeScore Replica() => new TanhScore(Lattice, Components);

        private static (double Inverse, double A2) Coefficients(double t)
        {
            double a = Vp.SignalScale(t);
            return (1 / (a * a + Vp.NoiseVariance(t)), a * a);
        }
    }
}
