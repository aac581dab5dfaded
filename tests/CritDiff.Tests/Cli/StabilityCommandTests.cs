using System.Text.Json.Nodes;
using CritDiff.Cli;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.Tests.Cli;

/// <summary>End-to-end runs of <c>critdiff stability</c>, in process.</summary>
public sealed class StabilityCommandTests : IDisposable
{
    /// <summary>
    /// Population GD of a one-layer network, m &lt;- m - 2 eta (S m + 1), is stable exactly for eta &lt;= 1/S_max. The probe
    /// calls eta unstable only once the top mode's growth (1 + delta)^(2n) lifts the loss above its start within the budget
    /// (2000 steps: delta ~ ln(V)/4000, well under 1%), and bisection stops at 0.2%: 2% leaves room for both.
    /// </summary>
    private const double OneLayerBoundary = 0.02;

    /// <summary>The exponent between two sizes from rates each within ~0.3% of 1/S_max: ln(1.006)/ln 2 ~ 0.01, with margin.</summary>
    private const double OneLayerExponent = 0.05;

    private static readonly string[] RowKeys =
        ["L", "params", "stable_lr", "stable_lr_err", "safe_lr", "training_lr", "steps", "steps_err", "seed_steps", "converged", "diverged",
         "optimum_gap_to_exact", "probes", "bracketed"];

    private static readonly string[] FitKeys =
        ["stable_lr_exponent", "stable_lr_exponent_err", "stable_lr_preferred", "steps_power_exponent", "steps_power_exponent_err",
         "steps_log_slope", "steps_log_slope_err", "preferred"];

    private static readonly string[] TopKeys =
        ["arch", "d", "family", "t", "mode", "optimizer", "basis", "start", "batch", "seeds", "budget", "tolerance", "fraction", "seed",
         "wall_seconds", "rows", "fits"];

    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-stability-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (int Code, string Out, string Err) Run(string args) => Cli.Run(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static JsonObject Json(string args)
    {
        var (code, output, error) = Run("stability " + args + " --json");
        Assert.True(code == 0, error);
        return JsonNode.Parse(output)!.AsObject();
    }

    /// <summary>The largest noised spectrum value S_max = a(t)^2 max C(k) + b(t)^2 of the VP process at xi/L = 1/4.</summary>
    private static double TopSpectrum(int length, double t)
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, length), 0.25);
        return ForwardProcess.Parse("vp").NoisedSpectrumTable(field.SpectrumTable(), t).Max();
    }

    [Fact]
    public void PopulationGdOneLayerFindsTheBoundaryOneOverSMax()
    {
        var r = Json("--mode population --optimizer gd --arch one-layer --L 8,16 --budget 2000 --tolerance 0.002");
        foreach (string key in TopKeys) Assert.True(r.ContainsKey(key), key);
        Assert.Equal("population", (string)r["mode"]!);
        Assert.Equal("gd", (string)r["optimizer"]!);
        Assert.Equal("xi/L = 0.25", (string)r["family"]!);
        var rows = r["rows"]!.AsArray();
        Assert.Equal([8, 16], rows.Select(row => (int)row!["L"]!));
        var expected = new Dictionary<int, double>();
        foreach (var row in rows)
        {
            foreach (string key in RowKeys) Assert.True(row!.AsObject().ContainsKey(key), key);
            int l = (int)row!["L"]!;
            expected[l] = 1 / TopSpectrum(l, 0.1);
            double stable = (double)row["stable_lr"]!;
            Assert.InRange(stable / expected[l], 1 - OneLayerBoundary, 1 + OneLayerBoundary);
            Assert.True((bool)row["bracketed"]!);
            Assert.Equal(stable, (double)row["safe_lr"]!); // deterministic: one seed
            Assert.Equal(0.1 * stable, (double)row["training_lr"]!, Tolerances.ClosedForm);
            Assert.True((bool)row["converged"]!);
            Assert.True((double)row["steps"]! > 0);
        }
        var fits = r["fits"]!.AsObject();
        foreach (string key in FitKeys) Assert.True(fits.ContainsKey(key), key);
        double exponent = Math.Log(expected[16] / expected[8]) / Math.Log(2);
        Assert.InRange((double)fits["stable_lr_exponent"]!, exponent - OneLayerExponent, exponent + OneLayerExponent);
    }

    [Fact]
    public void SgdTwoLayerIsReproducibleForAnySeedRunAndThreadCount()
    {
        const string args = "--arch two-layer --L 8,16 --seeds 2 --budget 100 --max-steps 1000 --seed 5";
        var first = Json(args + " --threads 1");
        Assert.Equal("empirical", (string)first["mode"]!);
        Assert.Equal("sgd", (string)first["optimizer"]!);
        foreach (var row in first["rows"]!.AsArray())
        {
            Assert.True((double)row!["stable_lr"]! > 0);
            Assert.True((double)row["stable_lr_err"]! >= 0);
            Assert.True((double)row["steps"]! > 0);
            Assert.True((double)row["safe_lr"]! <= (double)row["stable_lr"]!);
            Assert.Equal(2, row["seed_steps"]!.AsArray().Count);
        }
        string rows = first["rows"]!.ToJsonString();
        Assert.Equal(rows, Json(args + " --threads 1")["rows"]!.ToJsonString());
        Assert.Equal(rows, Json(args + " --threads 2")["rows"]!.ToJsonString());
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        { "--L 8,8", "--L lists a size twice" },
        { "--L 8,1", "--L must be a comma-separated list of sizes >= 2" },
        { "--fraction 0", "--fraction must be in (0, 1]" },
        { "--fraction 1.5", "--fraction must be in (0, 1]" },
        { "--budget 0", "--budget must be in 1.." },
        { "--seeds 0", "--seeds must be in 1.." },
        { "--tolerance 0", "--tolerance must be in [1e-6, 1]" },
        { "--eps 1", "--eps must be in (0, 1)" },
        { "--max-steps 0", "--max-steps must be in 1.." },
        { "--batch 0", "--batch must be in 1.." },
        { "--t 0", "--t must be > 0" },
        { "--start sideways", "--start: unknown start 'sideways'" },
        { "--start unbalanced:0", "--start: unknown start 'unbalanced:0'" },
        { "--arch nope", "--arch" },
        { "--arch one-layer-local:2 --L 4", "--arch one-layer-local:2 at L = 4" },
        { "--optimizer gd --mode empirical", "--optimizer gd uses the exact population gradient" },
        { "--optimizer sgd --mode population", "--optimizer sgd needs minibatches" },
        { "--optimizer rmsprop", "--optimizer must be gd, sgd or adam" },
        { "--mode sideways", "--mode must be population, empirical or samples" },
        { "--basis nope", "--basis must be kernel or fourier" },
        { "--basis fourier --start random:0.1", "--start random:S needs --basis kernel" },
        { "--schedule xx", "--schedule must be vp or ve" },
        { "--beta 0.5 --xi 2", "give exactly one of" },
        { "--critical", "--critical needs d >= 3" },
        { "--d 5", "--d must be in 1..4" },
        { "--threads 0", "--threads must be >= 1" },
        { "--out x.csv", "--out names the JSON file" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputExitsTwoWithOneLineNamingTheOption(string args, string expected)
    {
        var (code, output, error) = Run("stability " + args);
        Assert.Equal(Program.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void OutWritesTheJsonAndCsvAndTextModePrintsTableAndFits()
    {
        string file = Path.Combine(_folder, "stab.json");
        var (code, output, error) = Run($"stability --mode population --arch one-layer --L 4,8 --budget 200 --out {file}");
        Assert.True(code == 0, error);
        Assert.Contains("stable_lr ~ L^p: p = ", output, StringComparison.Ordinal);
        Assert.Contains("steps: power exponent ", output, StringComparison.Ordinal);
        Assert.Equal(2, error.Split('\n').Count(l => l.Contains(": stable_lr ", StringComparison.Ordinal) && l.Contains("L=", StringComparison.Ordinal)));

        var json = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        var rows = json["rows"]!.AsArray();
        Assert.Equal([4, 8], rows.Select(r => (int)r!["L"]!));
        var csv = File.ReadAllLines(Path.Combine(_folder, "stab.csv"));
        Assert.Equal("arch,optimizer,basis,mode,start,batch,L,params,stable_lr,stable_lr_err,safe_lr,training_lr,steps,steps_err,converged,diverged,optimum_gap", csv[0]);
        Assert.Equal(3, csv.Length);
        for (int i = 0; i < rows.Count; i++)
        {
            var cells = csv[i + 1].Split(',');
            Assert.Equal(["one-layer", "gd", "kernel", "population", "balanced"], cells[..5]);
            Assert.Equal((int)rows[i]!["L"]!, int.Parse(cells[6], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal((double)rows[i]!["stable_lr"]!, double.Parse(cells[8], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("", cells[13]); // one seed: no standard error
            Assert.Equal("true", cells[14]);
        }
    }

    [Fact]
    public void HelpStatesTheRuleAndDefaults()
    {
        var (code, output, _) = Run("stability --help");
        Assert.Equal(0, code);
        Assert.Contains("exceeds its initial value within --budget", output, StringComparison.Ordinal);
        Assert.Contains("[default: 8,16,32,64,128]", output, StringComparison.Ordinal);
        Assert.Contains("[default: two-layer]", output, StringComparison.Ordinal);
    }
}
