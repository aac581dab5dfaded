using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CritDiff.Cli;
using Spectre.Console;

namespace CritDiff.Tests.Cli;

/// <summary>The progress display of long commands (issue 13): plain lines on a non-terminal stderr, never on stdout.</summary>
public sealed class JobProgressTests
{
    [Theory]
    [InlineData(1, 4, 10.0, "  [1/4] sweep: a L=8: 5 steps (elapsed 10 s, ETA 30 s)")] // 10 s per job, 3 to go
    [InlineData(3, 4, 150.0, "  [3/4] sweep: a L=8: 5 steps (elapsed 2 min 30 s, ETA 50 s)")]
    [InlineData(4, 4, 7200.0, "  [4/4] sweep: a L=8: 5 steps (elapsed 2 h 00 min, done)")]
    public void PlainLineCountsJobsAndExtrapolatesTheEta(int done, int total, double seconds, string expected) =>
        Assert.Equal(expected, JobProgress.Line("sweep", "a L=8", "5 steps", done, total, TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(new string[0], null, "sweep: 0/4")]
    [InlineData(new[] { "a L=8" }, null, "sweep: 0/4, running a L=8")]
    [InlineData(new[] { "a L=8", "b L=8", "a L=16", "b L=16" }, "c L=4", "sweep: 0/4, running a L=8, b L=8 (+2 more), last c L=4")]
    public void LiveDescriptionNamesTheRunningJobs(string[] running, string? last, string expected) =>
        Assert.Equal(expected, JobProgress.Description("sweep", 0, 4, running, last));

    [Fact]
    public void StabilityUnderJsonReportsEachSizeOnStderrAndKeepsStdoutOneObject()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run("stability --mode population --arch one-layer --L 4,6,8 --budget 200 --json".Split(' '), stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        Assert.IsType<JsonObject>(JsonNode.Parse(stdout.ToString())); // one JSON object, no progress in it
        var all = stderr.ToString().Split('\n');
        var lines = all.Where(l => l.TrimStart().StartsWith('[')).ToArray();
        // issue 24: every rate search and training run counts (one seed: population GD is deterministic), so progress
        // and its ETA start with the first search instead of staying at 0/3 until the first size is trained.
        Assert.Equal(6, lines.Length);
        Assert.All(lines, l => Assert.Contains("stability: L=", l, StringComparison.Ordinal));
        Assert.StartsWith("  [1/6] stability: L=", lines[0], StringComparison.Ordinal);
        Assert.Contains(" rate search (elapsed ", lines[0], StringComparison.Ordinal);
        Assert.Contains("ETA ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("  [6/6] ", lines[5], StringComparison.Ordinal);
        Assert.EndsWith(", done)", lines[5].TrimEnd(), StringComparison.Ordinal);
        int firstSize = Array.FindIndex(all, l => l.Contains(": stable_lr ", StringComparison.Ordinal));
        Assert.True(firstSize > Array.IndexOf(all, lines[2]), "three searches are reported before the first size's line");
        Assert.Equal(3, all.Count(l => l.Contains(": stable_lr ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(100)]
    [InlineData(180)]
    public void LiveBarFitsTheTerminalWidthWithItsBarAndEta(int width)
    {
        // issue 24: at 100-120 columns the running/last text filled the line, the bar vanished, elapsed and ETA printed one
        // character per line and blank lines were left behind. A fake interactive ANSI console of a fixed width.
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = width;
        console.Profile.Height = 30;
        var o = new Output(new StringWriter(), writer, json: false);
        string[] jobs = ["one-layer L=128 t=0.001 seed 3", "two-layer L=128 t=0.001 seed 3", "deep-local:3:2 L=64 t=0.01 seed 1", "dense L=32"];
        JobProgress.RunLive(console, o, "d2-population", 8, bar =>
        {
            foreach (string job in jobs) bar.Started(job);
            bar.State(jobs[0], "training, step 4000/100000");
            bar.Finished(jobs[3], "442 steps");
            Thread.Sleep(400); // the display refreshes every 100 ms: let it draw with the long description
            return 0;
        });
        string text = Regex.Replace(writer.ToString(), @"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\a]*\a", "");
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.True(l.Length < width, $"{l.Length} >= {width} columns: '{l}'"));
        // Every drawn line carries the bar, the percentage, elapsed time and the ETA.
        var barLines = lines.Where(l => l.Contains("d2-population: 1/8", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(barLines);
        // One job of 8 has finished, so the ETA is a time already (Spectre's RemainingTimeColumn would still show --:--:--).
        Assert.All(barLines, l => Assert.Contains("━", l, StringComparison.Ordinal));
        Assert.All(barLines, l => Assert.Matches(@"\d+%\s+\d\d:\d\d:\d\d\s+\d\d:\d\d:\d\d\s*$", l));
        Assert.Contains(barLines, l => l.Contains("...", StringComparison.Ordinal)); // the description was cut, not wrapped
    }

    [Theory]
    [InlineData(10.0, 0, 4, "--:--:--")] // nothing finished: no rate yet
    [InlineData(10.0, 1, 4, "00:00:30")] // 10 s per job, 3 to go: from the first job on (Spectre's own column needs several)
    [InlineData(3700.0, 1, 2, "01:01:40")]
    [InlineData(50.0, 4, 4, "00:00:00")]
    public void LiveEtaExtrapolatesFromTheFirstFinishedJob(double seconds, int done, int total, string expected) =>
        Assert.Equal(expected, JobProgress.LiveEta(TimeSpan.FromSeconds(seconds), done, total));

    [Theory]
    [InlineData("short", 10, "short")]
    [InlineData("a longer description", 10, "a longe...")]
    [InlineData("abcdef", 3, "abc")]
    public void DescriptionsAreCutToTheirWidth(string text, int width, string expected) =>
        Assert.Equal(expected, JobProgress.Fit(text, width));
}
