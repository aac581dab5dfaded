using System.Globalization;
using CritDiff.Experiments;

namespace CritDiff.Reporting;

/// <summary>
/// The figures of one sweep (PNG and SVG): steps against L on log-log axes with fits and theory; excess
/// loss against step for each L; r(k) = v(k)/C(k) at the budget against |k|; KL against training budget.
/// </summary>
public static class SweepFigures
{
    /// <summary>Writes the figures into <paramref name="folder"/> and returns (title, PNG file name) pairs.</summary>
    public static IReadOnlyList<(string Title, string File)> Write(string folder, ScalingSpec spec, ScalingSummary summary, IReadOnlyList<JobResult> jobs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(summary);
        var files = new List<(string, string)>();
        string what = $"d = {spec.Dimension}, {spec.Family.Label}, {summary.Mode}";
        files.Add(($"Training steps against L ({what})", Steps(folder, spec, summary, what)));
        for (int a = 0; a < spec.Architectures.Count; a++)
        {
            string arch = spec.Architectures[a];
            var mine = jobs.Where(j => j.Architecture == arch && j.SeedIndex == 0).OrderBy(j => j.Length).ToArray();
            if (mine.Length == 0) continue;
            string safe = arch.Replace(':', '_').Replace(',', '+');
            var excess = new Figure($"Excess loss during training: {arch} ({what})", "optimizer step", "excess loss / initial excess", logX: false, logY: true) { IntegerX = true };
            var kl = new Figure($"Generated law after a training budget: {arch}", "training budget (steps per slice)", "KL(generated || target) per site", logX: true, logY: true);
            var ratio = new Figure($"Spectrum ratio r(k) = v(k)/C(k) after {spec.Budget} steps: {arch}", "|k| (lattice units)", "r(k)", logX: true, logY: true);
            for (int i = 0; i < mine.Length; i++)
            {
                var j = mine[i];
                string label = $"L = {j.Length}";
                double initial = j.History.FirstOrDefault()?.Excess ?? double.NaN;
                excess.Add(j.History.Select(p => (double)p.Step).ToArray(), j.History.Select(p => (p.Excess ?? double.NaN) / initial).ToArray(), label, i, markers: false);
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
            excess.HorizontalLine(spec.Eps, $"eps = {spec.Eps.ToString("G3", CultureInfo.InvariantCulture)}");
            ratio.HorizontalLine(1, "exact (r = 1)");
            files.Add(($"Excess loss against step, {arch}", excess.Save(folder, $"excess_{safe}")));
            files.Add(($"KL against training budget, {arch}", kl.Save(folder, $"kl_budget_{safe}")));
            files.Add(($"r(k) after {spec.Budget} steps, {arch}", ratio.Save(folder, $"ratio_{safe}")));
        }
        return files;
    }

    private static string Steps(string folder, ScalingSpec spec, ScalingSummary summary, string what)
    {
        var figure = new Figure($"Training time against lattice size ({what})", "L (lattice size)", "training steps (max over slices)", logX: true, logY: true);
        for (int a = 0; a < spec.Architectures.Count; a++)
        {
            string arch = spec.Architectures[a];
            var rows = summary.Rows.Where(r => r.Architecture == arch).ToArray();
            if (rows.Length == 0) continue;
            var sizes = rows.Select(r => (double)r.Length).ToArray();
            figure.Add(sizes, rows.Select(r => r.Steps).ToArray(), $"{arch} (measured)", a, line: false, errors: rows.Select(r => r.StepsError ?? 0).ToArray());
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
