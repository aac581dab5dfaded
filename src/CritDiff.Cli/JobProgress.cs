using System.Diagnostics;
using System.Globalization;
using CritDiff.Experiments;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CritDiff.Cli;

/// <summary>
/// Progress of a long command's jobs on stderr (never stdout, so --json keeps stdout to one JSON object): a
/// Spectre.Console progress bar with jobs done / total, the running jobs, the last finished one, elapsed time and ETA
/// when stderr is an interactive terminal, otherwise one plain line per finished job with the same counts and times.
/// <see cref="Started"/> and <see cref="Finished"/> may be called from worker threads; as a study's progress sink
/// (<see cref="StudyRun.Progress"/>) it hears both from <see cref="Report"/>.
/// </summary>
internal sealed class JobProgress : IProgress<StudyProgress>
{
    private readonly Output _o;
    private readonly string _title;
    private readonly int _total;
    private readonly ProgressTask? _task;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private int _done, _reused;
    private readonly List<string> _running = [];
    private readonly Dictionary<string, string> _states = [];
    private string? _last;

    private readonly IAnsiConsole? _console;

    private JobProgress(Output o, string title, int total, ProgressTask? task, IAnsiConsole? console = null)
    {
        _o = o;
        _title = title;
        _total = total;
        _task = task;
        _console = console;
    }

    /// <summary>Runs <paramref name="body"/> with a progress display for <paramref name="total"/> jobs.</summary>
    public static T Run<T>(Output o, string title, int total, Func<JobProgress, T> body)
    {
        bool live = ReferenceEquals(o.Log, Console.Error) && !Console.IsErrorRedirected && total > 0;
        if (!live) return body(new JobProgress(o, title, total, null));
        // Stderr is a terminal: say so. Spectre judges interactivity by stdout, and with stdout redirected (--json > file) it
        // would fall back to a line of text now and then instead of the bar.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(o.Log),
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
        });
        return RunLive(console, o, title, total, body);
    }

    /// <summary>
    /// The live display on <paramref name="console"/>: one line of description, bar, percentage, elapsed time and ETA. The
    /// description is cut to what the console's width leaves beside the fixed columns (<see cref="DescriptionWidth"/>), read
    /// again at every update: a line wider than the terminal wraps, Spectre then squeezes the time columns to one
    /// character per line and its cursor arithmetic leaves blank lines behind (issue 24).
    /// </summary>
    internal static T RunLive<T>(IAnsiConsole console, Output o, string title, int total, Func<JobProgress, T> body)
    {
        T result = default!;
        console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = BarWidth },
                new PercentageColumn(), new ElapsedTimeColumn(), new EtaColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(Fit($"{title}: 0/{total}", DescriptionWidth(console.Profile.Width))), maxValue: total);
                result = body(new JobProgress(o, title, total, task, console));
            });
        return result;
    }

    /// <summary>Width of the bar column.</summary>
    internal const int BarWidth = 20;

    /// <summary>
    /// Columns the live line needs besides the description: the bar, "100%" (4), elapsed and remaining "00:00:00" (8 each),
    /// a space between columns (4), and one spare column so the line never touches the right edge (a terminal wraps there).
    /// </summary>
    internal const int FixedColumns = BarWidth + 4 + 8 + 8 + 4 + 1;

    /// <summary>Characters the description may use on a console <paramref name="width"/> columns wide (at least 10).</summary>
    internal static int DescriptionWidth(int width) => Math.Max(10, width - FixedColumns);

    /// <summary><paramref name="text"/> cut to <paramref name="width"/> characters, ending in "..." where it was cut.</summary>
    internal static string Fit(string text, int width) =>
        text.Length <= width ? text : width <= 3 ? text[..width] : text[..(width - 3)] + "...";

    /// <summary>Jobs finished so far.</summary>
    public int Done => _done;

    /// <summary>
    /// Records <paramref name="count"/> jobs finished by an earlier run and reused (a resumed run folder): says so, and counts
    /// progress from there; the ETA extrapolates from the jobs this run finishes.
    /// </summary>
    public void Reused(int count, string noun = "jobs")
    {
        if (count <= 0) return;
        lock (_gate)
        {
            _done += count;
            _reused += count;
            _o.Note($"{_title}: reused {count} of {_total} finished {noun}");
            if (_task is not null)
            {
                _task.Description = LiveDescription();
                _task.Increment(count);
            }
        }
    }

    /// <summary>Records a study's job that starts or ends (<see cref="Started"/>, <see cref="Finished"/>).</summary>
    public void Report(StudyProgress value)
    {
        if (value.Done) Finished(value.Job, value.Detail);
        else Started(value.Job);
    }

    /// <summary>Records a job that starts (shown while it runs on the live display).</summary>
    public void Started(string job)
    {
        lock (_gate)
        {
            _running.Add(job);
            if (_task is not null) _task.Description = LiveDescription();
        }
    }

    /// <summary>True when the live bar is shown (on a terminal), false for plain lines.</summary>
    public bool IsLive => _task is not null;

    /// <summary>
    /// Where a running job is (e.g. "training, step 400/1000"): shown after its name on the live display, or printed as
    /// the plain line "  job: state" (callers throttle these).
    /// </summary>
    public void State(string job, string state)
    {
        lock (_gate)
        {
            if (_task is null)
            {
                _o.Note($"  {job}: {state}");
                return;
            }
            if (!_running.Contains(job)) _running.Add(job);
            _states[job] = state;
            _task.Description = LiveDescription();
        }
    }

    /// <summary>Records a finished job: its name and a short result for the plain line.</summary>
    public void Finished(string job, string detail)
    {
        lock (_gate)
        {
            _done++;
            _running.Remove(job);
            _states.Remove(job);
            _last = job;
            if (_task is not null)
            {
                _task.Description = LiveDescription();
                _task.Increment(1);
                return;
            }
            _o.Note(Line(_title, job, detail, _done, _total, _clock.Elapsed, _reused));
        }
    }

    private string LiveDescription() =>
        Markup.Escape(Fit(Description(_title, _done, _total,
            _running.Select(j => _states.TryGetValue(j, out var state) ? $"{j} ({state})" : j).ToList(), _last), DescriptionWidth(_console!.Profile.Width)));

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

    /// <summary>
    /// The ETA as the plain lines compute it, elapsed / done x (total - done), from the first finished job on ("--:--:--"
    /// before). Spectre's RemainingTimeColumn needs a speed from several recent increments and stays blank for most of a
    /// run of a few long jobs (issue 24).
    /// </summary>
    private sealed class EtaColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(Format(task.ElapsedTime, task.Value, task.MaxValue));

        public override int? GetColumnWidth(RenderOptions options) => 8;

        internal static string Format(TimeSpan? elapsed, double done, double total)
        {
            if (done >= total) return "00:00:00";
            if (elapsed is not { } e || done <= 0) return "--:--:--";
            var left = TimeSpan.FromSeconds(Math.Min(e.TotalSeconds / done * (total - done), 99 * 3600 + 3599));
            return string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalHours:00}:{left.Minutes:00}:{left.Seconds:00}");
        }
    }

    /// <summary>The live ETA text after <paramref name="done"/> of <paramref name="total"/> jobs took <paramref name="elapsed"/>.</summary>
    internal static string LiveEta(TimeSpan? elapsed, double done, double total) => EtaColumn.Format(elapsed, done, total);
}
