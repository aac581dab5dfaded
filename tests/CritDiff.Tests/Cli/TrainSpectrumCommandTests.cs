using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Persistence;

namespace CritDiff.Tests.Cli;

/// <summary>train --spectrum and --data on n-component configuration sets (.npy written here with NpyFile).</summary>
public sealed class TrainSpectrumCommandTests : IDisposable
{
    private const int Configurations = 40;

    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-spectrum-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>[N, 2, 6, 6] (or [N, 6, 6] for one component) of exact samples at beta = 0.6; returns the path and values.</summary>
    private (string Path, double[] Values) Write(string name, int components, int length = 6, ulong seed = 5)
    {
        var field = GaussianField.AtBeta(new Lattice(2, length), 0.6);
        var values = new ExactSampler(field).Sample(Configurations * components, seed);
        string path = Path.Combine(_folder, name);
        NpyFile.Write(path, values, components == 1 ? [Configurations, length, length] : [Configurations, components, length, length]);
        return (path, values);
    }

    private static JsonObject Json(params string[] args)
    {
        var (code, output, error) = Cli.Run([.. args, "--json"]);
        Assert.True(code == 0, error);
        return JsonNode.Parse(output)!.AsObject();
    }

    [Theory]
    [InlineData("one-layer")]
    [InlineData("two-layer")]
    public void TrainOnAMeasuredSpectrumReportsItsSourceAndTheTheory(string architecture)
    {
        var (path, values) = Write("on.npy", components: 2);
        var json = Json("train", "--d", "2", "--L", "6", "--beta", "0.6", "--spectrum", path, "--t", "0.1", "--arch", architecture);
        var measured = MeasuredSpectrum.Measure(new Lattice(2, 6), values, Configurations, 2);
        Assert.Equal("data spectrum", (string)json["reference"]!);
        var spectrum = json["spectrum"]!;
        Assert.Equal(path, (string)spectrum["source"]!);
        Assert.Equal(Configurations, (int)spectrum["configurations"]!);
        Assert.Equal(2, (int)spectrum["components"]!);
        Assert.Equal(measured.Susceptibility, (double)spectrum["chi"]!, Tolerances.ClosedForm * measured.Susceptibility);
        Assert.Equal(measured.SusceptibilityError, (double)spectrum["chi_err"]!, Tolerances.ClosedForm * measured.SusceptibilityError);
        Assert.Null(json["data"]);
        var slice = json["slices"]![0]!;
        int steps = (int)slice["steps"]!, predicted = (int)slice["predicted_steps"]!;
        Assert.InRange(steps, predicted - (architecture == "one-layer" ? 0 : 1), predicted + (architecture == "one-layer" ? 0 : 1));
    }

    [Fact]
    public void TrainOnMultiComponentDataMeasuresTheExcessAgainstTheDataSpectrum()
    {
        var (path, _) = Write("data.npy", components: 2);
        string[] common = ["train", "--d", "2", "--L", "6", "--beta", "0.6", "--mode", "empirical", "--data", path, "--t", "0.5", "--max-steps", "200"];
        var json = Json(common);
        Assert.Equal("data spectrum", (string)json["reference"]!);
        Assert.Equal(path, (string)json["spectrum"]!["source"]!);
        Assert.Equal(2, (int)json["data"]!["components"]!);
        Assert.Equal(2 * Configurations, (int)json["data"]!["fields"]!);

        var model = Json([.. common, "--reference", "model"]);
        Assert.Equal("exact model spectrum", (string)model["reference"]!);
        Assert.Null(model["spectrum"]);

        var (other, _) = Write("reference.npy", components: 1, seed: 9);
        var both = Json([.. common, "--spectrum", other]);
        Assert.Equal(other, (string)both["spectrum"]!["source"]!);
        Assert.Equal(1, (int)both["spectrum"]!["components"]!);
        Assert.Equal(2, (int)both["data"]!["components"]!);
    }

    [Theory]
    [InlineData("--spectrum", "wrong-L")]
    [InlineData("--spectrum", "wrong-rank")]
    [InlineData("--data", "wrong-L")]
    [InlineData("--data", "wrong-rank")]
    [InlineData("--spectrum", "zero")]
    public void BadConfigurationFilesExitTwoNamingTheOption(string option, string kind)
    {
        string path = Path.Combine(_folder, kind + ".npy");
        switch (kind)
        {
            case "wrong-L": NpyFile.Write(path, new double[4 * 2 * 64], [4, 2, 8, 8]); break;
            case "wrong-rank": NpyFile.Write(path, new double[4 * 6], [4, 6]); break;
            default: NpyFile.Write(path, new double[4 * 36], [4, 6, 6]); break;
        }
        string[] args = ["train", "--d", "2", "--L", "6", "--beta", "0.6", option, path, "--t", "0.1"];
        if (option == "--data") args = [.. args, "--mode", "empirical"];
        var (code, _, error) = Cli.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(option, error);
        Assert.DoesNotContain('\n', error.Trim());
        Assert.Contains(kind == "zero" ? "G(k) > 0" : "does not match the model lattice", error);
    }

    [Fact]
    public void ReferenceOptionIsCheckedAgainstTheOthers()
    {
        var (path, _) = Write("ref.npy", components: 1);
        string[] lattice = ["train", "--d", "2", "--L", "6", "--beta", "0.6", "--t", "0.1"];
        foreach (var (args, message) in new (string[], string)[]
                 {
                     ([.. lattice, "--spectrum", path, "--reference", "model"], "--reference model contradicts --spectrum"),
                     ([.. lattice, "--reference", "data"], "--reference needs --data"),
                     ([.. lattice, "--mode", "empirical", "--data", path, "--reference", "both"], "--reference must be data or model"),
                 })
        {
            var (code, _, error) = Cli.Run(args);
            Assert.Equal(2, code);
            Assert.Contains(message, error);
        }
    }
}
