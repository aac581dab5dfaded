using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Networks;
using CritDiff.Reporting;

namespace CritDiff.Tests.Experiments;

public sealed class ScalingSweepTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-sweep-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The tiny sweep (d = 2, xi/L = 1/4, L = 8, 16, 32, population GD), with a cheap budget curve.</summary>
    private static ScalingSpec Tiny(params string[] archs) => new()
    {
        Name = "tiny",
        Family = new ModelFamily("xi/L", 0.25),
        Dimension = 2,
        Sizes = [8, 16, 32],
        Architectures = archs.Select(a => NetworkCatalog.Parse(a)).ToArray(),
        Budget = 8,
        GenerationSlices = 3,
        GenerationSteps = 40,
    };

    private string Folder(string name) => Path.Combine(_folder, name);

    private static StudyRun In(string folder) => new() { Folder = folder };

    /// <summary>A progress sink that runs on the reporting thread.</summary>
    private sealed class Counter(Action<StudyProgress> report) : IProgress<StudyProgress>
    {
        public void Report(StudyProgress value) => report(value);
    }

    [Fact]
    public void TinySweepFindsL2ForOneLayerAndLogForTwoLayer()
    {
        var spec = Tiny("one-layer", "two-layer");
        var summary = ScalingSummary.Build(spec, ScalingSweep.Study.Run(spec, In(Folder("a"))));
        var one = summary.Fits.Single(f => f.Architecture == "one-layer");
        var two = summary.Fits.Single(f => f.Architecture == "two-layer");
        Assert.InRange(one.PowerExponent!.Value, 1.7, 2.3); // the "within 0.3 of 2"
        Assert.Equal("power", one.Preferred);
        Assert.Equal("log", two.Preferred);
        // Full networks under population GD: the measured steps are the theory's exactly (issue 3).
        Assert.All(summary.Rows, r => Assert.Equal(r.PredictedSteps, (int)r.Steps));
        // Parameter counts: V for one layer, 2V for two.
        Assert.All(summary.Rows, r => Assert.Equal(r.Architecture == "one-layer" ? r.Length * r.Length : 2 * r.Length * r.Length, r.Parameters));
    }

    [Fact]
    public void InterruptedSweepResumesToTheSameSummary()
    {
        var spec = Tiny("one-layer", "two-layer-local:1");
        ScalingSweep.Study.Run(spec, In(Folder("whole")) with { Threads = 2 });
        var whole = Summary(Folder("whole"));

        int ran = 0;
        new ScalingSweep { MaxJobs = 2 }.Run(spec, In(Folder("cut")) with { Progress = new Counter(e => { if (e.Done) Interlocked.Increment(ref ran); }) });
        Assert.Equal(2, ran);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(Folder("cut"), "jobs")).Length);
        ran = 0;
        ScalingSweep.Study.Run(spec, In(Folder("cut")) with { Threads = 1, Progress = new Counter(e => { if (e.Done) Interlocked.Increment(ref ran); }) });
        Assert.Equal(spec.Jobs().Count - 2, ran); // finished jobs are skipped
        Assert.Equal(whole, Summary(Folder("cut")));
    }

    [Fact]
    public void ShardsMergeToTheUnshardedRun()
    {
        var spec = Tiny("one-layer", "two-layer");
        ScalingSweep.Study.Run(spec, In(Folder("all")));
        var shards = Enumerable.Range(1, 3).Select(i =>
        {
            string dir = Folder($"shard{i}");
            new ScalingSweep { Shard = new Shard(i, 3) }.Run(spec, In(dir));
            return dir;
        }).ToArray();
        // Disjoint shares that cover the sweep.
        var counts = shards.Select(d => Directory.GetFiles(Path.Combine(d, "jobs")).Length).ToArray();
        Assert.Equal(spec.Jobs().Count, counts.Sum());
        Assert.All(counts, c => Assert.Equal(2, c));
        ScalingSweep.Merge(shards, Folder("merged"));
        Assert.Equal(Summary(Folder("all")), Summary(Folder("merged")));
    }

    [Fact]
    public void FolderOfAnotherExperimentIsRefused()
    {
        var spec = Tiny("one-layer");
        ScalingFolder.Prepare(Folder("x"), spec);
        var other = spec with { Sizes = [8, 16] };
        Assert.Throws<InvalidDataException>(() => ScalingFolder.Prepare(Folder("x"), other));
        ScalingFolder.Prepare(Folder("y"), other);
        Assert.Throws<InvalidDataException>(() => ScalingSweep.Merge([Folder("x"), Folder("y")], Folder("z")));
    }

    [Fact]
    public void SpecRoundTripsThroughConfigJson()
    {
        var spec = Tiny("one-layer", "two-layer-local:1") with { Family = new ModelFamily("mass2", 0.1, freeField: true), LearningRate = 0.3 };
        ScalingFolder.Prepare(Folder("r"), spec);
        var back = ScalingFolder.ReadSpec(Folder("r"));
        Assert.Equal(JsonSerializer.Serialize(spec, JsonFormats.Folder), JsonSerializer.Serialize(back, JsonFormats.Folder));
        Assert.True(back.Family.FreeField);
        Assert.Equal(spec.Sizes, back.Sizes);
    }

    [Fact]
    public void ConfigJsonUsesTheSharedKeyNames()
    {
        var spec = Tiny("one-layer") with { LearningRate = 0.3 };
        ScalingFolder.Prepare(Folder("k"), spec);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder("k"), "config.json")))!.AsObject();
        foreach (string key in new[] { "d", "t", "t_min", "lr", "batch", "max_steps" }) Assert.True(json.ContainsKey(key), key);
        foreach (string key in new[] { "dimension", "time", "min_time", "learning_rate", "batch_size" }) Assert.False(json.ContainsKey(key), key);
    }

    [Fact]
    public void ConfigJsonWithTheOldKeyNamesStillResumes()
    {
        var spec = Tiny("one-layer") with { LearningRate = 0.3, BatchSize = 32, MinTime = 2e-3, Time = 0.2 };
        ScalingFolder.Prepare(Folder("o"), spec);
        string path = Path.Combine(Folder("o"), "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        foreach (var (old, current) in new[] { ("dimension", "d"), ("time", "t"), ("min_time", "t_min"), ("learning_rate", "lr"), ("batch_size", "batch") })
        {
            var value = json[current];
            json.Remove(current);
            json[old] = value;
        }
        File.WriteAllText(path, json.ToJsonString());
        var back = ScalingFolder.ReadSpec(Folder("o"));
        Assert.Equal(JsonSerializer.Serialize(spec, JsonFormats.Folder), JsonSerializer.Serialize(back, JsonFormats.Folder));
        ScalingFolder.Prepare(Folder("o"), spec);
    }

    [Theory]
    [InlineData("2/3", 2, 3)]
    [InlineData("1/1", 1, 1)]
    public void ShardParses(string text, int index, int count) => Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("a/b")]
    [InlineData("3")]
    public void BadShardIsRejected(string text) => Assert.Throws<FormatException>(() => Shard.Parse(text));

    [Fact]
    public void SlurmArrayVariablesGiveTheShard()
    {
        var env = new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "0", ["SLURM_ARRAY_TASK_COUNT"] = "4" };
        Assert.Equal(new Shard(1, 4), Shard.FromSlurm(k => env.GetValueOrDefault(k)));
        env["SLURM_ARRAY_TASK_MIN"] = "1";
        env["SLURM_ARRAY_TASK_ID"] = "4";
        Assert.Equal(new Shard(4, 4), Shard.FromSlurm(k => env.GetValueOrDefault(k)));
        Assert.Null(Shard.FromSlurm(_ => null));
    }

    private static Func<string, string?> Slurm(int id, int min, int max) =>
        new Dictionary<string, string?>
        {
            ["SLURM_ARRAY_TASK_ID"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SLURM_ARRAY_TASK_MIN"] = min.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SLURM_ARRAY_TASK_MAX"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SLURM_ARRAY_TASK_COUNT"] = (max - min + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.GetValueOrDefault;

    [Fact]
    public void ResubmittedTaskWithShardsRerunsItsOwnShard()
    {
        // sbatch --array=2 of a 0-4 array: SLURM says MIN = MAX = 2, COUNT = 1.
        Assert.Equal(new Shard(3, 5), Shard.FromSlurm(Slurm(2, 2, 2), shards: 5));
        Assert.Equal(new Shard(1, 5), Shard.FromSlurm(Slurm(0, 0, 4), shards: 5));
        // Without --shards the array range gives the count; a one-task array cannot, and is refused.
        Assert.Equal(new Shard(2, 3), Shard.FromSlurm(Slurm(6, 5, 7)));
        Assert.Throws<FormatException>(() => Shard.FromSlurm(Slurm(2, 2, 2)));
        Assert.Throws<FormatException>(() => Shard.FromSlurm(Slurm(5, 5, 5), shards: 5)); // ids run 0..N-1
        Assert.Null(Shard.FromSlurm(_ => null, shards: 5));
    }

    [Fact]
    public void SlurmArraySweepAndResubmittedTaskMergeToTheUnshardedRunBitForBit()
    {
        // Item 5 of issue 13 without a real SLURM: the array's environment drives the shard logic.
        var spec = Tiny("one-layer", "two-layer");
        ScalingSweep.Study.Run(spec, In(Folder("all")));
        var shards = Enumerable.Range(0, 3).Select(k =>
        {
            string dir = Folder($"task{k}");
            new ScalingSweep { Shard = Shard.FromSlurm(Slurm(k, 0, 2))! }.Run(spec, In(dir));
            return dir;
        }).ToArray();
        // Task 1 failed: its folder is lost and it is resubmitted alone (sbatch --array=1, with --shards 3).
        Directory.Delete(shards[1], recursive: true);
        Assert.Equal(2, ScalingSweep.Missing(spec, shards).Count);
        new ScalingSweep { Shard = Shard.FromSlurm(Slurm(1, 1, 1), shards: 3)! }.Run(spec, In(shards[1]));
        Assert.Empty(ScalingSweep.Missing(spec, shards));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(shards[1], "jobs")).Length);
        ScalingSweep.Merge(shards, Folder("merged"));
        foreach (var job in spec.Jobs())
        {
            var merged = JsonNode.Parse(File.ReadAllText(ScalingFolder.JobPath(Folder("merged"), job)))!.AsObject();
            var alone = JsonNode.Parse(File.ReadAllText(ScalingFolder.JobPath(Folder("all"), job)))!.AsObject();
            merged.Remove("wall_seconds");
            alone.Remove("wall_seconds");
            Assert.Equal(alone.ToJsonString(), merged.ToJsonString());
        }
        Assert.Equal(Summary(Folder("all")), Summary(Folder("merged")));
    }

    [Fact]
    public void JobFileEditedToAnotherSizeIsRefused()
    {
        var spec = Tiny("one-layer");
        ScalingSweep.Study.Run(spec, In(Folder("a")));
        var job = spec.Jobs()[0];
        string path = ScalingFolder.JobPath(Folder("a"), job);
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        node["L"] = 16;
        File.WriteAllText(path, node.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => ScalingSweep.Merge([Folder("a")], Folder("m")));
        Assert.Contains(Path.GetFileName(path), e.Message);
    }

    /// <summary>The folder's rebuilt summary.json with wall times removed (the only entries allowed to differ).</summary>
    private static string Summary(string folder)
    {
        SweepReport.Rebuild(folder, figures: false);
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!.AsObject();
        foreach (var row in node["rows"]!.AsArray()) row!.AsObject().Remove("wall_seconds");
        return node.ToJsonString();
    }
}
