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
    [InlineData("scaling --d 2 --xi-over-L 0.25 --seeds 0", "seeds must be >= 1")]
    [InlineData("scaling --d 2 --xi-over-L 0.25 --budget 0", "budget must be >= 1")]
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
    public void ScalingTakesLayerListsWhoseCommasAreQuotedInItsCsv()
    {
        string dir = Path.Combine(_folder, "lists");
        var (code, output, error) = Run("scaling", "--d", "2", "--xi-over-L", "0.25", "--L", "6", "--arch", "one-layer-local:1,layers:local:1,local:2,two-layer",
            "--budget", "2", "--gen-slices", "2", "--out", dir, "--json");
        Assert.True(code == 0, error);
        var rows = JsonNode.Parse(output)!["rows"]!.AsArray();
        Assert.Equal(["one-layer-local:1", "layers:local:1,local:2", "two-layer"], rows.Select(r => (string)r!["arch"]!));
        Assert.Equal(9 + 25, (long)rows[1]!["params"]!);
        var csv = File.ReadAllLines(Path.Combine(dir, "rows.csv"));
        Assert.StartsWith("\"layers:local:1,local:2\",6,34,", csv[2], StringComparison.Ordinal);
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

    [Fact]
    public void ReproduceQuickProducesEveryPromisedFile()
    {
        string dir = Path.Combine(_folder, "r");
        var (code, output, error) = Run("reproduce", "--quick", "--out", dir, "--json");
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!.AsObject();
        var claims = json["claims"]!.AsArray();
        Assert.Equal(["C1", "C2", "C3", "C4", "C3-SGD", "Adam", "C4-local", "C4-SGD", "C1-finite-n", "C3-finite-n"], claims.Select(c => c!["id"]!.GetValue<string>()));
        Assert.All(claims, c => Assert.Contains(c!["verdict"]!.GetValue<string>(), new[] { "reproduced", "not reproduced", "not measured" }));
        foreach (string file in new[] { "report.md", "report.html", "summary.json", "claims.csv", "observables.csv" })
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        string md = File.ReadAllText(Path.Combine(dir, "report.md"));
        foreach (var experiment in json["experiments"]!.AsArray())
        {
            string sub = Path.Combine(dir, experiment!["experiment"]!.GetValue<string>());
            foreach (string figure in new[] { "steps_vs_L", "excess_one-layer", "kl_budget_one-layer", "ratio_one-layer" }
                         .Where(f => f == "steps_vs_L" || experiment["rows"]!.AsArray().Any(r => r!["arch"]!.GetValue<string>() == "one-layer")))
            {
                Assert.True(File.Exists(Path.Combine(sub, figure + ".png")), figure);
                Assert.True(File.Exists(Path.Combine(sub, figure + ".svg")), figure);
            }
            foreach (string csv in new[] { "rows.csv", "fits.csv", "budget.csv", "summary.json" })
                Assert.True(File.Exists(Path.Combine(sub, csv)), csv);
        }
        Assert.Equal(3, json["sampling"]!.AsArray().Count);
        foreach (var run in json["sampling"]!.AsArray())
            foreach (var (_, z) in run!["z_scores"]!.AsObject())
                Assert.InRange(Math.Abs((double)z!), 0, 5); // exact sampler: |z| above 5 would be a bug
        Assert.Contains("**C1 (", md);
        // Issue 7: the SGD-stability and local-architecture sections, their tables, figures and JSON.
        Assert.Contains("## C3 under SGD", md);
        Assert.Contains("## C4: local architectures", md);
        foreach (string file in new[] { "sgd-stability/stability.csv", "sgd-stability/stable_rate_vs_L.png", "sgd-stability/stable_rate_vs_L.svg",
                     "sgd-stability/sgd_steps_vs_L.png", "local-architectures/local_architectures.csv", "local-architectures/optimum_vs_parameters.png",
                     "local-architectures/optimum_vs_parameters.svg", "local-architectures/local_steps_vs_L.png" })
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        var stability = json["sgd_stability"]!.AsArray();
        Assert.Equal(7, stability.Count); // GD, SGD, Adam in two bases, and one-layer SGD
        foreach (var scan in stability)
        {
            Assert.Equal(3, scan!["rows"]!.AsArray().Count);
            Assert.All(scan["rows"]!.AsArray(), r => Assert.True((double)r!["stable_lr"]! > 0));
            Assert.NotNull(scan["fits"]!["stable_lr_exponent"]);
        }
        // The one-layer SGD stable rate shrinks with L (population limit 1/S_max ~ L^-2), the two-layer GD one does not.
        Assert.True((double)stability[6]!["fits"]!["stable_lr_exponent"]! < -1);
        Assert.InRange((double)stability[0]!["fits"]!["stable_lr_exponent"]!, -0.2, 0.2);
        // The verdicts follow their stated criteria from the numbers in the JSON.
        bool Flat(JsonNode scan) => Math.Abs((double)scan["fits"]!["stable_lr_exponent"]!) <= Math.Max(0.15, 2 * (double)scan["fits"]!["stable_lr_exponent_err"]!);
        bool? Verdict(string id) => claims.Single(c => (string)c!["id"]! == id)!["reproduced"]?.GetValue<bool>();
        var sgd = stability[2]!;
        Assert.Equal(("two-layer", "sgd", "kernel"), ((string)sgd["arch"]!, (string)sgd["optimizer"]!, (string)sgd["basis"]!));
        bool sgdSurvives = Flat(sgd) && (string?)sgd["fits"]!["preferred"] == "log" && sgd["rows"]!.AsArray().All(r => (bool)r!["converged"]!);
        Assert.Equal(sgdSurvives, Verdict("C3-SGD"));
        Assert.Equal(Flat(stability[4]!) || Flat(stability[5]!), Verdict("Adam"));
        var localSgd = json["local_sgd_stability"]!.AsArray();
        Assert.InRange(localSgd.Count, 1, 2);
        Assert.Equal(("two-layer-local:1", "balanced"), ((string)localSgd[0]!["arch"]!, (string)localSgd[0]!["start"]!));
        var networks = json["local_architectures"]!["networks"]!.AsArray();
        Assert.Equal(12, networks.Count);
        // Two balanced local layers stay on K2 = -K1 and reach a worse optimum than the same layers from an unbalanced start.
        double Gap(string arch, string start) => (double)networks.First(n => (string)n!["arch"]! == arch && (string)n["start"]! == start)!["optimum_gap_at_largest_L"]!;
        Assert.True(Gap("two-layer-local:1", "unbalanced:2") < Gap("two-layer-local:1", "balanced"));
        Assert.Contains("steps_vs_L.png", md);
        Assert.Contains("data:image/png;base64,", File.ReadAllText(Path.Combine(dir, "report.html")));
        // Beyond Gaussian (quick: 2D Ising at L = 8, 16, 32): files, the trainer equals the per-mode theory on every measured
        // spectrum, chi grows with L, and the verdict follows its criterion from the JSON numbers.
        Assert.Contains("## Beyond the Gaussian limit", md);
        foreach (string file in new[] { "rows.csv", "fits.csv", "steps_d2.png", "steps_d2.svg", "spectra/d2-ising-L16.npy", "points/d2-ising-L16.json" })
            Assert.True(File.Exists(Path.Combine(dir, "quick-beyond-gaussian", file)), file);
        var ising = json["beyond_gaussian"]!.AsArray().Single()!;
        Assert.Equal([8, 16, 32], ising["L"]!.AsArray().Select(l => (int)l!));
        var chi = ising["chi"]!.AsArray().Select(c => (double)c!).ToArray();
        Assert.True(chi[0] < chi[1] && chi[1] < chi[2]);
        foreach (string arch in new[] { "one-layer", "two-layer" })
            Assert.Equal(ising[arch]!["predicted_steps"]!.AsArray().Select(x => (int?)x), ising[arch]!["steps"]!.AsArray().Select(x => (int?)x));
        double p = (double)ising["one-layer"]!["power_exponent"]!, pErr = (double)ising["one-layer"]!["power_exponent_err"]!;
        Assert.Equal(Math.Abs(p - 1.75) <= 3 * pErr + Reporting.BeyondGaussianReport.ExponentAllowance, Verdict("C1-finite-n"));
    }
}
