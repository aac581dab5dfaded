using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Persistence;
using static CritDiff.Tests.Cli.Cli;

namespace CritDiff.Tests.Cli;

/// <summary>The finite-n target options (--model on/phi4) in model, mcmc, mcmc-scaling, ensemble and train.</summary>
public sealed class FiniteNCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-finite-n-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("--model", "potts", "--model must be one of")]
    [InlineData("--n", "0", "--n must be in 1..")]
    [InlineData("--kappa", "0", "--kappa must be in [1e-6, 1e4]")]
    [InlineData("--lambda", "-1", "--lambda must be 0 or in [1e-6, 1e4]")]
    [InlineData("--kappa", "0.3", "--kappa must be < 1/(2d)")]
    public void BadTargetValuesExitTwoNamingTheOption(string option, string value, string message)
    {
        var args = new List<string> { "mcmc", "--d", "2", "--L", "4", "--sweeps", "16", "--thermalize", "0" };
        bool phi4 = option is "--kappa" or "--lambda";
        if (option != "--model") args.AddRange(phi4 ? ["--model", "phi4"] : ["--model", "on", "--beta", "0.3"]);
        if (phi4) args.AddRange(option == "--kappa" ? ["--lambda", value == "0.3" ? "0" : "1"] : ["--kappa", "0.1"]);
        args.AddRange([option, value]);
        var (code, _, error) = Run([.. args]);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("2", "3")] // O(3) in d = 2: no finite-beta transition
    [InlineData("4", "1")] // no literature value stored for d = 4
    public void CriticalWithoutALiteratureValueIsRefused(string d, string n)
    {
        var (code, _, error) = Run("model", "--d", d, "--L", "4", "--model", "on", "--n", n, "--critical");
        Assert.Equal(2, code);
        Assert.Contains("--critical: no literature critical point", error);
        var (phi4, _, phi4Error) = Run("model", "--d", "2", "--L", "4", "--model", "phi4", "--kappa", "0.2", "--lambda", "1", "--critical");
        Assert.Equal(2, phi4);
        Assert.Contains("--critical", phi4Error);
    }

    [Fact]
    public void OptionsOfAnotherModelAreRefused()
    {
        Assert.Contains("--kappa applies to --model phi4", Run("model", "--d", "2", "--L", "4", "--model", "on", "--beta", "0.3", "--kappa", "0.2").Err);
        Assert.Contains("--n applies to", Run("model", "--d", "2", "--L", "4", "--beta", "0.3", "--n", "2").Err);
        Assert.Contains("--xi applies to --model gaussian", Run("model", "--d", "2", "--L", "4", "--model", "on", "--xi", "2").Err);
        Assert.Contains("exactly one of --beta, --beta-unit, --critical", Run("model", "--d", "2", "--L", "4", "--model", "on").Err);
        // Memory: n V above 2^24 values per configuration is refused before anything is allocated.
        Assert.Contains("--n: n V = 1024 x 262144", Run("mcmc", "--model", "on", "--n", "1024", "--d", "3", "--L", "64", "--beta", "0.3").Err);
    }

    [Fact]
    public void ModelStatesTheLiteratureCriticalPointInBothNormalisations()
    {
        var (code, output, error) = Run("model", "--d", "3", "--L", "8", "--model", "on", "--n", "2", "--critical", "--json");
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal(0.45416474, (double)json["beta_unit"]!, 12);
        Assert.Equal(0.45416474 / 2, (double)json["beta"]!, 12);
    }

    [Fact]
    public void McmcOnIsingReportsObservablesWithErrorsAndTheSpectrumFile()
    {
        string spectrum = Path.Combine(_folder, "g.csv");
        var (code, output, error) = Run("mcmc", "--model", "on", "--d", "2", "--L", "8", "--beta", "0.3", "--sweeps", "2000",
            "--thermalize", "200", "--chains", "2", "--spectrum-out", spectrum, "--json");
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("wolff", (string)json["algo"]!);
        Assert.True((bool)json["valid"]!);
        var o = json["observables"]!;
        foreach (string key in new[] { "abs_M", "chi", "binder", "xi2", "energy" })
            Assert.True((double)o[key + "_err"]! > 0, key);
        // Onsager's energy per bond of the infinite 2D Ising lattice, <s_x s_y> = coth(2b)/2 [1 + (2/pi)(2 tanh^2 2b - 1) K(k)],
        // k = 2 sinh 2b / cosh^2 2b (= 0.35225 at b = 0.3). At b = 0.3, xi ~ 1, so the L = 8 finite-size shift (~e^(-L/xi))
        // is far below the statistical error: within 4 standard errors.
        double e = (double)o["energy"]!, err = (double)o["energy_err"]!;
        Assert.True(Math.Abs(e - OnsagerBondEnergy(0.3)) <= 4 * err, $"energy {e} +- {err}, Onsager {OnsagerBondEnergy(0.3)}");
        Assert.Equal(64 + 1, File.ReadAllLines(spectrum).Length);
        Assert.Equal(100, json["histogram"]!["counts"]!.AsArray().Count);
    }

    [Fact]
    public void EnsembleWritesNpyAndSideCarThatTrainChecksAgainstModel()
    {
        string path = Path.Combine(_folder, "xy.npy");
        var (code, output, error) = Run("ensemble", "--model", "on", "--n", "2", "--d", "2", "--L", "4", "--beta-unit", "0.8",
            "--n-configs", "200", "--thermalize", "100", "--pilot-sweeps", "200", "--out", path, "--json");
        Assert.True(code == 0, error);
        Assert.Equal([200, 2, 4, 4], JsonNode.Parse(output)!["shape"]!.AsArray().Select(x => (int)x!));
        var array = NpyFile.Read(path);
        Assert.Equal([200, 2, 4, 4], array.Shape);
        // |s_x|^2 = n at every site of every configuration.
        for (int c = 0; c < 200; c++)
            for (int x = 0; x < 16; x++)
            {
                double a = array.Data[c * 32 + x], b = array.Data[c * 32 + 16 + x];
                Assert.Equal(2, a * a + b * b, 12);
            }
        Assert.True(File.Exists(path + ".json"));

        var (trained, trainOut, trainError) = Run("train", "--model", "on", "--n", "2", "--d", "2", "--L", "4", "--beta-unit", "0.8",
            "--spectrum", path, "--arch", "one-layer", "--t", "0.1", "--json", "--out", Path.Combine(_folder, "run"));
        Assert.True(trained == 0, trainError);
        // The checkpoint keeps the real target (not the free field that carried the lattice through moment training),
        // and generate compares with that stand-in as before.
        var checkpoint = ModelCheckpoint.Load(Path.Combine(_folder, "run", "checkpoint"));
        Assert.IsType<SpinModel>(checkpoint.Target);
        Assert.Null(ModelDescription.Of(SpinModel.AtBetaUnit(new Lattice(2, 4), 2, 0.8)).Mismatch(checkpoint.Target));
        Assert.Equal(GaussianField.FreeField(new Lattice(2, 4), 1), checkpoint.GaussianTarget);
        Assert.Equal(0, Run("generate", "--model", Path.Combine(_folder, "run", "checkpoint"), "--t-max", "1", "--n", "4", "--steps", "4").Code);
        var summary = JsonNode.Parse(trainOut)!;
        Assert.Equal("data spectrum", (string)summary["reference"]!);
        Assert.Equal("on", (string)summary["model"]!["kind"]!);

        var (mismatch, _, mismatchError) = Run("train", "--model", "on", "--n", "2", "--d", "2", "--L", "4", "--beta-unit", "0.9",
            "--spectrum", path, "--arch", "one-layer", "--t", "0.1");
        Assert.Equal(2, mismatch);
        Assert.StartsWith("error: --spectrum:", mismatchError);
        Assert.Contains("beta", mismatchError);
        var (gaussian, _, gaussianError) = Run("train", "--d", "2", "--L", "4", "--beta", "0.8", "--mode", "empirical", "--data", path,
            "--arch", "one-layer", "--t", "0.1");
        Assert.Equal(2, gaussian);
        Assert.Contains("--data", gaussianError);
        var (none, _, noneError) = Run("train", "--model", "on", "--d", "2", "--L", "4", "--beta", "0.3", "--arch", "one-layer", "--t", "0.1");
        Assert.Equal(2, none);
        Assert.Contains("--spectrum", noneError);
    }

    [Fact]
    public void EnsembleRefusesBadCountsAndPaths()
    {
        Assert.Equal(2, Run("ensemble", "--model", "on", "--d", "2", "--L", "4", "--beta", "0.3", "--n-configs", "0", "--out", Path.Combine(_folder, "a.npy")).Code);
        Assert.Contains("--out must end in .npy", Run("ensemble", "--model", "on", "--d", "2", "--L", "4", "--beta", "0.3", "--n-configs", "4", "--out", Path.Combine(_folder, "a.txt")).Err);
        Assert.Contains("--n-configs", Run("ensemble", "--model", "on", "--d", "3", "--L", "64", "--beta", "0.3", "--n-configs", "2000000", "--out", Path.Combine(_folder, "b.npy")).Err);
        Assert.Contains("--pilot-sweeps: 4000 chain(s)", Run("ensemble", "--model", "on", "--d", "2", "--L", "4", "--beta", "0.3", "--n-configs", "4", "--pilot-sweeps", "100000000", "--chains", "4000", "--out", Path.Combine(_folder, "d.npy")).Err);
        Assert.Contains("--algo: 'hmc' is not available", Run("ensemble", "--model", "on", "--d", "2", "--L", "4", "--beta", "0.3", "--n-configs", "4", "--algo", "hmc", "--out", Path.Combine(_folder, "c.npy")).Err);
    }

    [Fact]
    public void McmcScalingFitsZForWolffAndALocalKernel()
    {
        var (code, output, error) = Run("mcmc-scaling", "--model", "on", "--d", "2", "--L", "8,16", "--critical", "--algo", "metropolis,wolff",
            "--sweeps", "3000", "--thermalize", "300", "--chains", "2", "--json");
        Assert.True(code == 0, error);
        var fits = JsonNode.Parse(output)!["fits"]!.AsArray();
        double zLocal = (double)fits[0]!["z"]!, zWolff = (double)fits[1]!["z"]!;
        Assert.True(zWolff < zLocal, $"z_wolff = {zWolff}, z_metropolis = {zLocal}");
    }

    [Fact]
    public void CriticalFindsThe2DIsingCouplingAndResumes()
    {
        string dir = Path.Combine(_folder, "crit");
        string[] args = ["critical", "--model", "on", "--d", "2", "--L", "8,16", "--sweeps", "1500", "--thermalize", "200", "--out", dir, "--json"];
        var (code, output, error) = Run(args);
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!;
        double beta = (double)json["coupling"]!["value"]!, err = (double)json["coupling"]!["error"]!;
        // Onsager's beta_c = 0.4406868; the L = 8/16 crossing is shifted by corrections to scaling of order L^-2 (a few 1e-3).
        Assert.InRange(0.4406868, beta - 3 * err - 0.005, beta + 3 * err + 0.005);
        var (again, output2, log) = Run(args);
        Assert.Equal(0, again);
        Assert.DoesNotContain("stage 0 L=", log); // every job was reused
        Assert.Equal((double)json["coupling"]!["value"]!, (double)JsonNode.Parse(output2)!["coupling"]!["value"]!);
        Assert.Contains("--lower and --upper are required", Run("critical", "--model", "phi4", "--lambda", "1", "--d", "2", "--L", "4,8", "--out", dir).Err);
        Assert.Contains("--model must be on or phi4", Run("critical", "--d", "2", "--L", "4,8", "--out", dir).Err);
        // Memory is bounded up front: n V per configuration, and the per-sweep series of the parallel jobs.
        Assert.Contains("--n: n V = 1024 x 262144", Run("critical", "--model", "on", "--n", "1024", "--d", "3", "--L", "32,64", "--lower", "100", "--upper", "200", "--out", dir).Err);
        Assert.Contains("--sweeps:", Run("critical", "--model", "on", "--d", "2", "--L", "8,16", "--sweeps", "100000000", "--chains", "100", "--out", dir).Err);
    }

    /// <summary>Onsager's nearest-neighbour correlation of the infinite square-lattice Ising model; K(k) by the arithmetic-geometric mean.</summary>
    private static double OnsagerBondEnergy(double beta)
    {
        double k = 2 * Math.Sinh(2 * beta) / Math.Pow(Math.Cosh(2 * beta), 2);
        double a = 1, g = Math.Sqrt(1 - k * k);
        for (int i = 0; i < 40; i++) (a, g) = ((a + g) / 2, Math.Sqrt(a * g));
        double ellipticK = Math.PI / (2 * a);
        return 0.5 / Math.Tanh(2 * beta) * (1 + 2 / Math.PI * (2 * Math.Pow(Math.Tanh(2 * beta), 2) - 1) * ellipticK);
    }
}
