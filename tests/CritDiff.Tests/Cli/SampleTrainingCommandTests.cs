using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Persistence;
using static CritDiff.Tests.Cli.Cli;

namespace CritDiff.Tests.Cli;

/// <summary>
/// train --mode samples (conv:... networks, DSM on samples) and generate from its checkpoints: bad input exits 2 naming the
/// option, a diverging run exits 3 with its results written, and the run folder round-trips (issue 12).
/// </summary>
public sealed class SampleTrainingCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-samples-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Gaussian = ["train", "--d", "2", "--L", "6", "--xi-over-L", "0.25"];

    [Theory]
    [InlineData("conv:4:1:relu", "--arch", "tanh")]
    [InlineData("conv:0:1", "--arch", "C")]
    [InlineData("conv:4:-1", "--arch", "R")]
    [InlineData("conv:4:3", "--arch", "2R+1")]
    [InlineData("conv:4:1:silu:odd", "--arch", "odd")]
    public void BadConvArchitecturesExitTwoNamingTheOption(string arch, string option, string words)
    {
        var (code, _, error) = Run([.. Gaussian, "--arch", arch, "--max-steps", "5"]);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {option}", error.Trim());
        Assert.Contains(words, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--mode", "population", "--mode samples")]
    [InlineData("--optimizer", "gd", "--optimizer gd")]
    [InlineData("--stop", "sometimes", "--stop must be")]
    [InlineData("--eval-interval", "0", "--eval-interval")]
    [InlineData("--reference-factor", "0.5", "--reference-factor must be in [1, 1000]")]
    [InlineData("--spectrum", "x.npy", "--spectrum does not apply")]
    public void BadSampleOptionsExitTwo(string option, string value, string message)
    {
        var (code, _, error) = Run([.. Gaussian, "--arch", "conv:2:1", "--max-steps", "5", option, value]);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public void ExactStopNeedsAGaussianTargetAndAFullLinearNetwork()
    {
        var (code, _, error) = Run([.. Gaussian, "--arch", "conv:2:1", "--max-steps", "5", "--stop", "exact"]);
        Assert.Equal(2, code);
        Assert.Contains("--stop: the exact stopping rule needs", error);
        var (ok, output, _) = Run([.. Gaussian, "--arch", "one-layer", "--mode", "samples", "--max-steps", "400", "--stop", "exact", "--t", "0.5", "--json"]);
        Assert.Equal(0, ok);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("exact population excess (score error)", (string)json["stopping_rule"]!);
        Assert.True((bool)json["all_converged"]!);
    }

    [Fact]
    public void SamplesModeHasItsOwnStepCap()
    {
        // Not the population cap of 1e5 (the validation rule's two reference runs would take 4e5 steps each).
        var (code, output, error) = Run("train", "--d", "2", "--L", "4", "--xi-over-L", "0.25", "--arch", "conv:1:1", "--t", "0.5",
            "--stop", "budget", "--batch", "4", "--validation-size", "4", "--eval-interval", "1000", "--json");
        Assert.True(code == 0, error);
        Assert.Equal(CritDiff.Training.SampleTrainingConfig.Default.MaxSteps, (int)JsonNode.Parse(output)!["slices"]![0]!["steps_run"]!);
    }

    [Fact]
    public void AFixedBudgetIsReportedAsBudgetNotAsFailureAndSlicesKeepTheirGridNames()
    {
        // issue 24: --stop budget has no convergence test, yet every slice read "no (cap)" / "not converged"; and progress lines
        // numbered slices by finishing order ("slice 6/16 t=8.421: training" then "slice 9/16 t=8.421: not converged").
        string[] args = [.. Gaussian, "--arch", "conv:2:1", "--slices", "3", "--max-steps", "20", "--stop", "budget", "--seed", "3"];
        var text = Run(args);
        Assert.True(text.Code == 0, text.Err);
        Assert.DoesNotContain("no (cap)", text.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("not converged", text.Out + text.Err, StringComparison.Ordinal);
        Assert.Contains("training time (max over slices) n/a (fixed budget)", text.Out, StringComparison.Ordinal);
        Assert.All(text.Out.Split('\n'), l => Assert.True(l.TrimEnd().Length <= 100, $"{l.Length} columns: {l}"));

        var json = JsonNode.Parse(Run([.. args, "--json"]).Out)!;
        Assert.False((bool)json["convergence_test"]!);
        Assert.Null(json["all_converged"]);
        var slices = json["slices"]!.AsArray();
        Assert.Equal(3, slices.Count);
        for (int j = 0; j < 3; j++)
        {
            var slice = slices[j]!;
            Assert.Equal("budget", (string?)slice["status"]);
            Assert.Null(slice["converged"]);
            Assert.Equal(20, (int)slice["steps_run"]!);
            // The progress line of slice j carries its own time, and says "budget".
            string name = FormattableString.Invariant($"slice {j + 1}/3 t={(double)slice["t"]!:G4}: budget: 20 steps");
            Assert.Single(text.Err.Split('\n'), l => l.Contains(name, StringComparison.Ordinal));
        }
        var table = text.Out.Split('\n').Where(l => l.Contains("| budget", StringComparison.Ordinal) || l.Contains("│ budget", StringComparison.Ordinal));
        Assert.Equal(3, table.Count());
    }

    [Fact]
    public void FiniteNTargetWithoutDataOrChainIsRefused()
    {
        var (code, _, error) = Run("train", "--d", "2", "--L", "4", "--model", "phi4", "--kappa", "0.3", "--lambda", "1", "--arch", "conv:2:1");
        Assert.Equal(2, code);
        Assert.Contains("--data FILE.npy", error);
        Assert.Contains("--chain", error);
    }

    [Fact]
    public void DivergingRunExitsThreeWithItsResultsWritten()
    {
        string dir = Path.Combine(_folder, "diverged");
        var (code, output, error) = Run([.. Gaussian, "--arch", "conv:2:1", "--optimizer", "sgd", "--lr", "1e6", "--max-steps", "50",
            "--stop", "budget", "--t", "0.01", "--out", dir, "--json"]);
        Assert.Equal(3, code);
        Assert.Contains("diverged", error);
        var json = JsonNode.Parse(output)!;
        Assert.True((bool)json["slices"]![0]!["diverged"]!);
        Assert.True(File.Exists(Path.Combine(dir, "summary.json")));
        Assert.True(File.Exists(Path.Combine(dir, "history_slice000.csv")));
    }

    [Fact]
    public void TrainThenGenerateWithReweightingOnPhi4Data()
    {
        // A small critical-ish phi^4 ensemble, a conv network trained a fixed budget on 4 slices, then ODE samples with weights.
        string data = Path.Combine(_folder, "phi4.npy"), run = Path.Combine(_folder, "run");
        string[] target = ["--d", "2", "--L", "4", "--model", "phi4", "--kappa", "0.3", "--lambda", "1"];
        Assert.Equal(0, Run(["ensemble", .. target, "--n-configs", "256", "--thermalize", "200", "--pilot-sweeps", "200", "--out", data]).Code);
        var (trained, trainOutput, trainError) = Run(["train", .. target, "--arch", "conv:2:1:odd", "--data", data, "--slices", "4", "--t-min", "0.02",
            "--max-steps", "150", "--stop", "budget", "--out", run, "--json", "--seed", "5"]);
        Assert.True(trained == 0, trainError);
        var summary = JsonNode.Parse(trainOutput)!;
        Assert.Equal("conv:2:1:tanh:odd", (string)summary["arch"]!);
        Assert.Equal(4, summary["slices"]!.AsArray().Count);
        Assert.NotNull(summary["data"]!["observables"]!["susceptibility"]);

        var checkpoint = ModelCheckpoint.Load(Path.Combine(run, "checkpoint"));
        Assert.Equal("samples", checkpoint.Mode);
        Assert.IsType<Phi4Model>(checkpoint.Target);
        Assert.Equal(4, checkpoint.Parameters.Count);

        string[] generate = ["generate", "--model", Path.Combine(run, "checkpoint"), "--sampler", "ode-heun", "--steps", "16", "--n", "64",
            "--reweight", "--data", data, "--t-max", "auto", "--json", "--seed", "3"];
        var (code, output, error) = Run(generate);
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!;
        var weights = json["reweighting"]!;
        Assert.True((bool)weights["available"]!);
        double ess = (double)weights["ess_fraction"]!;
        Assert.InRange(ess, 1.0 / 64 - 1e-12, 1);
        Assert.Equal(ess < 0.01, (bool)weights["low_ess"]!);
        Assert.Equal(ess < 0.01, error.Contains("warning: ESS/N", StringComparison.Ordinal));
        Assert.InRange((double)json["m_histogram_distance"]!, 0, 1);
        Assert.NotNull(json["observables"]!["susceptibility"]!["z"]);
        // Same seed, same numbers (for any thread count).
        var again = JsonNode.Parse(Run([.. generate, "--threads", "1"]).Out)!;
        Assert.Equal((double)json["observables"]!["susceptibility"]!["value"]!, (double)again["observables"]!["susceptibility"]!["value"]!);
        Assert.Equal(ess, (double)again["reweighting"]!["ess_fraction"]!);
    }

    [Fact]
    public void GenerateRefusesReweightingWithoutTheOdeAndOptionsOfLinearModels()
    {
        string run = Path.Combine(_folder, "gauss");
        Assert.Equal(0, Run([.. Gaussian, "--arch", "conv:2:1", "--slices", "3", "--max-steps", "20", "--stop", "budget", "--out", run]).Code);
        string model = Path.Combine(run, "checkpoint");
        // Since issue 23 sde-em and sde-exp reweight with path weights; pc (a corrector: no Gaussian kernel) is refused.
        var sde = Run("generate", "--model", model, "--sampler", "pc", "--reweight", "--n", "8");
        Assert.Equal(2, sde.Code);
        Assert.Contains("--reweight needs --sampler sde-em, sde-exp or ode-heun", sde.Err);
        var exact = Run("generate", "--model", model, "--exact-score");
        Assert.Equal(2, exact.Code);
        Assert.Contains("--exact-score does not apply", exact.Err);
        var pc = Run("generate", "--model", model, "--sampler", "pc", "--n", "8", "--steps", "8", "--json");
        Assert.True(pc.Code == 0, pc.Err);
        Assert.Equal("pc", (string)JsonNode.Parse(pc.Out)!["sampler"]!);
    }

    [Fact]
    public void AModelFileOfAnotherArchitectureIsRefusedNamingTheFile()
    {
        string run = Path.Combine(_folder, "swap");
        Assert.Equal(0, Run([.. Gaussian, "--arch", "conv:2:1", "--t", "0.1", "--max-steps", "5", "--stop", "budget", "--out", run]).Code);
        string modelJson = Path.Combine(run, "checkpoint", "model.json");
        File.WriteAllText(modelJson, File.ReadAllText(modelJson).Replace("conv:2:1:tanh", "conv:3:1:tanh", StringComparison.Ordinal));
        var (code, _, error) = Run("generate", "--model", Path.Combine(run, "checkpoint"), "--n", "4");
        Assert.Equal(2, code);
        Assert.Contains("--model:", error);
        Assert.Contains("slice000_array0.npy", error);
        Assert.Contains("conv:3:1:tanh", error);
    }

    [Fact]
    public void ScoreCheckpointRoundTripsEveryParameter()
    {
        var lattice = new Lattice(2, 4);
        var spec = CritDiff.Networks.ScoreModelSpec.Parse("conv:2:1:2:silu");
        var model = spec.Create(lattice, 2);
        var rng = new CritDiff.Statistics.RandomStream(1, 0);
        var parameters = Enumerable.Range(0, 3).Select(_ =>
        {
            var p = model.CreateParameters();
            model.Initialize(p, 4, ref rng);
            foreach (var layer in p.Layers) for (int i = 0; i < layer.Length; i++) layer[i] += rng.NextGaussian();
            return p;
        }).ToArray();
        var target = new Phi4Model(lattice, 2, 0.25, 0.5);
        string dir = Path.Combine(_folder, "checkpoint");
        ModelCheckpoint.Save(dir, new TrainedModel(target, new CritDiff.Diffusion.VariancePreserving(), spec, "samples", [0.1, 0.5, 2], parameters));
        var loaded = ModelCheckpoint.Load(dir);
        Assert.Equal(spec, loaded.Spec);
        Assert.Null(ModelDescription.Of(target).Mismatch(loaded.Target));
        Assert.Equal([0.1, 0.5, 2], loaded.Times);
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < parameters[j].Layers.Length; i++)
                Assert.Equal(parameters[j].Layers[i], loaded.Parameters[j].Layers[i]);
        File.WriteAllText(Path.Combine(dir, "slice001_array2.npy"), "not npy");
        var e = Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(dir));
        Assert.Contains("slice001_array2.npy", e.Message);
    }
}
