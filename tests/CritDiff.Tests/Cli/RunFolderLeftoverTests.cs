using System.Security.Cryptography;
using System.Text.Json.Nodes;
using static CritDiff.Tests.Cli.Cli;

namespace CritDiff.Tests.Cli;

/// <summary>
/// Leftovers (issue 24): a refused command leaves the file system as it found it (no new or half-merged output folder,
/// an existing one untouched); a run into an earlier run's folder keeps none of the earlier run's files beside its own;
/// train --mode samples resumes finished slices bit-identically and refuses a folder of other settings naming the key;
/// a resumed critical says how many jobs it reused and counts from there.
/// </summary>
public sealed class RunFolderLeftoverTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-leftover-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Every folder and file under the test folder with the SHA-256 of its contents.</summary>
    private SortedDictionary<string, string> Snapshot()
    {
        var state = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string d in Directory.GetDirectories(_folder, "*", SearchOption.AllDirectories))
            state[Path.GetRelativePath(_folder, d) + "/"] = "";
        foreach (string f in Directory.GetFiles(_folder, "*", SearchOption.AllDirectories))
            state[Path.GetRelativePath(_folder, f)] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)));
        return state;
    }

    private void AssertRefusedWithoutLeftovers(int code, params string[] args)
    {
        var before = Snapshot();
        var (actual, _, error) = Run(args);
        Assert.True(actual == code, error);
        Assert.StartsWith("error: ", error);
        Assert.Equal(before, Snapshot());
    }

    private string Sweep(string name, string arch, string? shard = null)
    {
        string dir = Path.Combine(_folder, name);
        string[] args = ["scaling", "--d", "2", "--xi-over-L", "0.25", "--L", "6,8", "--arch", arch, "--budget", "2", "--gen-slices", "2",
            "--no-report", "--out", dir];
        var (code, _, error) = Run(shard is null ? args : [.. args, "--shard", shard]);
        Assert.True(code == 0, error);
        return dir;
    }

    [Fact]
    public void RefusedThreadsLeaveNoOutputFolder()
    {
        AssertRefusedWithoutLeftovers(2, "reproduce", "--quick", "--threads", "-2", "--out", Path.Combine(_folder, "new", "out"));
        AssertRefusedWithoutLeftovers(2, "critical", "--model", "on", "--d", "2", "--L", "4,6", "--lower", "0.4", "--upper", "0.5",
            "--threads", "-2", "--out", Path.Combine(_folder, "critical"));
        AssertRefusedWithoutLeftovers(2, "train", "--d", "2", "--L", "4", "--xi", "1", "--threads", "-2", "--out", Path.Combine(_folder, "train"));
    }

    [Fact]
    public void RefusedMergesLeaveEveryFolderAsItWas()
    {
        string shard = Sweep("shard1", "one-layer", "1/2"), other = Sweep("other", "two-layer");
        // Missing jobs (exit 3), into a new folder and into an existing one that holds a file of the user's.
        AssertRefusedWithoutLeftovers(3, "merge", shard, "--out", Path.Combine(_folder, "merged", "deep"));
        Directory.CreateDirectory(Path.Combine(_folder, "existing"));
        File.WriteAllText(Path.Combine(_folder, "existing", "notes.txt"), "mine");
        AssertRefusedWithoutLeftovers(3, "merge", shard, "--out", Path.Combine(_folder, "existing"));
        // Folders of different experiments; an --out of a different experiment.
        AssertRefusedWithoutLeftovers(2, "merge", shard, other, "--out", Path.Combine(_folder, "merged"));
        AssertRefusedWithoutLeftovers(2, "merge", shard, "--allow-partial", "--out", other);
        // The same merge allowed goes through.
        var (code, _, error) = Run("merge", shard, "--allow-partial", "--out", Path.Combine(_folder, "merged"));
        Assert.True(code == 0, error);
    }

    [Fact]
    public void TrainingIntoAnEarlierRunWithMoreSlicesKeepsNoneOfItsFiles()
    {
        string dir = Path.Combine(_folder, "run");
        string[] files(string sub) => Directory.GetFiles(Path.Combine(dir, sub)).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(0, Run("train", "--d", "2", "--L", "4", "--xi", "1", "--slices", "3", "--out", dir).Code);
        Assert.Equal(0, Run("train", "--d", "2", "--L", "4", "--xi", "1", "--slices", "2", "--out", dir).Code);
        Assert.Equal(["config.json", "history_slice000.csv", "history_slice001.csv", "summary.json"], files(""));
        Assert.Equal(["model.json", "slice000_array0.npy", "slice001_array0.npy"], files("checkpoint"));
        // The same for training on samples.
        string[] samples = ["train", "--d", "2", "--L", "4", "--xi-over-L", "0.25", "--arch", "one-layer", "--mode", "samples", "--stop", "budget",
            "--max-steps", "4", "--batch", "2", "--validation-size", "2", "--out", dir];
        Assert.Equal(0, Run([.. samples, "--slices", "1"]).Code);
        Assert.Equal(["config.json", "history_slice000.csv", "summary.json"], files(""));
        Assert.Equal(["model.json", "slice000_array0.npy"], files("checkpoint"));
    }

    [Fact]
    public void TrainingRefusesAFolderOfAnotherKindOfRunAndReplacesAnEarlierSamplesRunsSlices()
    {
        // A sweep's folder (config.json without train's command): refused, left as it was.
        string sweep = Path.Combine(_folder, "sweep");
        Directory.CreateDirectory(sweep);
        File.WriteAllText(Path.Combine(sweep, "config.json"), "{\"name\": \"d2\", \"family\": \"xi/L\", \"sizes\": [4, 8]}\n");
        var before = Snapshot();
        var (code, _, error) = Run("train", "--d", "2", "--L", "4", "--xi", "1", "--slices", "2", "--max-steps", "20", "--out", sweep);
        Assert.Equal(2, code);
        Assert.Contains("--out: ", error);
        Assert.Contains("holds another kind of run", error);
        Assert.Equal(before, Snapshot());
        // A samples run's resumable slices/ do not outlive a population run that replaces it in the same folder.
        string dir = Path.Combine(_folder, "run");
        Assert.Equal(0, Run([.. SampleRun, "--out", dir]).Code);
        Assert.True(Directory.Exists(Path.Combine(dir, "slices")));
        Assert.Equal(0, Run("train", "--d", "2", "--L", "4", "--xi", "1", "--slices", "2", "--max-steps", "20", "--out", dir).Code);
        Assert.False(Directory.Exists(Path.Combine(dir, "slices")));
    }

    private static readonly string[] SampleRun =
    [
        "train", "--d", "2", "--L", "4", "--xi-over-L", "0.25", "--arch", "conv:2:1", "--slices", "3", "--max-steps", "40",
        "--stop", "validation", "--reference-factor", "1", "--batch", "4", "--validation-size", "8", "--eval-interval", "5", "--seed", "7", "--json",
    ];

    private static JsonObject WithoutWallTime(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("wall_seconds");
        return node;
    }

    [Fact]
    public void SampleTrainingResumesFinishedSlicesBitIdentically()
    {
        string whole = Path.Combine(_folder, "whole"), resumed = Path.Combine(_folder, "resumed");
        var (code, expected, error) = Run([.. SampleRun, "--out", whole]);
        Assert.True(code == 0, error);
        // An interruption after two of three slices: the last slice's stored files and everything written at the end are gone.
        var (first, _, firstError) = Run([.. SampleRun, "--out", resumed]);
        Assert.True(first == 0, firstError);
        foreach (string f in Directory.GetFiles(Path.Combine(resumed, "slices"), "slice002*")) File.Delete(f);
        foreach (string f in Directory.GetFiles(resumed, "history_slice*")) File.Delete(f);
        Directory.Delete(Path.Combine(resumed, "checkpoint"), recursive: true);
        File.Delete(Path.Combine(resumed, "summary.json"));
        var (again, actual, log) = Run([.. SampleRun, "--out", resumed, "--threads", "1"]);
        Assert.True(again is 0 or 3, log);
        Assert.Contains("reused 2 of 3 finished slices", log);
        Assert.Single(log.Split('\n'), l => l.Contains("[3/3] train: slice 3/3 ", StringComparison.Ordinal)); // counted from the reused ones
        Assert.True(JsonNode.DeepEquals(WithoutWallTime(expected), WithoutWallTime(actual)), $"{expected}\n---\n{actual}");
        foreach (string f in Directory.GetFiles(whole, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".json", StringComparison.Ordinal)))
            Assert.True(File.ReadAllBytes(f).SequenceEqual(File.ReadAllBytes(Path.Combine(resumed, Path.GetRelativePath(whole, f)))), f);
    }

    [Fact]
    public void ASliceInterruptedInItsMainRunReusesItsFinishedReferenceRuns()
    {
        string dir = Path.Combine(_folder, "run");
        var (code, expected, error) = Run([.. SampleRun, "--out", dir]);
        Assert.True(code == 0, error);
        string slices = Path.Combine(dir, "slices");
        void Interrupt()
        {
            foreach (string f in Directory.GetFiles(slices, "slice002*").Where(f => !f.Contains("_reference", StringComparison.Ordinal))) File.Delete(f);
        }
        Interrupt();
        Assert.Equal(2, Directory.GetFiles(slices, "slice002_reference*.json").Length);
        var (again, actual, log) = Run([.. SampleRun, "--out", dir]);
        Assert.True(again is 0 or 3, log);
        Assert.True(JsonNode.DeepEquals(WithoutWallTime(expected), WithoutWallTime(actual)), $"{expected}\n---\n{actual}");
        // The kept outcomes are what the rerun used: a changed one (a reference below every loss) becomes the slice's reference.
        Interrupt();
        File.WriteAllText(Path.Combine(slices, "slice002_reference0.json"), "{\"lowest\":-1,\"diverged\":false}\n");
        var (third, changed, thirdLog) = Run([.. SampleRun, "--out", dir]);
        Assert.True(third == 0, thirdLog);
        Assert.Equal(-1.0, (double)JsonNode.Parse(changed)!["slices"]![2]!["reference_loss"]!);
    }

    [Fact]
    public void SampleTrainingRefusesToResumeAFolderOfOtherSettingsNamingTheKey()
    {
        string dir = Path.Combine(_folder, "run");
        Assert.Equal(0, Run([.. SampleRun, "--out", dir]).Code);
        var before = Snapshot();
        var (code, _, error) = Run([.. SampleRun.Select(a => a == "40" ? "50" : a), "--out", dir]);
        Assert.Equal(2, code);
        Assert.Contains("config key 'max_steps' differs: 40 there, 50 here", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void ResumedCriticalSaysHowManyJobsItReusedAndCountsFromThere()
    {
        string dir = Path.Combine(_folder, "critical");
        string[] args = ["critical", "--model", "on", "--d", "2", "--L", "4,6", "--lower", "0.4", "--upper", "0.5", "--points", "3",
            "--sweeps", "16", "--thermalize", "0", "--chains", "1", "--out", dir, "--json"];
        // 16 sweeps may measure no Binder crossing (exit 3, issue 23); the resume bookkeeping is what is checked.
        var (code, output, error) = Run(args);
        Assert.True(code is 0 or 3, error);
        Assert.Equal(0, (int)JsonNode.Parse(output)!["reused_jobs"]!);
        Assert.DoesNotContain("reused", error);
        File.Delete(Directory.GetFiles(Path.Combine(dir, "jobs")).Order(StringComparer.Ordinal).First());
        var (again, resumed, log) = Run(args);
        Assert.True(again is 0 or 3, log);
        Assert.Equal(5, (int)JsonNode.Parse(resumed)!["reused_jobs"]!);
        Assert.Contains("critical: reused 5 of 6 finished jobs", log);
        var progress = log.Split('\n').Where(l => l.TrimStart().StartsWith('[')).ToArray();
        Assert.StartsWith("  [6/6] critical: ", Assert.Single(progress), StringComparison.Ordinal);
    }
}
