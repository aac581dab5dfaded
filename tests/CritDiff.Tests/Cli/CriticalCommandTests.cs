using System.Text.Json.Nodes;

namespace CritDiff.Tests.Cli;

/// <summary>
/// <c>critical</c> when the measured Binder cumulants do not cross (a window deep in the disordered phase of the 2D Ising
/// model, where U(4) > U(8) by many errors): exit 3, <c>coupling: null</c>, <c>complete: false</c> and a warning saying the
/// crossing lies above the window; with --refine the window widens towards it.
/// </summary>
public sealed class CriticalCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-critical-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string[] Args(string name, params string[] extra) =>
        ["critical", "--model", "on", "--d", "2", "--L", "4,8", "--lower", "0.2", "--upper", "0.25", "--points", "3", "--sweeps", "1000",
            "--thermalize", "100", "--chains", "1", "--out", Path.Combine(_folder, name), .. extra];

    [Fact]
    public void NoCrossingExitsThreeWithCouplingNullAndIncomplete()
    {
        var (code, output, error) = Cli.Run(Args("none", "--json"));
        Assert.True(code == 3, $"exit {code}: {error}");
        var json = JsonNode.Parse(output)!;
        Assert.Null(json["coupling"]);
        Assert.False((bool)json["complete"]!);
        Assert.Equal("none", (string)json["fit_quality"]!);
        Assert.Contains("above the window", error);
        Assert.Contains("no crossing found", error);
        Assert.Contains(json["warnings"]!.AsArray(), w => ((string)w!).Contains("above the window", StringComparison.Ordinal));
        // The text output says so too, with the same exit code.
        var (again, text, _) = Cli.Run(Args("none"));
        Assert.Equal(3, again);
        Assert.Contains("no crossing found", text);
    }

    [Fact]
    public void RefineWidensTowardsTheCrossingInsteadOfStopping()
    {
        var (_, output, error) = Cli.Run(Args("widen", "--refine", "1", "--json"));
        var stages = JsonNode.Parse(output)!["stages"]!.AsArray();
        Assert.Equal(2, stages.Count);
        Assert.Equal(0.2, (double)stages[1]!["lower"]!);
        Assert.Equal(0.275, (double)stages[1]!["upper"]!, 1e-12);
        Assert.Contains("widens", error);
    }

    [Fact]
    public void HelpDocumentsExitThreeAndTheLocalFit()
    {
        var (code, output, _) = Cli.Run("critical", "--help");
        Assert.Equal(0, code);
        Assert.Contains("exit 3", output);
        Assert.Contains("fitted locally", output);
    }
}
