using System.Text.Json.Nodes;
using CritDiff.Experiments;
using static CritDiff.Tests.Cli.Cli;

namespace CritDiff.Tests.Cli;

/// <summary>
/// train with a time-conditioned network (unet:..., issue 22): one network for every t, --steps, --ema, the run folder and
/// checkpoint version 3, generate from it with every sampler, and bad input exiting 2 naming the option or the file.
/// </summary>
public sealed class ConditionedTrainingCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-conditioned-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Train = ["train", "--d", "1", "--L", "8", "--mass2", "0.5", "--arch", "unet:2:1"];

    private static readonly string[] Small = ["--steps", "30", "--batch", "8", "--eval-interval", "10", "--validation-size", "16"];

    [Fact]
    public void TrainWritesTheRunFolderAndGenerateRunsEverySampler()
    {
        string run = Path.Combine(_folder, "run");
        var (code, output, error) = Run([.. Train, .. Small, "--ema", "0.9", "--t-max", "3", "--out", run, "--json"]);
        Assert.True(code == 0, error);
        var summary = JsonNode.Parse(output)!;
        Assert.Equal(ConditionedTrainingRun.TrainerName, (string)summary["trainer"]!);
        Assert.Equal(30, (int)summary["steps_run"]!);
        Assert.Equal(0.9, (double)summary["ema"]!);
        Assert.Equal(3, (double)summary["t_max"]!);
        Assert.True((double)summary["final_validation_loss"]! < (double)summary["initial_validation_loss"]!);
        Assert.True((double)summary["exact_validation_loss"]! < (double)summary["final_validation_loss"]!);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(run, "history_slice000.csv")).Length - 1);
        var model = ModelCheckpoint.Load(Path.Combine(run, "checkpoint"));
        Assert.True(model.IsTimeConditioned);
        Assert.Equal([1e-3, 3], model.Times);
        Assert.NotNull(model.EmaParameters);

        foreach (string sampler in new[] { "sde-em", "sde-exp", "ode-heun", "pc" })
        {
            var (exit, json, why) = Run("generate", "--model", Path.Combine(run, "checkpoint"), "--n", "4", "--steps", "5", "--sampler", sampler, "--json");
            Assert.True(exit == 0, $"{sampler}: {why}");
            Assert.NotNull(JsonNode.Parse(json));
        }

        // The run folder stands for its checkpoint/: the same samples bit for bit.
        string[] generate = ["generate", "--n", "4", "--steps", "5", "--sampler", "sde-em", "--json"];
        var fromCheckpoint = JsonNode.Parse(Run([.. generate, "--model", Path.Combine(run, "checkpoint")]).Out)!;
        var (folderExit, fromFolder, folderError) = Run([.. generate, "--model", run]);
        Assert.True(folderExit == 0, folderError);
        Assert.Equal((double)fromCheckpoint["observables"]!["energy"]!["value"]!, (double)JsonNode.Parse(fromFolder)!["observables"]!["energy"]!["value"]!);

        // --weights raw samples the last step's weights (ema 0.9 over 30 steps differs from them), and says so.
        var raw = JsonNode.Parse(Run([.. generate, "--model", run, "--network-weights", "raw"]).Out)!;
        Assert.Equal("raw", (string)raw["network_weights"]!);
        Assert.Equal("ema", (string)fromCheckpoint["network_weights"]!);
        Assert.NotEqual((double)fromCheckpoint["observables"]!["energy"]!["value"]!, (double)raw["observables"]!["energy"]!["value"]!);
        AssertRefused([.. generate, "--model", run, "--network-weights", "last"], "--network-weights");

        // A folder with no checkpoint is named as --model, also when --data is given (not "--data applies to ...").
        var (badExit, _, badError) = Run([.. generate, "--model", _folder, "--data", Path.Combine(_folder, "none.npy")]);
        Assert.Equal(2, badExit);
        Assert.StartsWith("error: --model", badError.Trim());
    }

    [Fact]
    public void OneAndTwoThreadsTrainTheSameNetwork()
    {
        string Loss(string threads)
        {
            var (code, output, error) = Run([.. Train, .. Small, "--threads", threads, "--json"]);
            Assert.True(code == 0, error);
            var json = JsonNode.Parse(output)!;
            return $"{(double)json["final_validation_loss"]!:R} {(double)json["final_ema_validation_loss"]!:R}";
        }
        Assert.Equal(Loss("1"), Loss("2"));
    }

    [Theory]
    [InlineData("--ema", "1", "--ema must be in [0, 1)")]
    [InlineData("--slices", "4", "--slices does not apply to a time-conditioned network")]
    [InlineData("--stop", "budget", "--stop does not apply")]
    [InlineData("--max-steps", "10", "--max-steps does not apply")]
    [InlineData("--steps", "0", "--steps must be in 1..")]
    [InlineData("--t-min", "5", "--t-max")]
    [InlineData("--optimizer", "gd", "--optimizer must be adam or sgd")]
    [InlineData("--lr", "-1", "--lr")]
    public void BadOptionsExitTwoNamingThem(string option, string value, string message) =>
        AssertRefused([.. Train, .. option == "--steps" ? Small[2..] : Small, "--t-max", "3", option, value], message);

    [Fact]
    public void OptionsOfTimeConditionedNetworksAreRefusedElsewhere()
    {
        AssertRefused(["train", "--d", "1", "--L", "8", "--mass2", "0.5", "--arch", "conv:2:1", "--steps", "10"], "--steps applies only to a time-conditioned network");
        AssertRefused(["train", "--d", "1", "--L", "8", "--mass2", "0.5", "--arch", "one-layer", "--ema", "0.9"], "--ema applies only with --mode samples");
        AssertRefused(["train", "--d", "1", "--L", "8", "--mass2", "0.5", "--arch", "unet:2:3"], "--arch");
    }

    [Fact]
    public void DamagedCheckpointsExitTwoNamingTheFile()
    {
        string run = Path.Combine(_folder, "damaged");
        Assert.Equal(0, Run([.. Train, .. Small, "--t-max", "3", "--out", run]).Code);
        string checkpoint = Path.Combine(run, "checkpoint");
        string[] generate = ["generate", "--model", checkpoint, "--n", "4", "--steps", "5"];
        string path = Path.Combine(checkpoint, "model.json");
        string original = File.ReadAllText(path);
        // Another network than the one trained: its arrays do not fit.
        File.WriteAllText(path, original.Replace("\"unet:2:1\"", "\"unet:3:1\"", StringComparison.Ordinal));
        AssertRefused(generate, "slice000_array0.npy' holds 16 values; unet:3:1");
        File.WriteAllText(path, original.Replace("\"unet:2:1\"", "\"conv:2:1\"", StringComparison.Ordinal));
        AssertRefused(generate, "is a per-slice network");
        File.WriteAllText(path, original);
        File.Delete(Path.Combine(checkpoint, "ema_array0.npy"));
        AssertRefused(generate, "ema_array0.npy");
    }
}
