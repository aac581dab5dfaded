using System.Globalization;
using System.Text;
using CritDiff.Experiments;
using CritDiff.MonteCarlo;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Statistics;

namespace CritDiff.Reporting;

/// <summary>
/// The Monte Carlo yardstick of the report (docs/science.md section 8): tau_int(M^2) against L for local and
/// Fourier-accelerated dynamics, with their fitted z, drawn next to the training times of one sweep.
/// </summary>
public static class BaselineReport
{
    /// <summary>Writes <c>baseline.csv</c> and the figure <c>baseline_vs_training</c>; adds the section to <paramref name="report"/>.</summary>
    public static void Add(ReportDocument report, string folder, IReadOnlyList<AutocorrelationScan> scans, ScalingSummary training, string prefix)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(scans);
        ArgumentNullException.ThrowIfNull(training);
        Directory.CreateDirectory(folder);
        var csv = new StringBuilder("algo,L,tau_M2,tau_M2_err,tau_energy,tau_energy_err,acceptance,sweeps,chains,chi,chi_err,chi_exact\n");
        foreach (var scan in scans)
            foreach (var r in scan.Runs)
                csv.Append(CultureInfo.InvariantCulture,
                    $"{scan.Algorithm},{r.Field.Lattice.Length},{r.TauMagnetisationSquared.Mean:R},{r.TauMagnetisationSquared.Error:R},{r.TauEnergy.Mean:R},{r.TauEnergy.Error:R},{r.Acceptance:R},{r.Settings.Sweeps},{r.Settings.Chains},{r.Susceptibility.Mean:R},{r.Susceptibility.Error:R},{r.Field.Susceptibility:R}\n");
        Checkpoint.WriteAtomic(Path.Combine(folder, "baseline.csv"), csv.ToString());

        var figure = BuildFigure(scans, training);
        string png = figure.Save(folder, "baseline_vs_training");

        report.Text("Integrated autocorrelation time of M^2 (automatic window, in sweeps; HMC: trajectories) on the same " +
                    $"field family as the training sweep ({training.Family}, d = {training.Dimension}), fitted as tau ~ L^z. " +
                    "Local dynamics slow down like L^2; Fourier acceleration removes it, as depth does for learning.");
        report.Table(["algorithm", "L", "tau_int(M^2)", "acceptance", "chi measured", "chi exact"],
            scans.SelectMany(s => s.Runs.Select(r => (IReadOnlyList<string>)
            [
                s.Algorithm, r.Field.Lattice.Length.ToString(CultureInfo.InvariantCulture), r.TauMagnetisationSquared.ToString(),
                SweepReport.F(r.Acceptance), r.Susceptibility.ToString(), SweepReport.F(r.Field.Susceptibility),
            ])));
        report.Table(["algorithm", "z", "preferred fit"], scans.Select(s => (IReadOnlyList<string>)
            [s.Algorithm, Stats.Format(s.DynamicExponent, s.DynamicExponentError), s.Fit.Preferred]));
        report.Figure("Solid lines: Monte Carlo tau_int(M^2), in sweeps for the heat bath and in trajectories for HMC, with the fitted z of tau ~ L^z; " +
                      "dashed lines: population-GD training steps of the first sweep. Each series is in its own unit of work, so compare slopes, not heights.", prefix + png);
    }

    /// <summary>The unit tau_int of an algorithm is counted in: HMC trajectories, or sweeps.</summary>
    public static string Unit(string algorithm) =>
        algorithm.Contains("hmc", StringComparison.OrdinalIgnoreCase) ? "trajectories" : "sweeps";

    /// <summary>The figure: tau_int(M^2) of every scan (its unit and z +- error in the legend) and the training steps of one- and two-layer.</summary>
    internal static Figure BuildFigure(IReadOnlyList<AutocorrelationScan> scans, ScalingSummary training)
    {
        var figure = new Figure("Monte Carlo autocorrelation time and training time against L", "L (lattice size)",
            "time (sweeps, trajectories or steps)", logX: true, logY: true);
        int color = 0;
        foreach (var scan in scans)
            figure.Add(scan.Runs.Select(r => (double)r.Field.Lattice.Length).ToArray(), scan.Runs.Select(r => r.TauMagnetisationSquared.Mean).ToArray(),
                $"{scan.Algorithm} tau_int(M^2) [{Unit(scan.Algorithm)}]: z = {SweepReport.PlusMinus(scan.DynamicExponent, scan.DynamicExponentError)}", color++,
                errors: scan.Runs.Select(r => r.TauMagnetisationSquared.Error).ToArray());
        foreach (string arch in new[] { NetworkCatalog.OneLayer.Name, NetworkCatalog.TwoLayer.Name })
        {
            var rows = training.Rows.Where(r => r.Architecture == arch).ToArray();
            if (rows.Length > 0)
                figure.Add(rows.Select(r => (double)r.Length).ToArray(), rows.Select(r => r.Steps).ToArray(), $"{arch} training [optimizer steps]", color++, dashed: true,
                    errors: rows.Select(r => r.StepsError ?? 0).ToArray());
        }
        return figure;
    }
}
