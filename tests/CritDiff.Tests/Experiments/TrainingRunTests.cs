using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Tests.Experiments;

/// <summary>
/// The linear training run in the library (issue 21): <see cref="TrainingRun"/> builds config.json and the summary from a
/// <see cref="TrainingRequest"/>, and <see cref="TrainingRunFolder"/> is the one writer of a run folder.
/// </summary>
public sealed class TrainingRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-trainingrun-").FullName;

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static TrainingRequest Request(int slices)
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(1, 8), 0.25);
        var grid = slices == 1 ? TimeGrid.Single(0.1) : TimeGrid.LogSpaced(slices, 0.01, 1);
        var problem = new TrainingProblem(field, new VariancePreserving(), grid, Architecture.Parse("one-layer"));
        return new TrainingRequest(problem, new TrainingConfig { MaxSteps = 200 }, new JsonObject { ["d"] = 1, ["L"] = 8 }) { Command = "train --L 8" };
    }

    [Fact]
    public void ConfigAndSummaryCarryTheRequestAndEverySlice()
    {
        var request = Request(3);
        var trained = TrainingRun.Run(request, 1);
        var config = TrainingRun.Config(request);
        var summary = TrainingRun.Summary(request, trained);

        Assert.Equal("train --L 8", (string?)config["command"]);
        Assert.Equal(3, config["times"]!.AsArray().Count);
        Assert.Equal("exact model spectrum", (string?)summary["reference"]);
        // The model description is copied, not moved: both objects carry it.
        Assert.Equal(8, (int?)config["model"]!["L"]);
        Assert.Equal(8, (int?)summary["model"]!["L"]);
        Assert.Equal(3, summary["slices"]!.AsArray().Count);
        Assert.Equal(trained.StepsMax, (int?)summary["steps"]);
    }

    [Fact]
    public void TheFolderHoldsOneHistoryPerSliceOfThisRunOnly()
    {
        var longer = Request(3);
        TrainingRun.WriteFolder(_folder, longer, TrainingRun.Run(longer, 1), new JsonObject { ["run"] = 1 });
        Assert.True(File.Exists(Path.Combine(_folder, "history_slice002.csv")));

        var shorter = Request(1);
        var trained = TrainingRun.Run(shorter, 1);
        TrainingRun.WriteFolder(_folder, shorter, trained, TrainingRun.Summary(shorter, trained));

        Assert.Equal(["history_slice000.csv"], Directory.GetFiles(_folder, "history_slice*.csv").Select(Path.GetFileName));
        string[] lines = File.ReadAllLines(Path.Combine(_folder, "history_slice000.csv"));
        Assert.Equal("step,loss,excess,score_error", lines[0]);
        Assert.Equal(trained.Slices[0].History.Count + 1, lines.Length);
        Assert.True(File.Exists(Path.Combine(_folder, "checkpoint", "model.json")));
        Assert.Single(JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "summary.json")))!["slices"]!.AsArray());
    }

    [Fact]
    public void AFailedWriteAbandonsTheFolderAndPropagates()
    {
        string dir = Path.Combine(_folder, "run");
        Assert.Throws<IOException>(() => TrainingRunFolder.Write(dir, new JsonObject { ["a"] = 1 }, "step,loss", [new[] { "0,1" }],
            _ => throw new IOException("disk full"), new JsonObject()));
        // config.json and the history were written before the failure; nothing of the half run is left, not even the folder.
        Assert.False(Directory.Exists(dir));
    }
}
