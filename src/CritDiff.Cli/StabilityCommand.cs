using System.CommandLine;
using System.Globalization;
using CritDiff.Experiments;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Reporting;
using CritDiff.Training;

namespace CritDiff.Cli;

/// <summary><c>critdiff stability</c>: the largest stable learning rate against L and the training time just below it (issue 7).</summary>
internal static class StabilityCommand
{
    /// <summary>The model family when no family option is given: xi/L = 0.25.</summary>
    internal const double DefaultXiOverL = 0.25;

    public static Command Create(Func<bool, Output> output)
    {
        var options = new StabilityOptions();
        var command = new Command("stability",
            "For each lattice size L, the largest stable learning rate of one time slice t, found by bracketing and geometric bisection: " +
            "a run at a fixed rate is unstable if its population loss becomes non-finite or exceeds its initial value within --budget " +
            "steps. It is judged over --seeds seeds (one for population GD from a non-random start, which is deterministic): stable_lr " +
            "is the mean over seeds of each seed's largest stable rate, stable_lr_err the standard error over seeds and the bracket " +
            "half-width in quadrature, safe_lr the minimum over seeds. The criterion need not be monotone in the rate (two-layer GD turns chaotic but bounded above eta = 0.5), so four rates 5% apart below a found boundary are re-checked and the search repeated below any that blows up. Then the training time (steps until the excess loss is <= " +
            "eps x initial) at --fraction x safe_lr, and fits of stable_lr ~ L^p (exponent with its error) and of the steps (power " +
            "law and a + b ln L, the preferred one by residuals in ln steps, as in scaling). Model family per L: --xi-over-L R " +
            $"(default {DefaultXiOverL.ToString(CultureInfo.InvariantCulture)} when no family option is given), --critical (d >= 3), " +
            "or a fixed --beta/--mass2/--xi; --gff for the raw free field.");
        options.AddTo(command);
        command.SetAction((result, cancellation) =>
        {
            var o = output(result.GetValue(options.Json));
            var spec = options.Spec(result);
            int workers = CommonOptions.CheckThreads(result.GetValue(options.Threads));
            string? file = result.GetValue(options.File) is { } f ? CheckOutFile(f) : null;
            o.Note($"stability: {spec.Architecture.Name}, d = {spec.Dimension}, L = {string.Join(", ", spec.Sizes)}, " +
                   $"{(spec.Samples ? "samples" : spec.Mode.ToString().ToLowerInvariant())} {spec.Optimizer}, t = {Output.Format(spec.Time)}, budget {spec.Search.Budget} steps");
            // Every rate search and training run is a job, so the bar and its ETA move from the first search on (issue 24);
            // the last run of a size reports the size's line. With --out, the finished scan is kept beside the file and reused.
            var scan = JobProgress.Run(o, "stability", StabilityScan.Study.Jobs(spec, null), bar => StabilityScan.Study.Run(spec, new StudyRun
            {
                Folder = file is null ? null : ResumeFolder(file),
                Threads = workers,
                Cancellation = cancellation,
                Progress = new SynchronousProgress<StudyProgress>(p =>
                {
                    if (p.Done) bar.Finished(p.Job, p.Detail);
                    else bar.Started(p.Job);
                }),
            }));
            if (scan.Reused) o.Note($"stability: reused the finished scan in {ResumeFolder(file!)}");
            if (file is not null) StabilityReport.WriteFiles(file, scan);
            if (o.Json) o.WriteJson(StabilitySummary.Build(scan));
            else StabilityOutput.Print(o, scan, file);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Where a scan written to <paramref name="file"/> keeps its finished scan for reruns: FILE.jobs/ beside it.</summary>
    private static string ResumeFolder(string file) => Path.ChangeExtension(file, ".jobs");

    /// <summary>--out must name the JSON file; the CSV goes next to it with the extension .csv.</summary>
    private static string CheckOutFile(string path)
    {
        if (string.Equals(Path.GetExtension(path), ".csv", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--out names the JSON file (e.g. stability.json); the CSV is written next to it (got '{path}')");
        string full = CommonOptions.CheckWritableFile("--out", path);
        CommonOptions.CheckRegularOrNew("--out", Path.ChangeExtension(full, ".csv"), Path.ChangeExtension(path, ".csv"));
        return full;
    }

    /// <summary>IProgress that runs the handler on the reporting thread under a lock (sizes finish on worker threads).</summary>
    private sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
    {
        private readonly Lock _gate = new();

        public void Report(T value)
        {
            lock (_gate) handler(value);
        }
    }
}
