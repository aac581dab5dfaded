using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>
/// Progress of a long command's jobs on stderr (never stdout, so --json keeps stdout to one JSON object): a
/// Spectre.Console progress bar with jobs done / total, the running jobs, the last finished one, elapsed time and ETA
/// when stderr is an interactive terminal, otherwise one plain line per finished job with the same counts and times.
/// <see cref="Started"/> and <see cref="Finished"/> may be called from worker threads.
/// </summary>
internal sealed class JobProgress
{
    private readonly Output _o;
    private readonly string _title;
    private readonly int _total;
    private readonly ProgressTask? _task;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private int _done, _reused;
    private readonly List<string> _running = [];
    private string? _last;

    private JobProgress(Output o, string title, int total, ProgressTask? task)
    {
        _o = o;
        _title = title;
        _total = total;
        _task = task;
    }

    /// <summary>Runs <paramref name="body"/> with a progress display for <paramref name="total"/> jobs.</summary>
    public static T Run<T>(Output o, string title, int total, Func<JobProgress, T> body)
    {
        bool live = ReferenceEquals(o.Log, Console.Error) && !Console.IsErrorRedirected && total > 0;
        if (!live) return body(new JobProgress(o, title, total, null));
        T result = default!;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(o.Log) });
        console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape($"{title}: 0/{total}"), maxValue: total);
                result = body(new JobProgress(o, title, total, task));
            });
        return result;
    }

    /// <summary>Jobs finished so far.</summary>
    public int Done => _done;

    /// <summary>
    /// Records <paramref name="count"/> jobs finished by an earlier run and reused (a resumed run folder): says so, and counts
    /// progress from there; the ETA extrapolates from the jobs this run finishes.
    /// </summary>
    public void Reused(int count)
    {
        if (count <= 0) return;
        lock (_gate)
        {
            _done += count;
            _reused += count;
            _o.Note($"{_title}: reused {count} of {_total} finished jobs");
            if (_task is not null)
            {
                _task.Description = Markup.Escape(Description(_title, _done, _total, _running, _last));
                _task.Increment(count);
            }
        }
    }

    /// <summary>Records a job that starts (shown while it runs on the live display).</summary>
    public void Started(string job)
    {
        lock (_gate)
        {
            _running.Add(job);
            if (_task is not null) _task.Description = Markup.Escape(Description(_title, _done, _total, _running, _last));
        }
    }

    /// <summary>Records a finished job: its name and a short result for the plain line.</summary>
    public void Finished(string job, string detail)
    {
        lock (_gate)
        {
            _done++;
            _running.Remove(job);
            _last = job;
            if (_task is not null)
            {
                _task.Description = Markup.Escape(Description(_title, _done, _total, _running, _last));
                _task.Increment(1);
                return;
            }
            _o.Note(Line(_title, job, detail, _done, _total, _clock.Elapsed, _reused));
        }
    }

    /// <summary>The live description: "title: done/total, running A, B (+k more), last X".</summary>
    public static string Description(string title, int done, int total, IReadOnlyList<string> running, string? last)
    {
        string text = $"{title}: {done}/{total}";
        if (running.Count > 0)
            text += ", running " + string.Join(", ", running.Take(2)) + (running.Count > 2 ? $" (+{running.Count - 2} more)" : "");
        if (last is not null) text += $", last {last}";
        return text;
    }

    /// <summary>
    /// The plain line for a finished job: "[done/total] title: job: detail (elapsed E, ETA R)"; <paramref name="done"/>
    /// includes the <paramref name="reused"/> jobs of an earlier run, which take no time here.
    /// </summary>
    public static string Line(string title, string job, string detail, int done, int total, TimeSpan elapsed, int reused = 0)
    {
        string eta = done >= total ? "done" : "ETA " + Time(elapsed.TotalSeconds / Math.Max(1, done - reused) * (total - done));
        return string.Create(CultureInfo.InvariantCulture,
            $"  [{done}/{total}] {title}: {job}{(detail.Length > 0 ? ": " + detail : "")} (elapsed {Time(elapsed.TotalSeconds)}, {eta})");
    }

    /// <summary>A duration for the progress lines: "42 s", "2 min 30 s", "2 h 00 min".</summary>
    internal static string Time(double seconds) => seconds switch
    {
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds:F0} s"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(seconds / 60):F0} min {seconds % 60:00} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(seconds / 3600):F0} h {Math.Floor(seconds % 3600 / 60):00} min"),
    };
}
