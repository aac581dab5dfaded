using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Statistics;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// Critical slowing down of the 2D Ising model at beta_c = ln(1 + sqrt 2)/2: tau_int(M^2) in sweeps (V site updates
/// on average) at L = 8, 16, 32, fitted as tau ~ L^z. Local Metropolis has z ~ 2.17 asymptotically (these sizes give
/// an effective 1.7-1.9 with error ~0.13 over seeds); Wolff has z ~ 0.25 in sweep units (0.1-0.35 here, error ~0.1).
/// Sweeps: N/tau_int >= 600 for Metropolis at L = 32 and >= 4000 for Wolff. About 1-3 s on 2 cores (5-7 s before the library was built optimized in Debug).
/// </summary>
public class ClusterDynamicsTests
{
    private static readonly int[] Sizes = [8, 16, 32];

    [Fact]
    public void WolffRemovesCriticalSlowingDown()
    {
        var metropolis = Scan("metropolis", sweeps: 20_000);
        var wolff = Scan("wolff", sweeps: 8_000);
        string report = $"tau_int(M^2) at L = {string.Join(", ", Sizes)}: metropolis {string.Join(", ", metropolis.Taus.Select(t => t.ToString("F2")))}, "
            + $"wolff {string.Join(", ", wolff.Taus.Select(t => t.ToString("F2")))}; z_metropolis {metropolis.Fit.PowerExponent:F2} "
            + $"+- {metropolis.Fit.PowerExponentError:F2}, z_wolff {wolff.Fit.PowerExponent:F2} +- {wolff.Fit.PowerExponentError:F2}";
        Assert.True(wolff.Taus[^1] * 10 < metropolis.Taus[^1], report); // far below at L = 32
        Assert.True(metropolis.Fit.PowerExponent > 1.5, report);
        Assert.True(wolff.Fit.PowerExponent < 0.6, report);
    }

    private static (double[] Taus, ScalingFit Fit) Scan(string name, int sweeps)
    {
        var taus = new double[Sizes.Length];
        var errors = new double[Sizes.Length];
        for (int i = 0; i < Sizes.Length; i++)
        {
            var model = SpinModel.AtCriticalPoint(new Lattice(2, Sizes[i]), 1);
            var run = ModelRun.Of(ModelKernels.Create(name, model), sweeps, thermalization: 2_000, seed: 53, magnetisationOnly: true);
            (taus[i], errors[i], _) = Autocorrelation.IntegratedTime(run.MagnetisationSquared);
        }
        return (taus, ScalingFit.Of(Sizes.Select(l => (double)l).ToArray(), taus, errors));
    }
}
