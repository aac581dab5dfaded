using System.Text.Json.Nodes;
using CritDiff.Cli;

namespace CritDiff.Tests.Cli;

/// <summary>End-to-end runs of <c>critdiff mcmc</c> and <c>critdiff mcmc-scaling</c>, in process.</summary>
public sealed class McmcCommandTests
{
    private static (int Code, string Out, string Err) Run(string args) => Cli.Run(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static JsonObject Json(string args)
    {
        var (code, output, error) = Run(args + " --json");
        Assert.True(code == 0, error);
        return JsonNode.Parse(output)!.AsObject();
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        { "mcmc --d 2 --L 8 --xi-over-L 0.25 --sweeps -5", "--sweeps must be in 16.." },
        { "mcmc --d 2 --L 8 --xi-over-L 0.25 --sweeps 0", "--sweeps must be in 16.." },
        { "mcmc --d 2 --L 8 --xi-over-L 0.25 --thermalize -1", "--thermalize must be in 0.." },
        { "mcmc --d 2 --L 8 --xi-over-L 0.25 --chains 0", "--chains must be in 1.." },
        { "mcmc --d 2 --L 8 --xi-over-L 0.25 --algo gibbs", "--algo: unknown algorithm 'gibbs' (accepted: heatbath," },
        { "mcmc --d 2 --L 8 --xi-over-L 0.25 --algo hmc --step 0", "--step must be > 0" },
        { "mcmc --d 2 --L 8 --xi-over-L 0.25 --algo mala --step -0.1", "--step must be > 0" },
        { "mcmc --d 2 --L 8 --xi-over-L 0.25 --algo hmc --trajectory-length 0", "--trajectory-length must be > 0" },
        { "mcmc --d 2 --L 7 --xi-over-L 0.25 --algo heatbath", "--L must be even for heatbath" },
        { "mcmc --d 2 --L 8 --xi-over-L 0.25 --threads 0", "--threads must be >= 1" },
        { "mcmc --d 2 --L 8", "give exactly one of" },
        { "mcmc-scaling --d 2 --L 8 --xi-over-L 0.25", "--L needs at least 2 distinct sizes" },
        { "mcmc-scaling --d 2 --L 8,x --xi-over-L 0.25", "--L must be a comma-separated list of sizes >= 2" },
        { "mcmc-scaling --d 2 --L 8,1 --xi-over-L 0.25", "--L must be a comma-separated list of sizes >= 2" },
        { "mcmc-scaling --d 2 --L 8,8 --xi-over-L 0.25", "--L lists a size twice" },
        { "mcmc-scaling --d 2 --L 4,8 --xi-over-L 0.25 --algo heatbath,nope", "--algo: unknown algorithm 'nope'" },
        { "mcmc-scaling --d 2 --L 4,8 --xi-over-L 0.25 --sweeps 3", "--sweeps must be in 16.." },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputExitsTwoWithOneLineNamingTheOption(string args, string expected)
    {
        var (code, output, error) = Run(args);
        Assert.Equal(Program.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void McmcJsonHasTheDocumentedKeys()
    {
        var r = Json("mcmc --d 2 --L 8 --xi-over-L 0.25 --algo heatbath --sweeps 4000 --thermalize 200 --chains 2 --seed 3");
        Assert.Equal("heatbath", (string)r["algo"]!);
        Assert.Equal(4000, (int)r["sweeps"]!);
        Assert.Equal(1.0, (double)r["acceptance"]!);
        foreach (string key in new[] { "tau_M2", "tau_M2_err", "tau_energy", "tau_energy_err" }) Assert.True((double)r[key]! > 0, key);
        foreach (string key in new[] { "chi", "chi_err", "energy", "energy_err" }) Assert.NotNull(r["observables"]![key]);
        var exact = r["exact"]!;
        var measured = r["observables"]!;
        Assert.InRange(Math.Abs((double)measured["chi"]! - (double)exact["chi"]!), 0, Tolerances.StandardErrors * (double)measured["chi_err"]!);
        Assert.InRange(Math.Abs((double)measured["energy"]! - (double)exact["energy"]!), 0,
            Tolerances.StandardErrors * (double)measured["energy_err"]!);
        Assert.True((double)r["ess_per_second"]! > 0);
        Assert.True((double)r["wall_seconds"]! > 0);
    }

    [Fact]
    public void McmcIsReproducibleForAnyThreadCount()
    {
        string args = "mcmc --d 2 --L 8 --xi-over-L 0.25 --algo metropolis --sweeps 200 --thermalize 50 --chains 3 --seed 4";
        var one = Json(args + " --threads 1");
        var many = Json(args + " --threads 3");
        Assert.Equal((double)one["observables"]!["chi"]!, (double)many["observables"]!["chi"]!);
        Assert.Equal((double)one["tau_M2"]!, (double)many["tau_M2"]!);
    }

    [Fact]
    public void ScalingJsonFitsZPerAlgorithm()
    {
        var r = Json("mcmc-scaling --d 2 --L 4,8 --xi-over-L 0.25 --algo heatbath,fa-hmc --sweeps 2000 --thermalize 200 --chains 1");
        var fits = r["fits"]!.AsArray();
        Assert.Equal(["heatbath", "fa-hmc"], fits.Select(f => (string)f!["algo"]!));
        foreach (var fit in fits)
        {
            Assert.NotNull(fit!["z"]);
            Assert.True(fit.AsObject().ContainsKey("z_err"));
        }
        Assert.Equal(4, r["rows"]!.AsArray().Count);
        Assert.True((double)fits[0]!["z"]! > (double)fits[1]!["z"]!, "heat bath must slow down faster than fa-hmc");
    }

    [Theory]
    [InlineData("--xi-over-L", "0.25")]
    [InlineData("--model", "phi4")]
    public void ScalingWithAChainThatNeverMovesExitsThreeWithoutAFittedZ(string option, string value)
    {
        // A Metropolis step of 1e9 is never accepted: the runs are invalid, z is not fitted, the rows are still printed.
        string[] model = option == "--model" ? ["--model", "phi4", "--kappa", "0.2", "--lambda", "1"] : [option, value];
        var (code, output, error) = Cli.Run(["mcmc-scaling", "--d", "2", "--L", "4,8", .. model, "--algo", "metropolis", "--step", "1e9",
            "--sweeps", "200", "--thermalize", "10", "--json"]);
        Assert.Equal(3, code);
        Assert.Contains("z of metropolis is not fitted", error);
        Assert.Contains("acceptance", error);
        var json = JsonNode.Parse(output)!;
        Assert.Null(json["fits"]![0]!["z"]);
        Assert.False((bool)json["fits"]![0]!["valid"]!);
        Assert.All(json["rows"]!.AsArray(), r => Assert.False((bool)r!["valid"]!));
    }

    [Fact]
    public void HelpStatesWhatASweepIs()
    {
        var (code, output, _) = Run("mcmc --help");
        Assert.Equal(0, code);
        Assert.Contains("one trajectory for hmc", output, StringComparison.Ordinal);
        Assert.Contains("V site-update attempts", output, StringComparison.Ordinal);
    }

    [Fact]
    public void HmcReportsEachChainsStepAndLeapfrogCountWithTheFullTrajectoryLength()
    {
        var stdout = new StringWriter();
        int code = Program.Run(["mcmc", "--d", "2", "--L", "8", "--xi-over-L", "0.25", "--algo", "fa-hmc", "--sweeps", "64",
            "--thermalize", "100", "--chains", "3", "--trajectory-length", "1.3", "--json"], stdout, new StringWriter());
        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout.ToString())!;
        var steps = json["chain_step_sizes"]!.AsArray().Select(x => (double)x!).ToArray();
        var leapfrogs = json["chain_leapfrog_steps"]!.AsArray().Select(x => (int)x!).ToArray();
        Assert.Equal(3, steps.Length);
        Assert.Equal(3, leapfrogs.Length);
        // n = ceil(tau / eps): n leapfrog steps of tau / n <= eps cover the whole trajectory length tau = 1.3 in every chain.
        for (int c = 0; c < 3; c++)
            Assert.Equal((int)Math.Ceiling(1.3 / steps[c] * (1 - 1e-12)), leapfrogs[c]);
    }
}
