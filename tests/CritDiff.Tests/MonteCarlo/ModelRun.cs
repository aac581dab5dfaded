using CritDiff.Fields;
using CritDiff.MonteCarlo;
using CritDiff.Statistics;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>Per-sweep observables of one chain, with autocorrelation-corrected means.</summary>
/// <param name="Energy">Bond energy per bond and component, (1/(n d V)) sum_x sum_mu phi_x . phi_{x + e_mu}.</param>
/// <param name="Susceptibility">chi estimator V |M|^2 / n, M = (1/V) sum_x phi_x.</param>
/// <param name="MagnetisationSquared">|M|^2.</param>
/// <param name="LocalSquare">(1/(n V)) sum_x |phi_x|^2.</param>
/// <param name="Acceptance">Mean acceptance over the measured sweeps.</param>
/// <param name="StepSize">The step size after tuning.</param>
internal sealed record ModelRun(double[] Energy, double[] Susceptibility, double[] MagnetisationSquared, double[] LocalSquare,
    double Acceptance, double StepSize)
{
    /// <summary>
    /// One chain of <paramref name="kernel"/>: <paramref name="thermalization"/> sweeps (step size tuned during the first half
    /// when the kernel has a target), then <paramref name="sweeps"/> measured sweeps. With <paramref name="magnetisationOnly"/>
    /// only |M|^2 (and chi) are measured, the other series stay zero.
    /// </summary>
    public static ModelRun Of(ModelKernel kernel, int sweeps, int thermalization, ulong seed, bool magnetisationOnly = false)
    {
        var model = kernel.Model;
        var chain = new ModelChain(model, seed, 0, kernel.DefaultStepSize);
        for (int t = 0; t < thermalization; t++)
        {
            double a = kernel.Sweep(chain);
            if (kernel.TargetAcceptance is { } target && t < thermalization / 2) StepSizeTuner.Update(chain, a, target, t);
        }
        var table = new NeighbourTable(model.Lattice);
        var energy = new double[sweeps];
        var chi = new double[sweeps];
        var m2 = new double[sweeps];
        var local = new double[sweeps];
        double acceptance = 0;
        for (int t = 0; t < sweeps; t++)
        {
            acceptance += kernel.Sweep(chain);
            if (magnetisationOnly) m2[t] = SquaredMagnetisation(model, chain.Configuration);
            else (energy[t], m2[t], local[t]) = Measure(model, table, chain.Configuration);
            chi[t] = model.Lattice.SiteCount * m2[t] / model.Components;
        }
        return new ModelRun(energy, chi, m2, local, acceptance / sweeps, chain.StepSize);
    }

    /// <summary>(E per bond and component, |M|^2, |phi|^2 per site and component) of a configuration.</summary>
    public static (double Energy, double MagnetisationSquared, double LocalSquare) Measure(LatticeModel model, NeighbourTable table,
        ReadOnlySpan<double> phi)
    {
        int v = model.Lattice.SiteCount, n = model.Components, d = model.Lattice.Dimension;
        double bonds = 0, m2 = 0, squares = 0;
        for (int a = 0; a < n; a++)
        {
            var c = phi.Slice(a * v, v);
            double m = 0;
            for (int x = 0; x < v; x++)
            {
                m += c[x];
                squares += c[x] * c[x];
                for (int mu = 0; mu < d; mu++) bonds += c[x] * c[table.Sites[x * 2 * d + 2 * mu]];
            }
            m2 += (m / v) * (m / v);
        }
        return (bonds / (n * d * v), m2, squares / (n * v));
    }

    /// <summary>|M|^2 alone.</summary>
    public static double SquaredMagnetisation(LatticeModel model, ReadOnlySpan<double> phi)
    {
        int v = model.Lattice.SiteCount;
        double m2 = 0;
        for (int a = 0; a < model.Components; a++)
        {
            double m = 0;
            foreach (double p in phi.Slice(a * v, v)) m += p;
            m2 += (m / v) * (m / v);
        }
        return m2;
    }

    /// <summary>Asserts that the autocorrelation-corrected mean of <paramref name="series"/> is within k standard errors of <paramref name="exact"/>.</summary>
    public static void AssertMean(double exact, double[] series, string what)
    {
        var stats = Autocorrelation.Mean(series);
        Assert.True(Math.Abs(stats.Mean - exact) <= Tolerances.StandardErrors * stats.Error,
            $"{what}: measured {stats} (tau_int {stats.TauInt:G3}), exact {exact:G10}, {stats.StandardScore(exact):F2} standard errors");
    }
}
