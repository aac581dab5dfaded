using System.Text.Json.Nodes;
using CritDiff.Cli;

namespace CritDiff.Tests.Cli;

/// <summary>End-to-end runs of scaling, merge and reproduce.</summary>
public sealed class ExperimentCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-exp-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    [Theory]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --L 8,1", "--L must be a comma-separated list of sizes >= 2")]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --L 8,8", "--L lists a size twice")]
    [InlineData("scaling --d 2 --critical --L 8", "--critical needs d >= 3")]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --arch bogus", "--arch")]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --shard 4/3", "--shard")]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --seeds 0", "--seeds must be in 1..")]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --budget 0", "--budget must be in 1..")]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --t 0.1 --slices 3", "either --t or --slices")]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --mode empirical --optimizer gd", "gd uses the population gradient")]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --L 4 --arch one-layer-local:2", "2r+1 <= L")]
    [InlineData("merge /nonexistent-critdiff-folder", "does not exist")]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --seeds 3", "--seeds 3: population training from a non-random start is deterministic")]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --seeds 2 --start unbalanced:2", "--seeds 2: population training")]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --shards 3", "--shards N needs a SLURM array task")]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --shards 3 --shard 1/3", "either --shard i/N or --shards N")]
    public void BadInputExitsTwoWithOneLine(string args, string message)
    {
        var (code, output, error) = Run(args.Split(' '));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(message, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void ScalingTakesLayerListsAndWritesTheirCommasAsPlusInItsCsv()
    {
        string dir = Path.Combine(_folder, "lists");
        var (code, output, error) = Run("scaling", "--d", "2", "--xi-over-L", "0.25", "--L", "6", "--arch", "one-layer-local:1,layers:local:1,local:2,two-layer",
            "--budget", "2", "--gen-slices", "2", "--out", dir, "--json");
        Assert.True(code == 0, error);
        var rows = JsonNode.Parse(output)!["rows"]!.AsArray();
        Assert.Equal(["one-layer-local:1", "layers:local:1,local:2", "two-layer"], rows.Select(r => (string)r!["arch"]!));
        Assert.Equal(9 + 25, (long)rows[1]!["params"]!);
        var csv = File.ReadAllLines(Path.Combine(dir, "rows.csv"));
        // Issue 24: no quoted CSV fields (np.genfromtxt rejects them); a layer list's commas are written as '+' (docs/json.md).
        Assert.StartsWith("layers:local:1+local:2,6,34,", csv[2], StringComparison.Ordinal);
        Assert.All(csv, line => Assert.Equal(csv[0].Count(c => c == ','), line.Count(c => c == ',')));
        Assert.True(File.Exists(Path.Combine(dir, "excess_layers_local_1+local_2.png")));
    }

    [Fact]
    public void SeedsInPopulationModeRunFromARandomStartAndDiffer()
    {
        string dir = Path.Combine(_folder, "random");
        var (code, output, error) = Run("scaling", "--d", "2", "--xi-over-L", "0.25", "--L", "6", "--arch", "two-layer", "--seeds", "2",
            "--start", "random:0.5", "--budget", "2", "--gen-slices", "2", "--no-report", "--out", dir, "--json");
        Assert.True(code == 0, error);
        var steps = Directory.GetFiles(Path.Combine(dir, "jobs")).Order(StringComparer.Ordinal)
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!["final_excess"]!.ToJsonString()).ToArray();
        Assert.Equal(2, steps.Length);
        Assert.NotEqual(steps[0], steps[1]); // the reason --seeds is allowed here: the runs differ
    }

    [Fact]
    public void CapturedTableOutputSplitsNoNumberOrName()
    {
        // Captured stdout has no terminal width; Spectre's default of 80 columns used to break
        // "two-layer-local:1" and "KL at budget" across lines.
        string dir = Path.Combine(_folder, "table");
        var (code, output, error) = Run("scaling", "--d", "2", "--xi-over-L", "0.25", "--L", "6,8", "--arch", "one-layer,two-layer-local:1",
            "--budget", "2", "--gen-slices", "2", "--no-report", "--out", dir);
        Assert.True(code == 0, error);
        var lines = output.Split('\n');
        // The reference: the job files. Each job is one table line carrying its whole name, L, parameter count and steps.
        var jobs = Directory.GetFiles(Path.Combine(dir, "jobs")).Select(f => JsonNode.Parse(File.ReadAllText(f))!).ToArray();
        Assert.Equal(4, jobs.Length);
        foreach (var job in jobs)
        {
            string row = $"│ {(string)job["arch"]!} ";
            var line = Assert.Single(lines, l => l.StartsWith(row, StringComparison.Ordinal) && l.Contains($"│ {(int)job["L"]!} ", StringComparison.Ordinal));
            Assert.Contains($"│ {(long)job["params"]!} ", line);
            Assert.Contains($"│ {(int)job["steps"]!} ", line);
        }
        Assert.Contains(lines, l => l.Contains("│ KL at budget │", StringComparison.Ordinal));
        // No continuation rows: every cell line of the first table starts with a name or the header.
        var firstTable = lines.TakeWhile(l => !l.StartsWith('└')).Where(l => l.StartsWith('│')).ToArray();
        Assert.Equal(1 + jobs.Length, firstTable.Length);
    }

    [Fact]
    public void ScalingShardComesFromTheOptionsThenTheSlurmEnvironment()
    {
        var resubmitted = new Dictionary<string, string?>
        {
            ["SLURM_ARRAY_TASK_ID"] = "4", ["SLURM_ARRAY_TASK_MIN"] = "4", ["SLURM_ARRAY_TASK_MAX"] = "4", ["SLURM_ARRAY_TASK_COUNT"] = "1",
        };
        Assert.Equal(new CritDiff.Experiments.Shard(5, 8), ScalingCommand.ResolveShard(null, 8, resubmitted.GetValueOrDefault));
        Assert.Equal(new CritDiff.Experiments.Shard(2, 3), ScalingCommand.ResolveShard("2/3", null, resubmitted.GetValueOrDefault)); // --shard wins
        Assert.Contains("--shards N", Assert.Throws<UsageException>(() => ScalingCommand.ResolveShard(null, null, resubmitted.GetValueOrDefault)).Message);
        Assert.Equal(CritDiff.Experiments.Shard.All, ScalingCommand.ResolveShard(null, null, _ => null));
    }

    [Fact]
    public void MergeWithAShardMissingExitsThreeNamingTheJobs()
    {
        string shard = Path.Combine(_folder, "shard1"), merged = Path.Combine(_folder, "merged");
        var (code, _, error) = Run("scaling", "--d", "2", "--xi-over-L", "0.25", "--L", "6,8", "--arch", "one-layer",
            "--budget", "2", "--gen-slices", "2", "--shard", "1/2", "--no-report", "--out", shard);
        Assert.True(code == 0, error);
        var (partial, output, message) = Run("merge", shard, "--out", merged);
        Assert.Equal(3, partial);
        Assert.Equal("", output);
        Assert.Contains("1 job(s) are in none of the folders: 0001_one-layer_L8_s0", message);
        Assert.Single(message.TrimEnd().Split('\n'));
        var (allowed, _, log) = Run("merge", shard, "--out", merged, "--allow-partial", "--json");
        Assert.True(allowed == 0, log);
        Assert.Contains("warning: merging without 1 job(s)", log);
    }

    [Fact]
    public void ScalingWritesItsFolderAndJsonKeys()
    {
        string dir = Path.Combine(_folder, "s");
        var (code, output, error) = Run("scaling", "--d", "2", "--xi-over-L", "0.25", "--L", "6,8", "--arch", "one-layer,two-layer",
            "--budget", "4", "--gen-slices", "2", "--out", dir, "--json");
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!.AsObject();
        foreach (var row in json["rows"]!.AsArray())
            foreach (string key in new[] { "arch", "L", "params", "steps", "predicted_steps", "wall_seconds", "kl_at_budget" })
                Assert.True(row!.AsObject().ContainsKey(key), key);
        foreach (var fit in json["fits"]!.AsArray())
            foreach (string key in new[] { "arch", "power_exponent", "power_exponent_err", "log_slope", "log_slope_err", "preferred" })
                Assert.True(fit!.AsObject().ContainsKey(key), key);
        foreach (string file in new[] { "config.json", "summary.json", "rows.csv", "fits.csv", "budget.csv", "history.csv", "ratio.csv", "report.md", "report.html", "steps_vs_L.png", "steps_vs_L.svg" })
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        // Not a terminal: one line per finished job on stderr.
        Assert.Equal(4, error.Split('\n').Count(l => l.Contains(" steps", StringComparison.Ordinal) && l.Contains("L=", StringComparison.Ordinal)));
        // A rerun finds every job finished and runs none.
        var (again, _, log) = Run("scaling", "--d", "2", "--xi-over-L", "0.25", "--L", "6,8", "--arch", "one-layer,two-layer",
            "--budget", "4", "--gen-slices", "2", "--out", dir, "--json");
        Assert.Equal(0, again);
        Assert.Contains("0 of 4 job(s) to run", log);
    }
}
