using System.Text.Json.Nodes;
using CritDiff.Cli;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Persistence;

namespace CritDiff.Tests.Cli;

/// <summary>End-to-end runs of the critdiff tool, in process.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    private static JsonObject Json(params string[] args)
    {
        var (code, output, error) = Run([.. args, "--json"]);
        Assert.True(code == 0, error);
        return JsonNode.Parse(output)!.AsObject();
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        { "model --d 7 --L 4 --beta 1", "--d must be in 1..4" },
        { "model --d 0 --L 4 --beta 1", "--d must be in 1..4" },
        { "model --d 2 --L 1 --beta 1", "--L must be >= 2" },
        { "model --d 2 --L 8 --beta -1", "--beta must be > 0" },
        { "model --d 2 --L 8 --beta 0", "--beta must be > 0" },
        { "model --d 2 --L 8 --mass2 0", "--mass2 must be > 0" },
        { "model --d 2 --L 8 --mass2 -3", "--mass2 must be > 0" },
        { "model --d 2 --L 8 --beta 1 --mass2 1", "give exactly one of" },
        { "model --d 2 --L 8 --xi 3 --critical", "give exactly one of" },
        { "model --d 2 --L 8", "give exactly one of" },
        { "model --d 2 --L 8 --critical", "--critical needs d >= 3" },
        { "model --d 1 --L 8 --critical", "--critical needs d >= 3" },
        { "model --d 2 --L 8 --beta 1 --gff", "--gff" },
        { "model --d 2 --L 8 --beta abc", "--beta expects a finite number" },
        { "model --d 2 --L 8 --beta 1 --bogus", "--bogus" },
        { "model --L 8 --beta 1", "--d" },
        { "model --d 4 --L 200 --beta 1", "--L: L^d" },
        { "sample --d 2 --L 8 --beta 1 --n 0 --out x.npy", "--n must be >= 1" },
        { "sample --d 2 --L 8 --beta 1 --n 5 --out /nonexistent-critdiff/x.npy", "--out: cannot write" },
        { "train --d 2 --L 8 --beta 1 --arch three-layer", "--arch" },
        { "train --d 2 --L 8 --beta 1 --t 0", "--t must be > 0" },
        { "train --d 2 --L 8 --beta 1 --t 0.1 --slices 4", "either --t or --slices" },
        { "train --d 2 --L 8 --beta 1 --lr -1", "--lr must be auto or a number > 0" },
        { "train --d 2 --L 8 --beta 1 --mode empirical --optimizer gd", "--optimizer gd" },
        { "train --d 2 --L 8 --beta 1 --arch one-layer-local:4", "2r+1 <= L" },
        { "train --d 2 --L 8 --beta 1 --arch two-layer-local:1 --basis fourier", "full convolution layers only" },
        { "train --d 2 --L 40 --beta 1 --arch dense", "V <= 256" },
        { "train --d 2 --L 8 --beta 1 --mode empirical --data /nonexistent-critdiff.npy", "--data" },
        { "train --d 2 --L 8 --beta 1 --batch 0 --mode empirical", "--batch must be in 1.." },
        { "train --d 2 --L 8 --beta 1 --eps 2", "--eps must be in (0, 1)" },
        { "generate --model /nonexistent-critdiff-model", "does not exist" },
        { "generate --exact-score --d 2 --L 8 --beta 1 --steps 0", "--steps must be in 1.." },
        { "generate --exact-score --d 2 --L 8 --beta 1 --sampler rk4", "--sampler" },
        { "generate --d 2 --L 8 --beta 1", "exactly one of --model DIR and --exact-score" },
        { "generate --exact-score --d 2 --L 8 --beta 1 --reweight --n 2", "--reweight needs --n >= 4" },
        { "generate --exact-score --d 2 --L 8 --beta 1 --t-min 5 --t-max 1", "--t-max" },
        { "generate --d 2 --L 8 --beta 1 --train-budget 1,x", "--train-budget" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputExitsTwoWithOneLineNamingTheOption(string line, string expected)
    {
        var (code, output, error) = Run(line.Split(' '));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        var lines = error.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
    }

    [Fact]
    public void ModelJsonHasTheExactValues()
    {
        var json = Json("model", "--d", "3", "--L", "16", "--critical");
        foreach (string key in new[] { "d", "L", "V", "beta", "mu2", "xi", "xi2", "chi", "energy", "G0", "beta_c" })
            Assert.True(json.ContainsKey(key), key);
        Assert.Equal(0.2527310098586621, (double)json["beta"]!, 1e-12);
        Assert.Equal(0.2527310098586621, (double)json["beta_c"]!, 1e-12);
        Assert.Equal(1.0, (double)json["G0"]!, 1e-12);
        Assert.Equal(1 / ((double)json["beta"]! * (double)json["mu2"]!), (double)json["chi"]!, 1e-9);

        var d2 = Json("model", "--d", "2", "--L", "64", "--xi-over-L", "0.25");
        Assert.Null(d2["beta_c"]);
        Assert.Equal(16.0, (double)d2["xi"]!, 1e-12);
        var gff = Json("model", "--d", "2", "--L", "8", "--mass2", "0.5", "--gff");
        Assert.Equal(1.0, (double)gff["beta"]!);
        Assert.True((bool)gff["free_field"]!);
    }

    [Fact]
    public void SampleWritesNpyWithShapeAndThreadIndependentBytes()
    {
        string one = Path.Combine(_folder, "one.npy"), two = Path.Combine(_folder, "two.npy");
        var json = Json("sample", "--d", "2", "--L", "8", "--beta", "0.6", "--n", "50", "--out", one, "--threads", "1", "--seed", "11");
        Json("sample", "--d", "2", "--L", "8", "--beta", "0.6", "--n", "50", "--out", two, "--threads", "2", "--seed", "11");
        Assert.Equal(File.ReadAllBytes(one), File.ReadAllBytes(two));
        Assert.Equal([50, 8, 8], NpyFile.Read(one).Shape);
        Assert.Equal(50, (int)json["n"]!);
        foreach (string key in new[] { "chi", "chi_err", "xi2", "xi2_err", "energy", "energy_err", "G0", "G0_err" })
            Assert.NotNull(json["measured"]![key]);
        foreach (string key in new[] { "chi", "xi2", "energy", "G0" }) Assert.NotNull(json["exact"]![key]);
        Assert.True((double)json["wall_seconds"]! >= 0);

        // One configuration: no error bars, printed as null rather than NaN.
        var single = Json("sample", "--d", "1", "--L", "8", "--beta", "1", "--n", "1", "--out", Path.Combine(_folder, "single.npy"));
        Assert.Null(single["measured"]!["chi_err"]);
    }

    [Fact]
    public void TrainReportsStepsPredictionAndWritesARunFolder()
    {
        string dir = Path.Combine(_folder, "run");
        var json = Json("train", "--d", "2", "--L", "8", "--xi-over-L", "0.25", "--arch", "one-layer", "--slices", "3", "--out", dir);
        Assert.Equal("one-layer", (string)json["arch"]!);
        Assert.Equal(64, (int)json["params_per_slice"]!);
        var slices = json["slices"]!.AsArray();
        Assert.Equal(3, slices.Count);
        foreach (var slice in slices)
        {
            Assert.True((bool)slice!["converged"]!);
            Assert.Equal((int)slice["steps"]!, (int)slice["predicted_steps"]!);
        }
        Assert.Equal(slices.Max(s => (int)s!["steps"]!), (int)json["steps"]!);
        foreach (string file in new[] { "config.json", "summary.json", "history_slice000.csv", "checkpoint/model.json", "checkpoint/slice002_array0.npy" })
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        var model = ModelCheckpoint.Load(Path.Combine(dir, "checkpoint"));
        Assert.Equal(3, model.Parameters.Count);
        Assert.Equal(("population", "one-layer"), (model.Mode, model.Spec.Name));
        Assert.Equal(GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 8), 0.25), model.Target);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public void TrainJsonHasEveryKeyAndNullPredictionWithoutTheory()
    {
        // Every key the training issue lists, for a local network (no closed-form theory: predicted_steps null)
        // and for a full one-layer network under VE, uniform slices and the Fourier basis (theory exact).
        var local = Json("train", "--d", "2", "--L", "8", "--xi-over-L", "0.25", "--arch", "one-layer-local:1", "--t", "0.1");
        foreach (string key in new[] { "arch", "params_per_slice", "mode", "optimizer", "slices", "steps", "wall_seconds" })
            Assert.True(local.ContainsKey(key), key);
        var slice = local["slices"]![0]!.AsObject();
        foreach (string key in new[] { "t", "lr", "steps", "converged", "initial_excess", "final_excess", "optimum_gap_to_exact", "predicted_steps" })
            Assert.True(slice.ContainsKey(key), key);
        Assert.Null(slice["predicted_steps"]);
        Assert.Equal(9, (int)local["params_per_slice"]!);
        Assert.Equal("population", (string)local["mode"]!);
        Assert.Equal("gd", (string)local["optimizer"]!);
        Assert.True((double)slice["optimum_gap_to_exact"]! > 0); // a 3x3 kernel cannot represent -1/S exactly

        var ve = Json("train", "--d", "2", "--L", "8", "--xi-over-L", "0.25", "--arch", "one-layer", "--schedule", "ve",
            "--slices", "3", "--spacing", "uniform", "--t-min", "0.1", "--t-max", "0.5", "--basis", "fourier", "--init", "0");
        var times = ve["slices"]!.AsArray().Select(s => (double)s!["t"]!).ToArray();
        Assert.Equal(new[] { 0.1, 0.3, 0.5 }, times.Select(t => Math.Round(t, 12)));
        foreach (var s in ve["slices"]!.AsArray())
        {
            Assert.Equal((int)s!["steps"]!, (int)s["predicted_steps"]!);
            Assert.Equal(0, (double)s["optimum_gap_to_exact"]!, 1e-12); // a full layer reaches -1/S
        }
    }

    [Fact]
    public void GenerateWithTheExactScoreOnSlicesMatchesItsExactLaw()
    {
        // Exact score on 64 interpolated slices, probability-flow ODE (Heun): the samples' chi, xi2 and energy
        // must agree with the exact generated law (the per-mode variance recursion) within 4 standard errors,
        // and that law must be close to the target (KL per site small, r near 1; with only 8 slices the ODE's
        // low modes are off by a factor 2, so the slice count matters).
        string samples = Path.Combine(_folder, "exact.npy");
        var json = Json("generate", "--exact-score", "--d", "2", "--L", "8", "--xi-over-L", "0.25", "--slices", "64", "--interp",
            "--sampler", "ode-heun", "--steps", "60", "--n", "2000", "--out", samples, "--seed", "4");
        Assert.Equal("ode-heun", (string)json["sampler"]!);
        Assert.Equal(60, (int)json["steps"]!);
        Assert.Equal([2000, 8, 8], NpyFile.Read(samples).Shape);
        var exact = Json("model", "--d", "2", "--L", "8", "--xi-over-L", "0.25");
        foreach (string key in new[] { "chi", "xi2", "energy" })
        {
            Assert.Equal((double)exact[key]!, (double)json["exact"]![key]!, 1e-12 * Math.Abs((double)exact[key]!));
            double law = (double)json["generated_law"]![key]!, measured = (double)json["measured"]![key]!, error = (double)json["measured"]![key + "_err"]!;
            Assert.InRange(Math.Abs(measured - law) / error, 0, Tolerances.StandardErrors);
            Assert.Equal((double)exact[key]!, law, 0.05 * Math.Abs((double)exact[key]!));
        }
        Assert.InRange((double)json["kl_per_site_vs_data"]!, 0, 1e-3);
        Assert.InRange((double)json["r_min"]!, 0.9, 1.0);
        Assert.InRange((double)json["r_max"]!, 0.99, 1.1);
        Assert.Null(json["metropolis_acceptance"]); // no --reweight
    }

    [Fact]
    public void DivergentTrainingExitsThreeWithTheStableRate()
    {
        var (code, output, error) = Run("train", "--d", "2", "--L", "8", "--xi-over-L", "0.25", "--t", "0.1", "--lr", "1", "--json");
        Assert.Equal(3, code);
        Assert.True((bool)JsonNode.Parse(output)!["slices"]![0]!["diverged"]!);
        Assert.Contains("stability limit", error);
    }

    [Fact]
    public void TrainOnDataChecksTheLattice()
    {
        string data = Path.Combine(_folder, "data.npy");
        Json("sample", "--d", "2", "--L", "6", "--beta", "0.6", "--n", "20", "--out", data);
        var (code, _, error) = Run("train", "--d", "2", "--L", "8", "--beta", "0.6", "--mode", "empirical", "--data", data);
        Assert.Equal(2, code);
        Assert.Contains("does not match the model lattice", error);
        var json = Json("train", "--d", "2", "--L", "6", "--beta", "0.6", "--mode", "empirical", "--data", data,
            "--arch", "one-layer-local:1", "--t", "0.5", "--max-steps", "200");
        Assert.Single(json["slices"]!.AsArray());
    }

    [Fact]
    public void GenerateFromATrainedModelChecksItsLatticeAndReportsTheLaw()
    {
        string dir = Path.Combine(_folder, "run");
        Json("train", "--d", "2", "--L", "8", "--xi-over-L", "0.25", "--arch", "two-layer", "--slices", "4", "--out", dir);
        string model = Path.Combine(dir, "checkpoint");
        var (code, _, error) = Run("generate", "--model", model, "--d", "2", "--L", "6");
        Assert.Equal(2, code);
        Assert.Contains("trained on", error);

        string samples = Path.Combine(_folder, "gen.npy");
        var json = Json("generate", "--model", model, "--n", "64", "--out", samples, "--reweight", "--sampler", "sde-em");
        foreach (string key in new[] { "sampler", "steps", "n", "kl_per_site", "kl_per_site_vs_data", "r_min", "r_max", "exact", "generated_law", "measured", "ess_per_sample", "metropolis_acceptance", "wall_seconds" })
            Assert.True(json.ContainsKey(key), key);
        Assert.Equal([64, 8, 8], NpyFile.Read(samples).Shape);
        Assert.InRange((double)json["ess_per_sample"]!, 0, 1);

        // Corrupt the checkpoint: exit 2 naming the file.
        File.WriteAllText(Path.Combine(model, "model.json"), "{ not json");
        var (corrupt, _, message) = Run("generate", "--model", model);
        Assert.Equal(2, corrupt);
        Assert.Contains("model.json", message);
    }

    [Fact]
    public void TrainBudgetSweepReportsKlPerBudget()
    {
        var json = Json("generate", "--d", "2", "--L", "8", "--xi-over-L", "0.25", "--train-budget", "1,8,64", "--slices", "4", "--steps", "50");
        var budgets = json["budgets"]!.AsArray();
        Assert.Equal(3, budgets.Count);
        Assert.True((double)budgets[2]!["kl_per_site"]! < (double)budgets[0]!["kl_per_site"]!);
    }

    [Fact]
    public void VersionAndHelpWork()
    {
        var (code, output, _) = Run("--version");
        Assert.Equal(0, code);
        Assert.Equal(Program.Version, output.Trim());
        foreach (string command in new[] { "model", "sample", "train", "generate", "reproduce" })
        {
            var (helpCode, help, _) = Run(command, "--help");
            Assert.Equal(0, helpCode);
            Assert.Contains("--json", help);
            Assert.Contains("--seed", help);
        }
        Assert.Contains("default: 64", Run("train", "--help").Out);
    }
}
