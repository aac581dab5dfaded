using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Statistics;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// Fourier acceleration as a kernel option for any hopping-form model (issue 21): HMC with mass matrix C^-1, C the
/// propagator of the action's quadratic part, must keep the exact target. On phi^4 the quartic term stays in the force and
/// the Metropolis test, so the stationary &lt;phi^2&gt; must match a transfer-matrix evaluation of the exact law.
/// </summary>
public class FourierAccelerationTests
{
    /// <summary>
    /// d = 1, L = 6, n = 1 phi^4: &lt;phi_x^2&gt; = Tr(D T^L) / Tr(T^L) with T(u, w) = sqrt(g(u)) e^(c u w) sqrt(g(w)),
    /// g = e^-U, D = diag(u^2), on a trapezoid grid of 301 points over [-4.5, 4.5] (the integrand is entire and decays like
    /// e^(-lambda u^4): truncation and grid errors are far below the statistical error). The chain: 4 chains x 20000 trajectories, mean within
    /// <see cref="Tolerances.StandardErrors"/> autocorrelation-corrected standard errors.
    /// </summary>
    [Theory]
    [InlineData(0.3, 0.5, null)] // quadratic part 2a - 2dc = 0.8 > 0: its own mass
    [InlineData(0.6, 0.5, 0.5)] // quadratic part 2 - 2.4 < 0: a reference mass is needed
    public void Phi4StationaryMeanOfPhiSquaredIsExact(double kappa, double lambda, double? massSquared)
    {
        var model = new Phi4Model(new Lattice(1, 6), 1, kappa, lambda);
        var kernel = HybridMonteCarlo.FourierAcceleratedHoppingForm(model, massSquared);
        Assert.True(kernel.FourierAccelerated);
        Assert.Equal("fa-hmc", kernel.Name);
        double exact = TransferMatrixPhiSquared(6, 2 * kappa, lambda);
        var stats = LocalSquare(kernel, chains: 4, sweeps: 20_000, seed: 3);
        Assert.True(Math.Abs(stats.Mean - exact) <= Tolerances.StandardErrors * stats.Error,
            $"<phi^2> = {stats} against the transfer matrix's {exact:G10} ({stats.StandardScore(exact):F2} standard errors)");
    }

    /// <summary>Two components (the multiplier applied to each): fa-hmc against plain HMC, both exact kernels, d = 1, L = 4.</summary>
    [Fact]
    public void TwoComponentPhi4AgreesWithPlainHmc()
    {
        var model = new Phi4Model(new Lattice(1, 4), 2, 0.3, 0.5);
        var fa = LocalSquare(HybridMonteCarlo.FourierAcceleratedHoppingForm(model), chains: 4, sweeps: 10_000, seed: 5);
        var plain = LocalSquare(HybridMonteCarlo.HoppingForm(model), chains: 4, sweeps: 10_000, seed: 7);
        double sigma = Math.Sqrt(fa.Error * fa.Error + plain.Error * plain.Error);
        Assert.True(Math.Abs(fa.Mean - plain.Mean) <= Tolerances.StandardErrors * sigma, $"fa-hmc {fa} against hmc {plain}");
    }

    /// <summary>
    /// On the Gaussian field the hopping form's reference propagator is the field's own C(k) (closed form), and fa-hmc's
    /// stationary &lt;phi^2&gt; is (1/V) sum_k C(k).
    /// </summary>
    [Fact]
    public void GaussianReferencePropagatorIsTheFieldsAndTheTargetIsKept()
    {
        var field = GaussianField.AtMassSquared(new Lattice(2, 4), 0.3);
        var c = field.SpectrumTable();
        var reference = HoppingAction.Of(field);
        var propagator = reference.ReferencePropagator(reference.QuadraticMassSquared);
        for (int k = 0; k < c.Length; k++) Assert.Equal(c[k], propagator[k], 1e-12 * c[k]);
        var stats = LocalSquare(HybridMonteCarlo.FourierAcceleratedHoppingForm(field), chains: 2, sweeps: 10_000, seed: 9);
        double exact = c.Average();
        Assert.True(Math.Abs(stats.Mean - exact) <= Tolerances.StandardErrors * stats.Error, $"<phi^2> = {stats}, exact {exact:G10}");
    }

    [Fact]
    public void ANonPositiveQuadraticPartNeedsAReferenceMass()
    {
        var model = new Phi4Model(new Lattice(2, 4), 1, 0.27, 1); // 2a - 2dc = 2 - 2.16 < 0
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => HybridMonteCarlo.FourierAcceleratedHoppingForm(model));
        Assert.Contains("reference mass", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => HybridMonteCarlo.FourierAcceleratedHoppingForm(model, 0.0));
        Assert.Throws<ArgumentException>(() => HybridMonteCarlo.FourierAcceleratedHoppingForm(SpinModel.AtBeta(new Lattice(2, 4), 2, 0.5)));
    }

    /// <summary>(1/(nV)) sum |phi_x|^2 over chains run by the one chain driver, combined as independent estimates.</summary>
    private static Stats LocalSquare(ModelKernel kernel, int chains, int sweeps, ulong seed)
    {
        var settings = new ModelMcmcSettings(sweeps, 1_000, chains, seed, Threads: 1);
        var perChain = new Stats[chains];
        for (int c = 0; c < chains; c++)
        {
            var chain = ModelMcmc.StartChain(kernel, settings, c, CancellationToken.None);
            var series = new double[sweeps];
            for (int t = 0; t < sweeps; t++)
            {
                kernel.Sweep(chain);
                double sum = 0;
                foreach (double p in chain.Configuration) sum += p * p;
                series[t] = sum / chain.Configuration.Length;
            }
            perChain[c] = Autocorrelation.Mean(series);
        }
        double mean = perChain.Average(s => s.Mean);
        return new Stats(mean, Math.Sqrt(perChain.Sum(s => s.Error * s.Error)) / chains, perChain.Average(s => s.TauInt));
    }

    /// <summary>
    /// Exact &lt;phi_x^2&gt; of 1D periodic phi^4 (n = 1, a = 1) with hopping c and even <paramref name="length"/> by the
    /// transfer matrix: diag(T^L) from the rows and columns of T^(L/2).
    /// </summary>
    private static double TransferMatrixPhiSquared(int length, double hopping, double lambda)
    {
        const int points = 301;
        const double range = 4.5;
        double h = 2 * range / (points - 1);
        var u = Enumerable.Range(0, points).Select(i => -range + i * h).ToArray();
        var root = u.Select(x => Math.Sqrt(h * Math.Exp(-(x * x + lambda * (x * x - 1) * (x * x - 1))))).ToArray();
        var t = new double[points][];
        for (int i = 0; i < points; i++)
        {
            t[i] = new double[points];
            for (int j = 0; j < points; j++) t[i][j] = root[i] * Math.Exp(hopping * u[i] * u[j]) * root[j];
        }
        var half = t;
        for (int k = 1; k < length / 2; k++) half = Multiply(half, t);
        double z = 0, moment = 0;
        for (int i = 0; i < points; i++)
        {
            double diagonal = 0;
            for (int j = 0; j < points; j++) diagonal += half[i][j] * half[j][i];
            z += diagonal;
            moment += u[i] * u[i] * diagonal;
        }
        return moment / z;
    }

    private static double[][] Multiply(double[][] a, double[][] b)
    {
        int n = a.Length;
        var c = new double[n][];
        for (int i = 0; i < n; i++)
        {
            var row = c[i] = new double[n];
            for (int k = 0; k < n; k++)
            {
                double aik = a[i][k];
                var bk = b[k];
                for (int j = 0; j < n; j++) row[j] += aik * bk[j];
            }
        }
        return c;
    }
}
