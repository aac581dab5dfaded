using System.Text.Json.Nodes;
using CritDiff.Cli;

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
        var lines = stderr.ToString().Split('\n').Where(l => l.TrimStart().StartsWith('[')).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Contains("stability: L=", l, StringComparison.Ordinal));
        Assert.StartsWith("  [1/3] ", lines[0], StringComparison.Ordinal);
        Assert.Contains("ETA ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("  [3/3] ", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(", done)", lines[2].TrimEnd(), StringComparison.Ordinal);
    }
}
