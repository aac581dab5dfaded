using System.Globalization;
using CritDiff.Experiments;
using CritDiff.Reporting;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>Runs a sweep with progress on stderr and rebuilds its folder's tables, figures and report.</summary>
internal static class Experiment
{
    /// <summary>
    /// Runs the pending jobs of <paramref name="shard"/> with a <see cref="JobProgress"/> display (a live bar with
    /// ETA on an interactive stderr, otherwise one line per finished job). Returns the rebuilt folder.
    /// </summary>
    public static SweepOutput Run(Output o, ScalingSpec spec, string dir, Shard shard, int workers, bool report,
        CancellationToken cancellation, int maxJobs = int.MaxValue)
    {
        ScalingFolder.Prepare(dir, spec);
        var sweep = new ScalingSweep { Shard = shard, MaxJobs = maxJobs };
        int pending = sweep.Jobs(spec, dir);
        int total = spec.Jobs().Count(j => shard.Contains(j.Index));
        o.Note($"{spec.Name}: {pending} of {total} job(s) to run{(shard.Count > 1 ? $" (shard {shard})" : "")}, " +
               $"{total - pending} already finished in {dir}");
        JobProgress.Run(o, spec.Name, pending, progress =>
            sweep.Run(spec, new StudyRun { Folder = dir, Threads = workers, Cancellation = cancellation, Progress = progress }));
        return SweepReport.Rebuild(dir, report);
    }

    /// <summary>Prints the rows and fits of a sweep folder as tables on stdout.</summary>
    public static void PrintTable(Output o, ScalingSpec spec, string dir)
    {
        var summary = ScalingSummary.Build(spec, ScalingFolder.ReadJobs(dir, spec));
        var console = ModelCommand.Console(o);
        var rows = new Table().AddColumns("arch", "L", "params", "steps", "theory", "converged", "KL at budget", "wall s");
        foreach (var r in summary.Rows)
            rows.AddRow(r.Architecture, r.Length.ToString(CultureInfo.InvariantCulture), r.Parameters.ToString(CultureInfo.InvariantCulture),
                SweepReport.PlusMinus(r.Steps, r.StepsError),
                r.PredictedSteps?.ToString(CultureInfo.InvariantCulture) ?? "-", r.Diverged ? "diverged" : r.Converged ? "yes" : "no",
                SweepReport.G(r.KlAtBudget), r.WallSeconds.ToString("F2", CultureInfo.InvariantCulture));
        console.Write(rows);
        var fits = new Table().AddColumns("arch", "power exponent", "log slope", "preferred");
        foreach (var f in summary.Fits)
            fits.AddRow(f.Architecture, f.PowerExponent is { } p ? SweepReport.PlusMinus(p, f.PowerExponentError) : "-",
                f.LogSlope is { } b ? SweepReport.PlusMinus(b, f.LogSlopeError) : "-", f.Preferred ?? "-");
        console.Write(fits);
        console.WriteLine($"results in {dir} (summary.json, rows.csv, fits.csv, report.md)");
    }
}
