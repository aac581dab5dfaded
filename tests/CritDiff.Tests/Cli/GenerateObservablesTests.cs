using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Persistence;
using static CritDiff.Tests.Cli.Cli;

namespace CritDiff.Tests.Cli;

/// <summary>
/// generate from a model trained on samples (issue 22): signed M, chi_2, G(k_m) next to the existing observables, G(r) in the
/// JSON and as CSV next to the samples, and a warning on stderr and in `warnings` for a barely trained network that is off the
/// exact Gaussian reference.
/// </summary>
public sealed class GenerateObservablesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-observables-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void ABarelyTrainedNetworkIsWarnedAboutWithItsObservablesAndTwoPointFunction()
    {
        string run = Path.Combine(_folder, "run"), samples = Path.Combine(_folder, "samples.npy");
        var (trained, _, trainError) = Run("train", "--d", "2", "--L", "6", "--xi-over-L", "0.25", "--arch", "conv:2:1", "--slices", "3",
            "--max-steps", "2", "--stop", "budget", "--out", run, "--seed", "1");
        Assert.True(trained == 0, trainError);
        var (code, output, error) = Run("generate", "--model", Path.Combine(run, "checkpoint"), "--n", "256", "--steps", "8",
            "--out", samples, "--json", "--seed", "2");
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!;
        var observables = json["observables"]!;
        foreach (string name in new[] { "magnetisation_signed", "susceptibility_connected", "g_k1", "g_k2", "susceptibility", "binder" })
            Assert.NotNull(observables[name]!["value"]);
        Assert.NotNull(observables["susceptibility_connected"]!["reference"]);
        var twoPoint = json["two_point"]!;
        Assert.Equal([0, 1, 2, 3], twoPoint["r"]!.AsArray().Select(r => (int)r!));
        Assert.Equal(4, twoPoint["reference"]!.AsArray().Count);
        string csv = GeneratedTwoPoint.CsvPath(samples);
        Assert.Equal(csv, (string?)twoPoint["csv"]);
        Assert.Equal(5, File.ReadAllLines(csv).Length);
        var warnings = json["warnings"]!.AsArray().Select(w => (string)w!).ToArray();
        var off = warnings.Where(w => w.Contains("is off the reference", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(off);
        Assert.Contains("warning: " + off[0], error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDataEnsembleIsTheReferenceOfTheTwoPointFunction()
    {
        // A bare .npy of exact Gaussian samples as --data: the reference G(r) is that ensemble's, measured as independent samples.
        string run = Path.Combine(_folder, "run"), data = Path.Combine(_folder, "data.npy");
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 6), 0.25);
        var configurations = new ExactSampler(field).Sample(64, 8);
        NpyFile.Write(data, configurations, [64, 6, 6]);
        Assert.Equal(0, Run("train", "--d", "2", "--L", "6", "--xi-over-L", "0.25", "--arch", "conv:2:1", "--slices", "2",
            "--max-steps", "2", "--stop", "budget", "--out", run).Code);
        var (code, output, error) = Run("generate", "--model", Path.Combine(run, "checkpoint"), "--n", "16", "--steps", "4",
            "--data", data, "--json");
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!;
        var expected = GeneratedTwoPoint.Measure(field, configurations, 64, threads: 1, out _);
        var reference = json["two_point"]!["reference"]!.AsArray().Select(g => (double)g!).ToArray();
        Assert.Equal(expected.Correlation.Select(s => s.Mean), reference, (a, b) => Math.Abs(a - b) <= Tolerances.ClosedForm);
        Assert.Equal(expected.LowModes[1].Mean, (double)json["observables"]!["g_k2"]!["reference"]!, Tolerances.ClosedForm);
        Assert.Null(json["two_point"]!["csv"]);
    }
}
