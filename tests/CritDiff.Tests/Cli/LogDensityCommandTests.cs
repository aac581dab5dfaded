using System.Globalization;
using System.Text.Json.Nodes;
using CritDiff.Generation;
using CritDiff.Persistence;

namespace CritDiff.Tests.Cli;

/// <summary>generate's --log-density, --denoise, --weights-file and sampler names (issue 22), on a stored conv checkpoint.</summary>
public sealed class LogDensityCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-logq-").FullName;

    private static string Model => Path.Combine(RepositoryFiles.Root(), "tests", "CritDiff.Tests", "Experiments", "LegacyCheckpoints", "samples-conv-v1");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string[] Generate(params string[] extra) =>
        ["generate", "--model", Model, "--n", "8", "--steps", "4", "--seed", "2", .. extra];

    [Fact]
    public void BadLogDensityOptionsAreRefused()
    {
        Cli.AssertRefused(Generate("--sampler", "ode-heun", "--log-density", "sometimes"), "--log-density");
        Cli.AssertRefused(Generate("--sampler", "ode-heun", "--log-density", "hutchinson:1"), "hutchinson:P with P in 2..1024");
        Cli.AssertRefused(Generate("--sampler", "sde-em", "--log-density", "discrete"), "--log-density needs --sampler ode-heun");
        Cli.AssertRefused(Generate("--sampler", "sde-em", "--log-density", "exact"), "--log-density needs --sampler ode-heun");
        Cli.AssertRefused(Generate("--sampler", "ode-heun", "--reweight", "--denoise"), "--denoise");
        Cli.AssertRefused(Generate("--sampler", "ode-heun", "--weights-file", Path.Combine(_folder, "w.csv")), "--weights-file needs log q");
        Cli.AssertRefused(Generate("--sampler", "ode-heun", "--log-density", "exact", "--weights-file", Path.Combine(_folder, "missing", "w.csv")),
            "--weights-file: cannot write");
        Cli.AssertRefused(["generate", "--exact-score", "--d", "2", "--L", "4", "--beta", "0.2", "--log-density", "exact"], "--log-density applies only");
        Cli.AssertRefused(["generate", "--exact-score", "--d", "2", "--L", "4", "--beta", "0.2", "--denoise"], "--denoise applies only");
    }

    [Theory]
    [InlineData("sde-em")]
    [InlineData("sde-exp")]
    [InlineData("ode-heun")]
    [InlineData("pc")]
    public void TheJsonNamesTheSamplerAsTheCommandLineDoes(string name)
    {
        var (code, output, error) = Cli.Run(Generate("--sampler", name, "--json"));
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal(name, (string)json["sampler"]!);
        Assert.Same(Samplers.Parse(name), Samplers.Parse((string)json["sampler"]!));
        Assert.Null(json["log_density"]); // not asked for: no trace evaluated
        Assert.False((bool)json["denoise"]!);
    }

    [Fact]
    public void HutchinsonWeightsGoToTheFileWithTheirErrorAndAWarning()
    {
        string csv = Path.Combine(_folder, "w.csv"), npy = Path.Combine(_folder, "w.npy");
        var (code, output, error) = Cli.Run(Generate("--sampler", "ode-heun", "--reweight", "--log-density", "hutchinson:3", "--weights-file", csv, "--json"));
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("hutchinson:3", (string)json["log_density"]!["method"]!);
        Assert.True((double)json["log_density"]!["error_mean"]! > 0);
        Assert.Contains("biased", json["warnings"]!.AsArray().Select(w => (string)w!).Single(w => w.Contains("hutchinson")));
        Assert.Contains("biased", error);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("index,log_q,log_q_error,log_w", lines[0]);
        Assert.Equal(9, lines.Length);
        for (int i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(i - 1, cells[0]);
            Assert.True(cells.All(double.IsFinite) && cells[2] > 0);
        }
        // The .npy form: [N, 3], exact log q has no error (NaN) and no weights without --reweight.
        (code, _, error) = Cli.Run(Generate("--sampler", "ode-heun", "--log-density", "exact", "--weights-file", npy));
        Assert.True(code == 0, error);
        var array = NpyFile.Read(npy);
        Assert.Equal([8, 3], array.Shape);
        for (int i = 0; i < 8; i++)
        {
            Assert.True(double.IsFinite(array.Data[3 * i]));
            Assert.True(double.IsNaN(array.Data[3 * i + 1]) && double.IsNaN(array.Data[3 * i + 2]));
        }
    }

    [Theory]
    [InlineData("sde-em")]
    [InlineData("sde-exp")]
    public void ReweightWithAStochasticSamplerUsesPathWeights(string name)
    {
        // Path weights (issue 23): --reweight with sde-em / sde-exp, the JSON names them, the file holds the path's log q and log w.
        string csv = Path.Combine(_folder, "path.csv");
        var (code, output, error) = Cli.Run(Generate("--sampler", name, "--reweight", "--weights-file", csv, "--json"));
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.True((bool)json["reweighting"]!["available"]!);
        Assert.Equal("path", (string)json["reweighting"]!["weights"]!);
        Assert.Equal("path", (string)json["log_density"]!["method"]!);
        Assert.Equal(0, (int)json["log_density"]!["trace_evaluations_per_sample"]!);
        Assert.InRange((double)json["reweighting"]!["ess_fraction"]!, 1.0 / 8 - 1e-12, 1);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(9, lines.Length);
        Assert.All(lines.Skip(1), line => Assert.True(double.IsFinite(double.Parse(line.Split(',')[3], CultureInfo.InvariantCulture))));
        // The samples are those drawn without weights.
        var plain = JsonNode.Parse(Cli.Run(Generate("--sampler", name, "--json")).Out)!;
        Assert.Equal((double)plain["observables"]!["susceptibility"]!["value"]!, (double)json["observables"]!["susceptibility"]!["value"]!);
        // The ODE's weights are named as such.
        var ode = JsonNode.Parse(Cli.Run(Generate("--sampler", "ode-heun", "--reweight", "--json")).Out)!;
        Assert.Equal("ode", (string)ode["reweighting"]!["weights"]!);
    }

    [Fact]
    public void OdeReweightingUsesTheDiscreteMapDensityAndTheTrapezoidGetsTheStepCheck()
    {
        // Issue 23: --reweight with ode-heun uses the discrete map's exact log q where n V allows (this checkpoint: L = 4);
        // --log-density exact keeps the trapezoid and adds the K -> 2K check (JSON log_density.step_check; K = 4 is coarse).
        string csv = Path.Combine(_folder, "discrete.csv");
        var (code, output, error) = Cli.Run(Generate("--sampler", "ode-heun", "--reweight", "--weights-file", csv, "--json"));
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("discrete", (string)json["log_density"]!["method"]!);
        Assert.Null(json["log_density"]!["step_check"]);
        Assert.Equal(9, File.ReadAllLines(csv).Length);
        (code, output, error) = Cli.Run(Generate("--sampler", "ode-heun", "--reweight", "--log-density", "exact", "--json"));
        Assert.True(code == 0, error);
        var check = JsonNode.Parse(output)!["log_density"]!["step_check"]!;
        Assert.Equal(8, (int)check["refined_steps"]!);
        Assert.True((double)check["log_w_change_sd"]! >= 0);
        Assert.Equal((double)check["log_w_change_sd"]! > StepRefinement.WarningSpread, (bool)check["exceeds"]!);
        Assert.Equal((bool)check["exceeds"]!, error.Contains("K = 4 to 8 steps", StringComparison.Ordinal));
        // Without --reweight no weights, no check.
        (code, output, error) = Cli.Run(Generate("--sampler", "ode-heun", "--log-density", "discrete", "--json"));
        Assert.True(code == 0, error);
        Assert.Equal("discrete", (string)JsonNode.Parse(output)!["log_density"]!["method"]!);
    }

    [Fact]
    public void PathWeightsAreRefusedWithACorrectorOrTheDenoisingStep()
    {
        Cli.AssertRefused(Generate("--sampler", "pc", "--reweight"), "--reweight needs --sampler sde-em, sde-exp or ode-heun");
        Cli.AssertRefused(Generate("--sampler", "sde-em", "--reweight", "--denoise"), "--denoise");
        Cli.AssertRefused(Generate("--sampler", "sde-em", "--weights-file", Path.Combine(_folder, "w.csv")), "--weights-file needs log q");
    }

    [Fact]
    public void DenoiseIsReportedAndCostsOneScoreEvaluation()
    {
        var (code, output, error) = Cli.Run(Generate("--sampler", "sde-exp", "--denoise", "--json"));
        Assert.True(code == 0, error);
        Assert.True((bool)JsonNode.Parse(output)!["denoise"]!);
    }
}
