using System.Text.Json.Nodes;

namespace CritDiff.Tests.Cli;

/// <summary>
/// <c>critdiff scaling</c> and <c>critdiff stability</c> take any catalog network (issue 21): a nonlinear conv network and a
/// linear one train on exact samples with <c>--mode samples</c>, a rerun reuses what the first run finished, and a network
/// without the moment objective is refused naming --mode.
/// </summary>
public sealed class SweepNetworkCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-sweep-networks-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string[] Scaling(string arch, string name) =>
        ["scaling", "--d", "1", "--L", "4,6", "--xi-over-L", "0.25", "--arch", arch, "--mode", "samples", "--max-steps", "40",
         "--gen-slices", "2", "--no-report", "--json", "--out", Path.Combine(_folder, name)];

    /// <summary>conv:C:R in d = 1, n = 1 has C E + C + C E + E parameters, E = 2R + 1 (docs/architecture.md): 17 for C = 2, R = 1.</summary>
    private const int ConvParameters = 2 * 3 + 2 + 2 * 3 + 3;

    [Fact]
    public void ScalingSweepsAConvNetworkOnSamplesAndResumes()
    {
        var (code, output, error) = Cli.Run(Scaling("conv:2:1", "conv"));
        Assert.True(code == 0, error);
        Assert.Contains("2 of 2 job(s) to run", error);
        var first = JsonNode.Parse(output)!.AsObject();
        Assert.Equal("samples adam", (string)first["mode"]!);
        var rows = first["rows"]!.AsArray();
        Assert.Equal([4, 6], rows.Select(r => (int)r!["L"]!));
        Assert.All(rows, r =>
        {
            Assert.Equal("conv:2:1:tanh", (string)r!["arch"]!);
            Assert.Equal(ConvParameters, (int)r["params"]!);
            Assert.InRange((double)r["steps"]!, 1, 40);
            Assert.Null(r["predicted_steps"]); // no per-mode theory for a nonlinear network
            Assert.Contains("validation excess", (string)r["stopping_rule"]!);
        });
        string jobs = Path.Combine(_folder, "conv", "jobs");
        var written = Directory.GetFiles(jobs).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        Assert.Equal(2, written.Count);

        var (again, output2, error2) = Cli.Run(Scaling("conv:2:1", "conv"));
        Assert.True(again == 0, error2);
        Assert.Contains("0 of 2 job(s) to run, 2 already finished", error2);
        Assert.Equal(output, output2); // the same jobs read back: wall times included
        Assert.All(written, f => Assert.Equal(f.Value, File.GetLastWriteTimeUtc(f.Key)));
    }

    [Fact]
    public void ScalingTrainsALinearNetworkOnSamplesWithTheExactRule()
    {
        var (code, output, error) = Cli.Run(Scaling("one-layer", "linear"));
        Assert.True(code == 0, error);
        var rows = JsonNode.Parse(output)!["rows"]!.AsArray();
        Assert.All(rows, r =>
        {
            Assert.Equal((int)r!["L"]!, (int)r["params"]!); // one full layer: V parameters
            Assert.Contains("exact population excess", (string)r["stopping_rule"]!);
        });
        var (again, output2, error2) = Cli.Run(Scaling("one-layer", "linear"));
        Assert.True(again == 0, error2);
        Assert.Contains("0 of 2 job(s) to run", error2);
        Assert.Equal(output, output2);
    }

    [Fact]
    public void StabilityScansAConvNetworkOnSamplesAndReusesTheFinishedScan()
    {
        string file = Path.Combine(_folder, "conv.json");
        string[] args = ["stability", "--d", "1", "--L", "4,6", "--arch", "conv:2:1", "--mode", "samples", "--budget", "20", "--max-steps", "40",
                         "--seeds", "2", "--tolerance", "0.5", "--json", "--out", file];
        var (code, output, error) = Cli.Run(args);
        Assert.True(code == 0, error);
        var scan = JsonNode.Parse(output)!.AsObject();
        Assert.Equal("samples", (string)scan["mode"]!);
        Assert.Equal(2, (int)scan["seeds_used"]!); // training on samples is never deterministic
        Assert.Contains("validation excess", (string)scan["stopping_rule"]!);
        foreach (var row in scan["rows"]!.AsArray())
        {
            Assert.Equal(ConvParameters, (int)row!["params"]!);
            double stable = (double)row["stable_lr"]!, safe = (double)row["safe_lr"]!;
            Assert.True(safe > 0 && safe <= stable, $"safe {safe}, stable {stable}");
            Assert.Equal(0.1 * safe, (double)row["training_lr"]!, 12);
            Assert.All(row["seed_steps"]!.AsArray(), s => Assert.InRange((int)s!, 1, 40));
        }
        Assert.True(File.Exists(file) && File.Exists(Path.ChangeExtension(file, ".csv")));

        var (again, output2, error2) = Cli.Run(args);
        Assert.True(again == 0, error2);
        Assert.Contains("reused the finished scan", error2);
        Assert.Equal(output, output2); // the stored scan, its wall time included
    }

    [Theory]
    [InlineData("scaling --d 1 --L 4 --xi 1 --arch conv:2:1 --out OUT/s", "--mode population")]
    [InlineData("scaling --d 1 --L 4 --xi 1 --arch one-layer,conv:2:1 --mode empirical --out OUT/s", "--mode empirical")]
    [InlineData("scaling --d 1 --L 4 --xi 1 --arch conv:2:1 --mode sample --out OUT/s", "--mode must be population, empirical or samples")]
    [InlineData("scaling --d 1 --L 4 --xi 1 --arch conv:2:1 --mode samples --start random:0.1 --out OUT/s", "--start")]
    [InlineData("scaling --d 1 --L 4 --xi 1 --arch conv:2:1 --mode samples --optimizer sgd --out OUT/s", "--optimizer")]
    [InlineData("scaling --d 1 --L 4 --xi 1 --arch conv:2:3 --mode samples --out OUT/s", "--arch conv:2:3:tanh at L = 4")]
    [InlineData("scaling --d 1 --L 4 --xi 1 --arch conv:0:1 --mode samples --out OUT/s", "--arch")]
    [InlineData("stability --d 1 --L 4 --arch conv:2:1", "--mode empirical")]
    [InlineData("stability --d 1 --L 4 --arch conv:2:1 --optimizer gd", "--mode population")]
    [InlineData("stability --d 1 --L 4 --arch conv:2:1 --mode samples --basis fourier", "--basis")]
    [InlineData("stability --d 1 --L 4 --arch conv:2:1 --mode samples --start unbalanced", "--start")]
    [InlineData("stability --d 1 --L 4 --arch conv:2:3 --mode samples", "--arch conv:2:3:tanh at L = 4")]
    [InlineData("stability --d 1 --L 4 --arch conv:x --mode samples", "--arch")]
    public void BadNetworkInputExitsTwoNamingTheOption(string args, string expected) =>
        Cli.AssertRefused(args.Replace("OUT", _folder).Split(' '), expected);
}
