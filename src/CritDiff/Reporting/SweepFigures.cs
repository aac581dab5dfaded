using System.Globalization;
using CritDiff.Experiments;

namespace CritDiff.Reporting;

/// <summary>
/// The figures of one sweep (PNG and SVG): steps against L on log-log axes with fits and theory; excess
/// loss against step for each L; r(k) = v(k)/C(k) at the budget against |k|; KL against training budget.
/// </summary>
public static class SweepFigures
{
    /// <summary>
    /// Lower limit of the excess-loss figures (excess / initial excess): the excess is a difference of two losses of order
    /// one per site, so below about 1e-13 it is float64 rounding (seen as a floor of 4e-16 .. 1e-14); 1e-12 leaves a margin.
    /// </summary>
    public const double ExcessFloor = 1e-12;

    /// <summary>Writes the figures into <paramref name="folder"/> and returns (caption, PNG file name) pairs; a caption says how to read the figure, its title what it shows.</summary>
    public static IReadOnlyList<(string Title, string File)> Write(string folder, ScalingSpec spec, ScalingSummary summary, IReadOnlyList<JobResult> jobs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(summary);
        var files = new List<(string, string)>();
        string what = $"d = {spec.Dimension}, {spec.Family.Label}, {summary.Mode}";
        files.Add(("Markers with error bars (spread over seeds): measured steps; open markers on dashed lines: per-mode theory; solid lines without markers: the preferred fit (power or logarithmic); open triangles: runs stopped at the step cap (lower bounds).",
            Steps(folder, spec, summary, what)));
        for (int a = 0; a < spec.Architectures.Count; a++)
        {
            string arch = spec.Architectures[a].Name;
            var mine = jobs.Where(j => j.Architecture == arch && j.SeedIndex == 0).OrderBy(j => j.Length).ToArray();
            if (mine.Length == 0) continue;
            string safe = arch.Replace(':', '_').Replace(',', '+');
            var excess = ExcessFigure($"{arch} ({what})", spec.Eps, mine);
            var kl = new Figure($"Generated law after a training budget: {arch}", "training budget (steps per slice)", "KL(generated || target) per site", logX: true, logY: true);
            var ratio = new Figure($"Spectrum ratio r(k) = v(k)/C(k) after {spec.Budget} steps: {arch}", "|k| (lattice units)", "r(k)", logX: true, logY: true);
            for (int i = 0; i < mine.Length; i++)
            {
                var j = mine[i];
                string label = $"L = {j.Length}";
                var curve = j.BudgetCurve.Where(p => p.Steps > 0).ToArray();
                kl.Add(curve.Select(p => (double)p.Steps).ToArray(), curve.Select(p => p.KlPerSite ?? double.NaN).ToArray(), label, i);
                // Points per |k| shell (a line between shells zigzags); the k = 0 mode cannot sit on a log axis,
                // so it is drawn as a diamond at half the smallest |k| > 0.
                var shells = j.RatioAtBudget.Where(p => p.Momentum > 0).ToArray();
                ratio.Add(shells.Select(p => p.Momentum).ToArray(), shells.Select(p => p.Ratio).ToArray(), label, i, line: false);
                var zero = j.RatioAtBudget.Where(p => p.Momentum == 0).ToArray();
                if (zero.Length > 0 && shells.Length > 0)
                    ratio.Add([shells.Min(p => p.Momentum) / 2], [zero[0].Ratio], $"L = {j.Length}, k = 0 (drawn at |k|min / 2)", i, line: false, shape: ScottPlot.MarkerShape.FilledDiamond);
            }
            ratio.HorizontalLine(1, "exact (r = 1)");
            files.Add((string.Create(CultureInfo.InvariantCulture, $"The slowest slice at each L, seed 0; training stops when the curve crosses the dotted line. Values below {ExcessFloor:0e0} of the initial excess are float64 rounding and are not drawn."),
                excess.Save(folder, $"excess_{safe}")));
            files.Add(("Exact KL per site between the generated law and the target at t_min, after each training budget (steps per slice), seed 0.", kl.Save(folder, $"kl_budget_{safe}")));
            files.Add(("Generated over exact spectrum, averaged per |k| shell, seed 0; r = 1 is exact, r < 1 means too little variance. Diamonds: the k = 0 mode, drawn at half the smallest |k|.",
                ratio.Save(folder, $"ratio_{safe}")));
        }
        return files;
    }

    /// <summary>
    /// Excess loss over its initial value against step, one line per job (the slowest slice's history), with the threshold
    /// eps; values below <see cref="ExcessFloor"/> (rounding) are left out and bound the y axis.
    /// </summary>
    internal static Figure ExcessFigure(string what, double eps, IReadOnlyList<JobResult> jobs)
    {
        var excess = new Figure($"Excess loss during training: {what}", "optimizer step", "excess loss / initial excess", logX: false, logY: true)
        {
            IntegerX = true, YMin = ExcessFloor,
        };
        for (int i = 0; i < jobs.Count; i++)
        {
            var j = jobs[i];
            double initial = j.History.FirstOrDefault()?.Excess ?? double.NaN;
            excess.Add(j.History.Select(p => (double)p.Step).ToArray(), j.History.Select(p => (p.Excess ?? double.NaN) / initial).ToArray(), $"L = {j.Length}", i, markers: false);
        }
        excess.HorizontalLine(eps, $"eps = {eps.ToString("G3", CultureInfo.InvariantCulture)}");
        return excess;
    }

    private static string Steps(string folder, ScalingSpec spec, ScalingSummary summary, string what)
    {
        var figure = new Figure($"Training time against lattice size ({what})", "L (lattice size)", "training steps (max over slices)", logX: true, logY: true);
        for (int a = 0; a < spec.Architectures.Count; a++)
        {
            string arch = spec.Architectures[a].Name;
            var rows = summary.Rows.Where(r => r.Architecture == arch).ToArray();
            if (rows.Length == 0) continue;
            var sizes = rows.Select(r => (double)r.Length).ToArray();
            var done = rows.Where(r => r.Converged).ToArray();
            var stopped = rows.Where(r => !r.Converged && !r.Diverged).ToArray();
            figure.Add(done.Select(r => (double)r.Length).ToArray(), done.Select(r => r.Steps).ToArray(), $"{arch} (measured)", a, line: false, errors: done.Select(r => r.StepsError ?? 0).ToArray());
            figure.AddLowerBounds(stopped.Select(r => (double)r.Length).ToArray(), stopped.Select(r => r.Steps).ToArray(), a);
            if (rows.All(r => r.PredictedSteps is not null))
                figure.Add(sizes, rows.Select(r => (double)r.PredictedSteps!.Value).ToArray(), $"{arch} (theory)", a, dashed: true, open: true);
            var fit = summary.Fits.First(f => f.Architecture == arch);
            if (fit.Preferred is not ("power" or "log")) continue; // no fit, or two points (no law preferred)
            var grid = Enumerable.Range(0, 41).Select(i => sizes.Min() * Math.Pow(sizes.Max() / sizes.Min(), i / 40.0)).ToArray();
            var fitted = fit.Preferred == "power"
                ? grid.Select(l => fit.PowerPrefactor!.Value * Math.Pow(l, fit.PowerExponent!.Value)).ToArray()
                : grid.Select(l => fit.LogIntercept!.Value + fit.LogSlope!.Value * Math.Log(l)).ToArray();
            string text = fit.Preferred == "power"
                ? string.Create(CultureInfo.InvariantCulture, $"{arch} fit: L^{fit.PowerExponent:F2}")
                : string.Create(CultureInfo.InvariantCulture, $"{arch} fit: {fit.LogIntercept:F1} + {fit.LogSlope:F1} ln L");
            figure.Add(grid, fitted, text, a, markers: false, dashed: false);
        }
        return figure.Save(folder, "steps_vs_L");
    }
}
