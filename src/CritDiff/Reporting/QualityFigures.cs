using System.Globalization;
using CritDiff.Experiments;

namespace CritDiff.Reporting;

/// <summary>
/// The figures of the quality section (PNG and SVG): the generated M histogram against Monte Carlo per L (replica 0, every network
/// at its largest rung), chi_gen/chi_MC against L with replica error bars, ESS/N and the independence-Metropolis acceptance against L
/// (no point where no replica reaches ESS 30), and the quality budget against L (log-log; bounds drawn as open triangles).
/// </summary>
internal static class QualityFigures
{
    /// <summary>Bins of the M histograms.</summary>
    private const int Bins = 32;

    /// <summary>Draws every figure into <paramref name="folder"/>; returns (caption, PNG file name) in report order.</summary>
    public static IReadOnlyList<(string Caption, string File)> Draw(string folder, QualityResult result)
    {
        var spec = result.Spec;
        var files = new List<(string, string)>();
        foreach (int length in spec.Sizes)
        {
            var mc = result.Ensemble(length, 0).Magnetisations;
            var generated = spec.Networks.Select(n => (Network: n, Row: result.Rows.FirstOrDefault(r => r.Network == n && r.Length == length && r.Replica == 0)))
                .Where(p => p.Row is not null).ToArray();
            var pooled = mc.Concat(generated.SelectMany(g => g.Row!.Magnetisations)).Where(double.IsFinite).ToArray();
            if (pooled.Length == 0) continue;
            double lo = pooled.Min(), hi = pooled.Max();
            if (!(hi > lo)) continue;
            var figure = new Figure(I($"M histogram at L = {length} (replica 0, largest rung)"), "M (magnetisation per site)", "density", logX: false, logY: false);
            var centres = Enumerable.Range(0, Bins).Select(b => lo + (b + 0.5) * (hi - lo) / Bins).ToArray();
            figure.Add(centres, Density(mc, lo, hi), "Monte Carlo", 0, markers: false, lineWidth: 3);
            int color = 1;
            foreach (var (network, row) in generated)
                figure.Add(centres, Density(row!.Magnetisations, lo, hi), I($"{network} ({row.LargestSteps} steps)"), color++, markers: false, dashed: true);
            files.Add((I($"Histogram of M at L = {length}: Monte Carlo (replica 0's ensemble) against the unweighted samples of each network at its largest rung."),
                figure.Save(folder, I($"m_histogram_L{length}"))));
        }
        var aggregates = result.Aggregates();
        var ratio = new Figure("chi_gen / chi_MC at the largest rung", "L (lattice size)", "chi_gen / chi_MC", logX: true, logY: false) { IntegerX = true };
        int c = 0;
        foreach (string network in spec.Networks)
        {
            var rows = aggregates.Where(a => a.Network == network && a.ChiRatio is not null).ToArray();
            ratio.Add(rows.Select(a => (double)a.Length).ToArray(), rows.Select(a => a.ChiRatio!.MeanOrNaN).ToArray(), network, c++,
                errors: rows.Select(a => a.ChiRatio!.Error ?? 0).ToArray());
        }
        ratio.HorizontalLine(1, "Monte Carlo");
        files.Add(("Unweighted generated susceptibility over each replica's Monte Carlo value at the largest rung; error bars: standard error over replicas.",
            ratio.Save(folder, "chi_ratio")));
        files.Add(("ESS/N of the exact path weights at the largest rung, mean over the replicas with ESS >= 30; no point where none reaches it.",
            Measured(folder, result, "ESS/N at the largest rung (ESS >= 30 only)", "ESS/N", true, a => a.EssFraction, "ess")));
        files.Add(("Acceptance of the independence-Metropolis chain on the exact weights, mean over the replicas with ESS >= 30; no point where none reaches it.",
            Measured(folder, result, "Independence-Metropolis acceptance (ESS >= 30 only)", "acceptance", false, a => a.Acceptance, "acceptance")));
        var budget = new Figure("Training budget to the stated generation quality", "L (lattice size)", "steps (per slice; U-Net: in all)", logX: true, logY: true) { IntegerX = true };
        c = 0;
        foreach (string network in spec.Networks)
        {
            var measured = aggregates.Where(a => a.Network == network && !a.QualityStepsIsBound).ToArray();
            var bounds = aggregates.Where(a => a.Network == network && a.QualityStepsIsBound).ToArray();
            budget.Add(measured.Select(a => (double)a.Length).ToArray(), measured.Select(a => a.QualitySteps.MeanOrNaN).ToArray(), network, c,
                errors: measured.Select(a => a.QualitySteps.Error ?? 0).ToArray());
            budget.AddLowerBounds(bounds.Select(a => (double)a.Length).ToArray(), bounds.Select(a => a.QualitySteps.MeanOrNaN).ToArray(), c++);
        }
        files.Add(("First rung of the ladder whose samples meet all three quality thresholds, mean +- SE over replicas; open triangles: some replica did not meet them by the largest rung (a lower bound: unmet replicas counted at the largest rung).",
            budget.Save(folder, "quality_budget")));
        return files;
    }

    private static string Measured(string folder, QualityResult result, string title, string yLabel, bool logY,
        Func<QualityAggregate, ReplicaMean?> pick, string name)
    {
        var figure = new Figure(title, "L (lattice size)", yLabel, logX: true, logY: logY) { IntegerX = true };
        int c = 0;
        foreach (string network in result.Spec.Networks)
        {
            var points = QualityReport.MeasuredPoints(result, network, pick);
            figure.Add(points.Select(p => p.L).ToArray(), points.Select(p => p.Mean).ToArray(), network, c++, errors: points.Select(p => p.Error).ToArray());
        }
        return figure.Save(folder, name);
    }

    private static double[] Density(IReadOnlyList<double> values, double lo, double hi)
    {
        var counts = new double[Bins];
        int n = 0;
        foreach (double x in values)
        {
            if (!double.IsFinite(x)) continue;
            counts[Math.Clamp((int)((x - lo) / (hi - lo) * Bins), 0, Bins - 1)]++;
            n++;
        }
        double width = (hi - lo) / Bins;
        return counts.Select(k => n == 0 ? 0 : k / (n * width)).ToArray();
    }

    private static string I(FormattableString s) => FormattableString.Invariant(s);
}
