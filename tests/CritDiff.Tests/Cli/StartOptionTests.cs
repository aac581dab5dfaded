using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Tests.Cli;

/// <summary>The --start option of <c>critdiff train</c> and <c>critdiff scaling</c>, end to end in process.</summary>
public sealed class StartOptionTests : IDisposable
{
    /// <summary>One slice of two local layers on a d = 2, L = 8 lattice: a few GD steps, well under a second.</summary>
    private static readonly string[] TrainArgs =
        ["train", "--d", "2", "--L", "8", "--xi-over-L", "0.25", "--arch", "two-layer-local:1", "--t", "0.1", "--json"];

    /// <summary>A one-job sweep (two local layers at L = 6) with a short budget curve and no figures.</summary>
    private static readonly string[] ScalingArgs =
        ["scaling", "--d", "2", "--xi-over-L", "0.25", "--L", "6", "--arch", "two-layer-local:1", "--budget", "4", "--gen-slices", "2", "--no-report", "--json"];

    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-start-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static JsonObject Train(params string[] extra)
    {
        var (code, output, error) = Cli.Run([.. TrainArgs, .. extra]);
        Assert.True(code == 0, error);
        return JsonNode.Parse(output)!.AsObject();
    }

    private static JsonObject Slice(JsonObject run) => Assert.Single(run["slices"]!.AsArray())!.AsObject();

    private static double Gap(JsonObject run) => (double)Slice(run)["optimum_gap_to_exact"]!;

    /// <summary>The JSON text without the wall-clock entries, the only ones that differ between two identical runs.</summary>
    private static string WithoutWallTime(JsonObject run)
    {
        var copy = run.DeepClone().AsObject();
        copy.Remove("wall_seconds");
        return copy.ToJsonString();
    }

    [Fact]
    public void TrainUnbalancedStartReachesALowerOptimumThanTheBalancedOne()
    {
        // The balanced set K_2 = -K_1 is invariant under GD and its product -K_1^2 <= 0 cannot reach the
        // best product of two radius-1 kernels; the unbalanced start (same product) leaves that set.
        var balanced = Train("--start", "balanced");
        var unbalanced = Train("--start", "unbalanced:2");
        var implicitDefault = Train();
        Assert.Equal("balanced", (string)balanced["start"]!);
        Assert.Equal("unbalanced:2", (string)unbalanced["start"]!);
        Assert.Equal("balanced", (string)implicitDefault["start"]!);
        Assert.Equal(WithoutWallTime(balanced), WithoutWallTime(implicitDefault));
        Assert.True(Slice(balanced)["converged"]!.GetValue<bool>());
        Assert.True(Slice(unbalanced)["converged"]!.GetValue<bool>());
        Assert.True(Gap(unbalanced) > 0);
        Assert.True(Gap(unbalanced) < 0.5 * Gap(balanced), $"optimum gaps: unbalanced {Gap(unbalanced)}, balanced {Gap(balanced)}");
        // Same initial product, so the same initial scale.
        Assert.Equal((double)Slice(balanced)["init"]!, (double)Slice(unbalanced)["init"]!);
    }

    [Fact]
    public void TrainRandomStartRepeatsForOneSeedAndChangesWithTheSeed()
    {
        var first = Train("--start", "random:0.1", "--seed", "5");
        var again = Train("--start", "random:0.1", "--seed", "5");
        var other = Train("--start", "random:0.1", "--seed", "6");
        Assert.Equal("random:0.1", (string)first["start"]!);
        Assert.Equal(WithoutWallTime(first), WithoutWallTime(again));
        Assert.NotEqual(WithoutWallTime(first), WithoutWallTime(other));
        // The perturbed start itself differs, not just some incidental field.
        Assert.NotEqual((double)Slice(first)["initial_excess"]!, (double)Slice(other)["initial_excess"]!);
    }

    [Theory]
    [InlineData("train", "sideways")]
    [InlineData("train", "random:-1")]
    [InlineData("train", "unbalanced:0")]
    [InlineData("scaling", "sideways")]
    [InlineData("scaling", "random:-1")]
    [InlineData("scaling", "unbalanced:0")]
    public void BadStartExitsTwoWithOneLineNamingTheOption(string verb, string start)
    {
        string[] args = verb == "train" ? TrainArgs : ScalingArgs;
        var (code, output, error) = Cli.Run([.. args, "--out", Path.Combine(_folder, "never"), "--start", start]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("--start", error);
        Assert.Contains($"'{start}'", error);
        Assert.Contains("balanced, unbalanced[:R] (R > 0) or random:S (S >= 0)", error);
        Assert.False(Directory.Exists(Path.Combine(_folder, "never", "jobs")));
    }

    [Fact]
    public void TrainRandomStartWithTheFourierBasisIsAUsageError()
    {
        var (code, output, error) = Cli.Run("train", "--d", "2", "--L", "8", "--xi-over-L", "0.25", "--arch", "two-layer", "--t", "0.1",
            "--basis", "fourier", "--start", "random:0.1");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("--start random:S needs --basis kernel", error);
    }

    [Fact]
    public void ScalingWritesTheStartAndRefusesToResumeWithAnotherOne()
    {
        string dir = Path.Combine(_folder, "unbalanced");
        var (code, output, error) = Cli.Run([.. ScalingArgs, "--start", "unbalanced:2", "--out", dir]);
        Assert.True(code == 0, error);
        Assert.Equal("unbalanced:2", (string)JsonNode.Parse(output)!["start"]!);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!.AsObject();
        Assert.Equal("unbalanced:2", (string)config["start"]!);
        Assert.Equal("unbalanced:2", ScalingFolder.ReadSpec(dir).Start);
        Assert.Equal("unbalanced:2", (string)JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!["start"]!);

        // "unbalanced" is stored as its canonical "unbalanced:2": the same experiment, nothing left to run.
        var (same, _, log) = Cli.Run([.. ScalingArgs, "--start", "unbalanced", "--out", dir]);
        Assert.Equal(0, same);
        Assert.Contains("0 of 1 job(s) to run", log);

        // Another start is another experiment, refused like any other changed setting.
        var (changed, changedOutput, refusal) = Cli.Run([.. ScalingArgs, "--start", "balanced", "--out", dir]);
        Assert.Equal(2, changed);
        Assert.Equal("", changedOutput);
        Assert.Contains("holds a different experiment", refusal);
    }

    [Fact]
    public void ScalingFolderWrittenBeforeTheStartSettingLoadsAsBalancedAndResumes()
    {
        string dir = Path.Combine(_folder, "old");
        var (code, _, error) = Cli.Run([.. ScalingArgs, "--out", dir]);
        Assert.True(code == 0, error);
        string path = Path.Combine(dir, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal("balanced", (string)config["start"]!);
        Assert.True(config.Remove("start"));
        File.WriteAllText(path, config.ToJsonString());

        var spec = ScalingFolder.ReadSpec(dir);
        Assert.Equal("balanced", spec.Start);
        Assert.Equal(NetworkStart.Balanced, spec.Config(0).Start);

        // The CLI resumes it with the default start (every job already finished) and refuses another start.
        var (again, output, log) = Cli.Run([.. ScalingArgs, "--out", dir]);
        Assert.True(again == 0, log);
        Assert.Contains("0 of 1 job(s) to run", log);
        Assert.Equal("balanced", (string)JsonNode.Parse(output)!["start"]!);
        var (changed, _, refusal) = Cli.Run([.. ScalingArgs, "--start", "random:0.1", "--out", dir]);
        Assert.Equal(2, changed);
        Assert.Contains("holds a different experiment", refusal);
    }

    [Fact]
    public void ScalingSpecValidatesItsStartAndPassesItToTraining()
    {
        var spec = new ScalingSpec
        {
            Name = "s",
            Family = new ModelFamily("xi/L", 0.25, false),
            Dimension = 2,
            Sizes = [6],
            Architectures = [NetworkCatalog.TwoLayerLocal(1)],
            Start = "random:0.25",
        };
        spec.Validate();
        Assert.Equal(NetworkStart.Random(0.25), spec.Config(0).Start);
        Assert.Equal(NetworkStart.Balanced, (spec with { Start = "balanced" }).Config(1).Start);
        var e = Assert.Throws<ArgumentException>(() => (spec with { Start = "sideways" }).Validate());
        Assert.Contains("start", e.Message);
        Assert.Contains("sideways", e.Message);
        Assert.Equal(TrainingMode.Population, spec.Config(0).Mode);
    }
}
