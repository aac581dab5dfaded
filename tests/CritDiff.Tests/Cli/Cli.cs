using CritDiff.Cli;

namespace CritDiff.Tests.Cli;

/// <summary>Runs the critdiff tool in process, capturing stdout and stderr.</summary>
internal static class Cli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// Asserts a refusal: exit <paramref name="code"/>, nothing on stdout, one "error: " line on stderr containing
    /// <paramref name="expected"/> (the option or file it names), and up front: well under a second alone; the bound is
    /// loose for loaded machines and far below the minutes an allocation that runs out of memory took before the checks.
    /// </summary>
    public static void AssertRefused(string[] args, string expected, int code = 2)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (exit, output, error) = Run(args);
        Assert.True(exit == code, $"exit {exit}, expected {code}: {error}");
        Assert.Equal("", output);
        var lines = error.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.True(clock.Elapsed.TotalSeconds < 60, $"took {clock.Elapsed.TotalSeconds:F1} s: not refused up front");
    }
}
