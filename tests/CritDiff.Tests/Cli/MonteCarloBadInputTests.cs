using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Persistence;

namespace CritDiff.Tests.Cli;

/// <summary>
/// Issue 24, second pass: Monte Carlo commands (mcmc, ensemble, critical, mcmc-scaling) refuse couplings outside the
/// kernels' accurate range and requests that would exhaust memory with exit 2 and one line naming the option, before any
/// work (they crashed with ArithmeticException / NonConvergenceException, named no option, or grew to gigabytes).
/// </summary>
public sealed class MonteCarloBadInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-mc-bad-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    // ArithmeticException (NaN energies) at beta = 1e308; NonConvergenceException at 1e-320.
    [InlineData("mcmc --model on --d 2 --L 4 --beta 1e308 --sweeps 32 --thermalize 4", "--beta must be 0 or in [1e-6, 1e4] (got 1e+308)")]
    [InlineData("mcmc --model on --n 3 --d 2 --L 4 --beta 1e308 --sweeps 32 --thermalize 4 --algo heatbath", "--beta must be 0 or in [1e-6, 1e4]")]
    [InlineData("mcmc --model on --n 3 --d 2 --L 4 --beta 1e308 --algo metropolis", "--beta must be 0 or in [1e-6, 1e4]")]
    [InlineData("mcmc --model on --n 3 --d 2 --L 4 --beta-unit 1e308 --sweeps 32 --thermalize 4", "--beta-unit must be 0 or in [1e-6, 1e4]")]
    [InlineData("mcmc --model on --d 2 --L 8 --beta-unit 1e-320", "--beta-unit must be 0 or in [1e-6, 1e4]")]
    [InlineData("mcmc --model on --d 2 --L 8 --beta 1e-320", "--beta must be 0 or in [1e-6, 1e4]")]
    [InlineData("mcmc --model on --d 2 --L 8 --beta -1", "--beta must be 0 or in [1e-6, 1e4]")]
    // "step size must be > 0 and finite ('value')": no option named.
    [InlineData("mcmc --model phi4 --d 2 --L 8 --kappa 1e308 --lambda 1", "--kappa must be in [1e-6, 1e4]")]
    [InlineData("mcmc --model phi4 --d 2 --L 8 --kappa 1e308 --lambda 1 --algo hmc", "--kappa must be in [1e-6, 1e4]")]
    [InlineData("mcmc --model phi4 --d 2 --L 8 --kappa 0.3 --lambda 1e308 --algo hmc", "--lambda must be 0 or in [1e-6, 1e4]")]
    [InlineData("mcmc --model phi4 --d 2 --L 8 --kappa 1e-320 --lambda 1", "--kappa must be in [1e-6, 1e4]")]
    [InlineData("ensemble --model phi4 --d 2 --L 8 --kappa 1e308 --lambda 1 --n-configs 4 --out OUT/e.npy", "--kappa must be in [1e-6, 1e4]")]
    [InlineData("ensemble --model on --d 2 --L 8 --beta 1e308 --n-configs 4 --out OUT/e.npy", "--beta must be 0 or in [1e-6, 1e4]")]
    [InlineData("mcmc-scaling --model on --d 2 --L 4,8 --beta 1e308", "--beta must be 0 or in [1e-6, 1e4]")]
    // "beta must be >= 0 and finite ('beta')".
    [InlineData("critical --model on --d 2 --L 4,6 --lower 1e300 --upper 1e308 --out OUT/c", "--lower must be in [1e-6, 1e4]")]
    [InlineData("critical --model on --d 2 --L 4,6 --lower 0.4 --upper 1e308 --out OUT/c", "--upper must be in [1e-6, 1e4]")]
    [InlineData("critical --model phi4 --lambda 1e308 --d 2 --L 4,6 --lower 0.2 --upper 0.3 --out OUT/c", "--lambda must be in [1e-6, 1e4]")]
    public void CouplingsOutsideTheirRangeAreRefusedNamingTheOption(string line, string expected) =>
        Cli.AssertRefused(line.Replace("OUT", _folder, StringComparison.Ordinal).Split(' '), expected);

    [Theory]
    // The ends of the ranges (and 0 where allowed) still run.
    [InlineData("--model on --n 3 --beta 1e4 --algo heatbath")]
    [InlineData("--model on --beta-unit 1e-6")]
    [InlineData("--model on --n 3 --beta 0 --algo heatbath")]
    [InlineData("--model phi4 --kappa 1e4 --lambda 1e-6 --algo hmc")]
    [InlineData("--model phi4 --kappa 1e-6 --lambda 1e4 --algo metropolis")]
    public void CouplingsAtTheEndsOfTheirRangeRun(string couplings)
    {
        var (exit, _, error) = Cli.Run(["mcmc", "--d", "2", "--L", "4", "--sweeps", "16", "--thermalize", "4", "--chains", "1", .. couplings.Split(' ')]);
        Assert.True(exit == 0, error);
    }

    [Fact]
    public void AStepSizeThatUnderflowsNamesTheCauseAndStepOption()
    {
        // A kernel's default or tuned step that under- or overflows threw "step size must be > 0 and finite ('value')".
        var model = new Phi4Model(new Lattice(2, 4), 1, 0.3, 1);
        var e = Assert.Throws<ArgumentException>(() => new ModelChain(model, 1, 0, 0.0));
        Assert.Contains("--step", e.Message);
        Assert.DoesNotContain("'value'", e.Message);
        var state = new ModelChain(GaussianField.AtMassSquared(new Lattice(2, 4), 1), 1, 0, 1.0); // the Gaussian kernels' chain
        e = Assert.Throws<ArgumentException>(() => state.StepSize = double.PositiveInfinity);
        Assert.Contains("under- or overflowed", e.Message);
    }

    /// <summary>A small phi^4 ensemble written by the CLI; returns its .npy path.</summary>
    private string WriteEnsemble()
    {
        string path = Path.Combine(_folder, "e.npy");
        var (exit, _, error) = Cli.Run("ensemble", "--model", "phi4", "--d", "2", "--L", "4", "--kappa", "0.26", "--lambda", "1",
            "--n-configs", "8", "--thermalize", "8", "--pilot-sweeps", "16", "--chains", "1", "--out", path);
        Assert.True(exit == 0, error);
        return path;
    }

    /// <summary>A copy of the ensemble at <paramref name="path"/> named <paramref name="name"/> with its side-car edited.</summary>
    private string TamperedSideCar(string path, string name, Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        string copy = Path.Combine(_folder, name + ".npy");
        File.Copy(path, copy);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path + ".json"))!.AsObject();
        edit(json);
        File.WriteAllText(copy + ".json", json.ToJsonString());
        return copy;
    }

    [Fact]
    public void TamperedEnsembleSideCarsAreRefusedNamingTheFileAndField()
    {
        string path = WriteEnsemble();
        // "Value cannot be null. ('values')" and a NullReferenceException (exit 1) before.
        string shape = TamperedSideCar(path, "shape", j => j["shape"] = null);
        string model = TamperedSideCar(path, "model", j => j["model"] = null);
        foreach (var (file, field) in new[] { (shape, "shape"), (model, "model") })
            Cli.AssertRefused(["train", "--model", "phi4", "--kappa", "0.26", "--lambda", "1", "--d", "2", "--L", "4", "--mode", "samples",
                "--data", file, "--out", Path.Combine(_folder, "run-" + field), "--max-steps", "2"], $"{file}.json': field '{field}' is missing or null");
    }

    [Theory]
    [InlineData("model", null, "field 'model' is missing or null")]
    [InlineData("shape", null, "field 'shape' is missing or null")]
    [InlineData("count", "\"8\"", "field 'count' has the wrong type")]
    [InlineData("spacing", "-2", "field 'spacing' must be >= 1 (got -2)")]
    [InlineData("algo", null, "field 'algo' is missing or null")]
    [InlineData("warnings", null, "field 'warnings' must be a list of strings")]
    [InlineData("model.kind", null, "field 'model.kind' is missing or null")]
    [InlineData("model.kappa", null, "field 'model.kappa' is missing or null")]
    [InlineData("model.L", "\"4\"", "field 'model.L' has the wrong type")]
    [InlineData("observables.binder", null, "field 'observables.binder' is missing or null")]
    [InlineData("acceptance", "7", "field 'acceptance' must be in [0, 1] (got 7)")]
    public void EverySideCarFieldThatDoesNotReadIsNamed(string field, string? value, string expected)
    {
        string path = WriteEnsemble();
        string[] keys = field.Split('.');
        string copy = TamperedSideCar(path, "t", j =>
        {
            var parent = keys.Length == 1 ? j : j[keys[0]]!.AsObject();
            parent[keys[^1]] = value is null ? null : System.Text.Json.Nodes.JsonNode.Parse(value);
        });
        var e = Assert.Throws<InvalidDataException>(() => CritDiff.Persistence.EnsembleFile.Read(copy));
        Assert.Contains($"'{copy}.json': {expected}", e.Message);
    }

    [Fact]
    public void ANonNumberInACheckpointSummaryIsRefusedNamingTheFileAndField()
    {
        // summary.data.observables.susceptibility.value "NaN" (a string: the writer stores non-finite values as null) gave
        // "unexpected failure: InvalidOperationException" (exit 1) in generate.
        string data = WriteEnsemble(), run = Path.Combine(_folder, "run");
        var (trained, _, trainError) = Cli.Run("train", "--model", "phi4", "--kappa", "0.26", "--lambda", "1", "--d", "2", "--L", "4",
            "--mode", "samples", "--data", data, "--arch", "conv:2:1", "--slices", "2", "--max-steps", "5", "--out", run);
        Assert.True(trained == 0, trainError);
        string model = Path.Combine(run, "checkpoint"), file = Path.Combine(model, "model.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
        Assert.NotNull(json["summary"]?["data"]?["observables"]?["susceptibility"]?["value"]); // the field the tamper edits exists
        json["summary"]!["data"]!["observables"]!["susceptibility"]!["value"] = "NaN";
        File.WriteAllText(file, json.ToJsonString());
        Cli.AssertRefused(["generate", "--model", model, "--n", "4", "--steps", "2"],
            $"'{file}': field 'summary.data.observables.susceptibility.value' must be a number or null (got \"NaN\"");
        json["summary"]!["data"]!["observables"] = 3;
        File.WriteAllText(file, json.ToJsonString());
        Cli.AssertRefused(["generate", "--model", model, "--n", "4", "--steps", "2"], "field 'summary.data.observables' must be an object or null (got 3)");
    }

    [Theory]
    // Grew past 2 GB (needs ~550 GB) and 8 GB before; now refused up front against Limits.MemoryBytes.
    [InlineData("mcmc --d 3 --L 256 --xi 1 --chains 4096 --sweeps 16 --thermalize 0", "--chains: 4096 chain(s) on d=3, L=256")]
    [InlineData("mcmc --d 4 --L 126 --xi 1 --chains 4096 --sweeps 16", "--L: one chain on d=4, L=126")]
    [InlineData("mcmc-scaling --d 4 --L 64,128 --xi-over-L 0.25", "--L: one chain on d=4, L=128")]
    [InlineData("mcmc --model phi4 --n 64 --d 3 --L 64 --kappa 0.2 --lambda 1 --chains 64", "--chains: 64 chain(s) on phi^4 n = 64")]
    [InlineData("mcmc-scaling --model on --n 64 --d 3 --L 32,64 --beta 0.3 --chains 64", "--chains: 64 chain(s) on O(64) spins")]
    [InlineData("ensemble --model on --n 64 --d 2 --L 512 --beta 0.3 --n-configs 1 --chains 512 --out OUT/x.npy", "--chains: 512 chain(s) on O(64) spins")]
    [InlineData("critical --model on --n 16 --d 3 --L 64,100 --lower 0.5 --upper 0.6 --chains 64 --out OUT/c", "--chains: ")]
    public void MonteCarloRunsThatWouldNotFitAreRefusedNamingTheOption(string line, string expected) =>
        Cli.AssertRefused(line.Replace("OUT", _folder, StringComparison.Ordinal).Split(' '), expected);
}
