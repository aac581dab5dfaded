using System.Globalization;
using CritDiff.Experiments;
using CritDiff.Persistence;
using CritDiff.Reporting;
using CritDiff.Statistics;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>What <c>critdiff stability</c> writes: progress lines, the table, the JSON object and the files.</summary>
internal static class StabilityOutput
{
    /// <summary>Four significant digits for text (the JSON and CSV keep every digit).</summary>
    internal static string G(double x) => double.IsFinite(x) ? x.ToString("G4", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>The rows as a table and the fits as lines, on stdout.</summary>
    internal static void Print(Output o, StabilityScanResult scan, string? file)
    {
        var table = new Table().AddColumns("L", "params", "stable lr", "safe lr", "steps", "probes");
        foreach (var r in scan.Rows.OrderBy(r => r.Length))
            table.AddRow(r.Length.ToString(CultureInfo.InvariantCulture), r.Parameters.ToString(CultureInfo.InvariantCulture),
                Stats.Format(r.Stability.StableRate, r.Stability.StableRateError) + (r.Stability.Bracketed ? "" : " (open)"),
                G(r.Stability.SafeRate), StepsCell(r), r.Stability.Probes.ToString(CultureInfo.InvariantCulture));
        var console = ModelCommand.Console(o);
        console.Write(table);
        // Plain lines, not Spectre's: it wraps text at 80 columns when stdout is not a terminal.
        o.Out.WriteLine(scan.RateFit is { } rate
            ? $"stable_lr ~ L^p: p = {Stats.Format(rate.PowerExponent, rate.PowerExponentError)} (preferred: {rate.Preferred})"
            : "stable_lr ~ L^p: fewer than 2 bracketed sizes, no fit");
        o.Out.WriteLine(scan.StepsFit is { } fit
            ? $"steps: power exponent {Stats.Format(fit.PowerExponent, fit.PowerExponentError)}, log slope {Stats.Format(fit.LogSlope, fit.LogSlopeError)}; " +
              $"preferred: {fit.Preferred}"
            : "steps: fewer than 2 trained sizes, no fit");
        string rates = string.Create(CultureInfo.InvariantCulture, $"steps at {scan.Spec.Fraction:G4} x safe lr; {scan.WallSeconds:F2} s");
        o.Out.WriteLine(rates + (file is null ? "" : $"; results in {file} and {Path.ChangeExtension(file, ".csv")}"));
    }

    /// <summary>Mean steps (+- error over seeds), marked when a run hit the step cap or diverged.</summary>
    internal static string StepsCell(StabilityRow r)
    {
        if (r.SeedSteps.Count == 0) return "-";
        var steps = r.TrainedSteps;
        string text = Stats.Format(steps.Mean, r.SeedSteps.Count > 1 ? steps.Error : double.NaN);
        return text + (r.Diverged ? " (diverged)" : r.Converged ? "" : " (cap)");
    }
}
