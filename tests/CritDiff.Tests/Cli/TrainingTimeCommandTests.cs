using System.Text.Json.Nodes;
using static CritDiff.Tests.Cli.Cli;

namespace CritDiff.Tests.Cli;

/// <summary>
/// train --mode samples with a budget-independent training time (issue 23): --reference-drift and --max-reference-doublings
/// (exit 2 on bad values, reference_steps / reference_drift / reference_converged per slice), and --stop exact / auto on
/// --data for linear networks (the exact-data rule).
/// </summary>
public sealed class TrainingTimeCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-trainingtime-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Gaussian = ["train", "--d", "2", "--L", "4", "--xi-over-L", "0.25", "--t", "0.5"];

    [Theory]
    [InlineData("--reference-drift", "0", "--reference-drift must be off or a fraction in (0, 1]")]
    [InlineData("--reference-drift", "1.5", "--reference-drift must be off or a fraction in (0, 1]")]
    [InlineData("--reference-drift", "often", "--reference-drift must be off or a fraction in (0, 1]")]
    [InlineData("--max-reference-doublings", "0", "--max-reference-doublings")]
    [InlineData("--max-reference-doublings", "11", "--max-reference-doublings")]
    public void BadReferenceOptionsExitTwoNamingTheOption(string option, string value, string message)
    {
        var (code, _, error) = Run([.. Gaussian, "--arch", "conv:2:1", "--max-steps", "5", option, value]);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error.Trim());
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void AReferenceDriftNeedsTheValidationRule()
    {
        AssertRefused([.. Gaussian, "--arch", "conv:2:1", "--max-steps", "5", "--stop", "budget", "--reference-drift", "0.1"], "--reference-drift applies to the validation rule");
        AssertRefused(["train", "--d", "2", "--L", "4", "--xi-over-L", "0.25", "--arch", "unet:2:1", "--reference-drift", "0.1"], "--reference-drift");
    }

    [Fact]
    public void EachSliceReportsItsReferenceLengthDriftAndConvergence()
    {
        string[] common = [.. Gaussian, "--arch", "conv:2:1", "--max-steps", "20", "--reference-factor", "1", "--eval-interval", "5",
            "--validation-size", "8", "--batch", "8", "--stop", "validation", "--json"];
        var (code, output, _) = Run([.. common]);
        Assert.Equal(0, code);
        var slice = JsonNode.Parse(output)!["slices"]![0]!;
        Assert.Equal(20, (int)slice["reference_steps"]!);
        Assert.Null(slice["reference_drift"]);
        Assert.Null(slice["reference_converged"]);

        (code, output, _) = Run([.. common, "--reference-drift", "1", "--max-reference-doublings", "2"]);
        Assert.Equal(0, code);
        slice = JsonNode.Parse(output)!["slices"]![0]!;
        // Drift 1 (the whole initial excess) is met at the first doubling unless the reference moved by more than that.
        double drift = (double)slice["reference_drift"]!;
        bool converged = (bool)slice["reference_converged"]!;
        Assert.Equal(Math.Abs(drift) <= 1, converged);
        Assert.Equal(converged ? 40 : 80, (int)slice["reference_steps"]!);
    }

    [Fact]
    public void LinearNetworksOnDataUseTheExactDataRule()
    {
        string data = Path.Combine(_folder, "phi4.npy");
        Assert.Equal(0, Run("ensemble", "--d", "2", "--L", "4", "--model", "phi4", "--kappa", "0.3", "--lambda", "1", "--n-configs", "64",
            "--out", data).Code);
        string[] phi4 = ["train", "--d", "2", "--L", "4", "--model", "phi4", "--kappa", "0.3", "--lambda", "1", "--data", data, "--t", "0.5", "--json"];
        foreach (var stop in new[] { "auto", "exact" })
        {
            var (code, output, error) = Run([.. phi4, "--arch", "one-layer", "--mode", "samples", "--stop", stop, "--max-steps", "400"]);
            Assert.True(code == 0, error);
            var json = JsonNode.Parse(output)!;
            Assert.Contains("training data's measured spectrum (64 configurations)", (string)json["stopping_rule"]!);
            Assert.Null(json["slices"]![0]!["reference_steps"]);
            Assert.Equal(0, (double)json["slices"]![0]!["reference_uncertainty"]!);
        }
        AssertRefused([.. phi4, "--arch", "conv:2:1", "--stop", "exact", "--max-steps", "10"], "--stop: the exact stopping rule needs");
        var (validation, text, failure) = Run([.. phi4, "--arch", "conv:2:1", "--max-steps", "10", "--batch", "4", "--validation-size", "4"]);
        Assert.True(validation == 0, failure);
        Assert.Contains("validation excess", (string)JsonNode.Parse(text)!["stopping_rule"]!);
    }
}
