using System.Text.Json.Nodes;
using CritDiff.Experiments;

namespace CritDiff.Tests.Cli;

/// <summary>
/// One <c>critdiff reproduce --quick --json</c> run (about 35 s on 2 cores, the longest step of the suite), shared by
/// the focused tests of <see cref="ReproduceQuickTests"/> through xunit's class fixture so it runs once.
/// </summary>
public sealed class ReproduceQuickRun : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-reproduce-").FullName;

    public ReproduceQuickRun()
    {
        Dir = Path.Combine(_folder, "r");
        (Code, Output, Error) = Cli.Run("reproduce", "--quick", "--out", Dir, "--json");
    }

    /// <summary>The output folder.</summary>
    public string Dir { get; }

    /// <summary>Exit code, stdout (one JSON object) and stderr of the run.</summary>
    public int Code { get; }

    /// <inheritdoc cref="Code"/>
    public string Output { get; }

    /// <inheritdoc cref="Code"/>
    public string Error { get; }

    /// <summary>The run's JSON summary; fails the calling test with stderr when the run did not exit 0.</summary>
    public JsonObject Json()
    {
        Assert.True(Code == 0, Error);
        return JsonNode.Parse(Output)!.AsObject();
    }

    /// <summary>The text of report.md.</summary>
    public string Markdown() => File.ReadAllText(Path.Combine(Dir, "report.md"));

    /// <summary>The boolean verdict of claim <paramref name="id"/> (null: not measured).</summary>
    public bool? Verdict(string id) =>
        Json()["claims"]!.AsArray().Single(c => (string)c!["id"]! == id)!["reproduced"]?.GetValue<bool>();

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

/// <summary>What <c>reproduce --quick</c> promises: every claim with a verdict that follows its criterion, every file and figure.</summary>
public sealed class ReproduceQuickTests(ReproduceQuickRun run) : IClassFixture<ReproduceQuickRun>
{
    [Fact]
    public void EveryClaimHasAVerdict()
    {
        var claims = run.Json()["claims"]!.AsArray();
        Assert.Equal(["C1", "C2", "C3", "C4", "C3-SGD", "Adam", "C4-local", "C4-SGD", "C1-finite-n", "C3-finite-n", "NL-C1", "NL-C1-SGD", "NL-C3", "NL-C2", "NL-C4", "Q-reweight", "Q-budget", "COST-1", "COST-2", "COST-3", "COST-4"], claims.Select(c => c!["id"]!.GetValue<string>()));
        Assert.All(claims, c => Assert.Contains(c!["verdict"]!.GetValue<string>(), new[] { "reproduced", "not reproduced", "not measured" }));
        Assert.Contains("**C1 (", run.Markdown());
    }

    /// <summary>Issue 24: the README's claim list ("a sentence per claim (...)") names exactly the claims reproduce judges.</summary>
    [Fact]
    public void ReadmeListsEveryClaim()
    {
        var ids = run.Json()["claims"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToHashSet();
        string readme = File.ReadAllText(Path.Combine(RepositoryFiles.Root(), "README.md"));
        var list = System.Text.RegularExpressions.Regex.Match(readme, @"a sentence per claim\s*\(([^)]*)\)");
        Assert.True(list.Success, "README.md has no claim list 'a sentence per claim (...)'");
        var listed = list.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Assert.Equal(ids.Order(), listed.Order());
    }

    [Fact]
    public void WritesTheReportAndEveryExperimentsTablesAndFigures()
    {
        var json = run.Json();
        string dir = run.Dir;
        foreach (string file in new[] { "report.md", "report.html", "summary.json", "claims.csv", "observables.csv" })
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        foreach (var experiment in json["experiments"]!.AsArray())
        {
            string sub = Path.Combine(dir, experiment!["experiment"]!.GetValue<string>());
            foreach (string figure in new[] { "steps_vs_L", "excess_one-layer", "kl_budget_one-layer", "ratio_one-layer" }
                         .Where(f => f == "steps_vs_L" || experiment["rows"]!.AsArray().Any(r => r!["arch"]!.GetValue<string>() == "one-layer")))
            {
                Assert.True(File.Exists(Path.Combine(sub, figure + ".png")), figure);
                Assert.True(File.Exists(Path.Combine(sub, figure + ".svg")), figure);
            }
            foreach (string csv in new[] { "rows.csv", "fits.csv", "budget.csv", "summary.json" })
                Assert.True(File.Exists(Path.Combine(sub, csv)), csv);
        }
        Assert.Contains("steps_vs_L.png", run.Markdown());
        Assert.Contains("data:image/png;base64,", File.ReadAllText(Path.Combine(dir, "report.html")));
    }

    /// <summary>Issue 21: the command runs the plan's stages in order, one progress line each on stderr.</summary>
    [Fact]
    public void PrintsOneProgressLinePerStageOfThePlan()
    {
        Assert.True(run.Code == 0, run.Error);
        var stages = CritDiff.Experiments.ReproducePlan.Stages(quick: true, large: false, seed: 1);
        var lines = run.Error.Split('\n').Where(l => l.StartsWith("reproduce [", StringComparison.Ordinal)).ToArray();
        Assert.Equal(stages.Select((s, i) => $"reproduce [{i + 1}/{stages.Count}] {s.Name} ("), lines.Select(l => l[..(l.IndexOf(" (elapsed", StringComparison.Ordinal) + 2)]));
    }

    [Fact]
    public void ExactSamplerMatchesTheExactObservables()
    {
        var sampling = run.Json()["sampling"]!.AsArray();
        Assert.Equal(3, sampling.Count);
        foreach (var s in sampling)
            foreach (var (_, z) in s!["z_scores"]!.AsObject())
                Assert.InRange(Math.Abs((double)z!), 0, 5); // exact sampler: |z| above 5 would be a bug
    }

    /// <summary>Issue 24: every CSV file of the run reads with a strict CSV rule (no quoted field, one field per comma, booleans true/false).</summary>
    [Fact]
    public void EveryCsvFileIsStrict()
    {
        Assert.True(run.Code == 0, run.Error);
        var files = Directory.GetFiles(run.Dir, "*.csv", SearchOption.AllDirectories);
        Assert.True(files.Length >= 20, $"{files.Length} CSV files");
        foreach (string file in files)
            Assert.True(ReportFileFormatTests.StrictCsvViolation(File.ReadAllText(file)) is not { } why, $"{Path.GetRelativePath(run.Dir, file)}: {ReportFileFormatTests.StrictCsvViolation(File.ReadAllText(file))}");
    }

    /// <summary>Issue 24 / docs/json.md: no JSON file of the run writes NaN or infinity as a string (sgd-stability/scans wrote "Error": "NaN").</summary>
    [Fact]
    public void EveryJsonFileWritesNonFiniteNumbersAsNull()
    {
        Assert.True(run.Code == 0, run.Error);
        var named = new System.Text.RegularExpressions.Regex(@":\s*""(NaN|-?Infinity)""");
        var files = Directory.GetFiles(run.Dir, "*.json", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.Contains("scans", StringComparison.Ordinal));
        Assert.All(files, f => Assert.False(named.IsMatch(File.ReadAllText(f)), Path.GetRelativePath(run.Dir, f)));
    }

    /// <summary>Issue 24: the exact-sampler table prints z-scores to one decimal, not six digits.</summary>
    [Fact]
    public void ObservablesTablePrintsZScoresToOneDecimal()
    {
        var rows = run.Markdown().Split('\n').Where(l => l.StartsWith("| d2-xiL0.25-L32 |", StringComparison.Ordinal) || l.StartsWith("| d3-critical-L16 |", StringComparison.Ordinal)).ToArray();
        Assert.Equal(8, rows.Length);
        Assert.All(rows, r => Assert.Matches(@"\| -?\d+\.\d \|$", r));
    }

    /// <summary>Issue 7: the SGD-stability section, its table, figures and JSON, and the C3-SGD and Adam verdicts from its numbers.</summary>
    [Fact]
    public void SgdStabilityVerdictsFollowTheirCriteria()
    {
        var json = run.Json();
        string md = run.Markdown();
        Assert.Contains("## C3 under SGD", md);
        foreach (string file in new[] { "sgd-stability/stability.csv", "sgd-stability/stable_rate_vs_L.png", "sgd-stability/stable_rate_vs_L.svg",
                     "sgd-stability/sgd_steps_vs_L.png" })
            Assert.True(File.Exists(Path.Combine(run.Dir, file)), file);
        var stability = json["sgd_stability"]!.AsArray();
        Assert.Equal(7, stability.Count); // GD, SGD, Adam in two bases, and one-layer SGD
        foreach (var scan in stability)
        {
            Assert.Equal(3, scan!["rows"]!.AsArray().Count);
            Assert.All(scan["rows"]!.AsArray(), r => Assert.True((double)r!["stable_lr"]! > 0));
            Assert.NotNull(scan["fits"]!["stable_lr_exponent"]);
        }
        // The one-layer SGD stable rate shrinks with L (population limit 1/S_max ~ L^-2), the two-layer GD one does not.
        Assert.True((double)stability[6]!["fits"]!["stable_lr_exponent"]! < -1);
        Assert.InRange((double)stability[0]!["fits"]!["stable_lr_exponent"]!, -0.2, 0.2);
        // The verdicts follow their stated criteria from the numbers in the JSON.
        bool Flat(JsonNode scan) => Math.Abs((double)scan["fits"]!["stable_lr_exponent"]!) <= Math.Max(0.15, 2 * (double)scan["fits"]!["stable_lr_exponent_err"]!);
        var sgd = stability[2]!;
        Assert.Equal(("two-layer", "sgd", "kernel"), ((string)sgd["arch"]!, (string)sgd["optimizer"]!, (string)sgd["basis"]!));
        bool sgdSurvives = Flat(sgd) && (string?)sgd["fits"]!["preferred"] == "log" && sgd["rows"]!.AsArray().All(r => (bool)r!["converged"]!);
        Assert.Equal(sgdSurvives, run.Verdict("C3-SGD"));
        Assert.Equal(Flat(stability[4]!) || Flat(stability[5]!), run.Verdict("Adam"));
    }

    /// <summary>Issue 7: the local-architecture section; two balanced local layers stay on K2 = -K1 and reach a worse optimum than from an unbalanced start.</summary>
    [Fact]
    public void LocalArchitecturesReportTheirOptimaAndSgdScans()
    {
        var json = run.Json();
        Assert.Contains("## C4: local architectures", run.Markdown());
        foreach (string file in new[] { "local-architectures/local_architectures.csv", "local-architectures/optimum_vs_parameters.png",
                     "local-architectures/optimum_vs_parameters.svg", "local-architectures/local_steps_vs_L.png" })
            Assert.True(File.Exists(Path.Combine(run.Dir, file)), file);
        var localSgd = json["local_sgd_stability"]!.AsArray();
        Assert.InRange(localSgd.Count, 1, 2);
        Assert.Equal(("two-layer-local:1", "balanced"), ((string)localSgd[0]!["arch"]!, (string)localSgd[0]!["start"]!));
        var networks = json["local_architectures"]!["networks"]!.AsArray();
        Assert.Equal(12, networks.Count);
        double Gap(string arch, string start) => (double)networks.First(n => (string)n!["arch"]! == arch && (string)n["start"]! == start)!["optimum_gap_to_exact_at_largest_L"]!;
        Assert.True(Gap("two-layer-local:1", "unbalanced:2") < Gap("two-layer-local:1", "balanced"));
    }

    /// <summary>
    /// Beyond Gaussian (quick: 2D Ising at L = 8, 16, 32): files, the trainer equals the per-mode theory on every measured
    /// spectrum, chi grows with L, and the C1-finite-n verdict follows its criterion from the JSON numbers.
    /// </summary>
    [Fact]
    public void BeyondGaussianVerdictFollowsItsCriterion()
    {
        var json = run.Json();
        Assert.Contains("## Beyond the Gaussian limit", run.Markdown());
        foreach (string file in new[] { "rows.csv", "fits.csv", "steps_d2.png", "steps_d2.svg", "spectra/d2-ising-L16.npy", "points/d2-ising-L16.json" })
            Assert.True(File.Exists(Path.Combine(run.Dir, "quick-beyond-gaussian", file)), file);
        var ising = json["beyond_gaussian"]!.AsArray().Single()!;
        Assert.Equal([8, 16, 32], ising["L"]!.AsArray().Select(l => (int)l!));
        var chi = ising["chi"]!.AsArray().Select(c => (double)c!).ToArray();
        Assert.True(chi[0] < chi[1] && chi[1] < chi[2]);
        foreach (string arch in new[] { "one-layer", "two-layer" })
            Assert.Equal(ising[arch]!["predicted_steps"]!.AsArray().Select(x => (int?)x), ising[arch]!["steps"]!.AsArray().Select(x => (int?)x));
        double p = (double)ising["one-layer"]!["power_exponent"]!, pErr = (double)ising["one-layer"]!["power_exponent_err"]!;
        Assert.Equal(Math.Abs(p - 1.75) <= 3 * pErr + Reporting.BeyondGaussianReport.ExponentAllowance, run.Verdict("C1-finite-n"));
    }

    /// <summary>
    /// The cost stage (issue 23, --quick: Wolff and HMC at L = 8, 16) writes its table and figure, and prices the quality stage's
    /// trained models: one diffusion row per (network, L) of the quality study, each from its replicas.
    /// </summary>
    [Fact]
    public void CostStageWritesMonteCarloAndTheQualityStudysModels()
    {
        foreach (string file in new[] { "cost.csv", "cost_vs_L.png", "cost_vs_L.svg" })
            Assert.True(File.Exists(Path.Combine(run.Dir, "cost", file)), file);
        var cost = run.Json()["cost"]!;
        Assert.False((bool)cost["diffusion_missing"]!);
        Assert.Equal(["wolff", "hmc"], cost["monte_carlo"]!.AsArray().Select(a => (string)a!["algo"]!));
        Assert.All(cost["monte_carlo"]!.AsArray(), a => Assert.Equal([8, 16], a!["L"]!.AsArray().Select(l => (int)(double)l!)));
        var quality = run.Json()["quality"]!["aggregates"]!.AsArray().Select(a => ((string)a!["network"]!, (int)(double)a["L"]!)).Order().ToArray();
        var priced = cost["diffusion"]!.AsArray().Select(d => ((string)d!["network"]!, (int)(double)d["L"]!)).Order().ToArray();
        Assert.Equal(quality, priced);
        Assert.All(cost["diffusion"]!.AsArray(), d => Assert.Equal(ReproducePlan.Quality(true, 1).Replicas, (int)(double)d!["replicas"]!));
    }

    /// <summary>One line per stage on stderr, numbered against the total with elapsed time and ETA, the last being the cost study.</summary>
    [Fact]
    public void StderrNumbersTheStages()
    {
        var stages = run.Error.Split('\n').Where(l => l.StartsWith("reproduce [", StringComparison.Ordinal)).ToArray();
        Assert.Equal(13, stages.Length);
        Assert.StartsWith("reproduce [1/13] exact sampler", stages[0], StringComparison.Ordinal);
        Assert.StartsWith("reproduce [11/13] nonlinear networks", stages[^3], StringComparison.Ordinal);
        Assert.StartsWith("reproduce [12/13] generation quality", stages[^2], StringComparison.Ordinal);
        Assert.StartsWith("reproduce [13/13] cost per independent critical configuration", stages[^1], StringComparison.Ordinal);
        Assert.All(stages, l => Assert.Matches(@"\(elapsed [^,]+, ETA ~[^)]+\)$", l));
    }

    /// <summary>
    /// Nonlinear networks (quick: phi^4 at L = 8, 16 in 2 replicas): files, one slowest row per (network, L, replica), the conv
    /// network no larger than one-layer, the summaries over 2 replicas, and NL-C1 following its criterion from the JSON numbers.
    /// </summary>
    [Fact]
    public void NonlinearSectionFollowsItsCriteria()
    {
        var json = run.Json();
        Assert.Contains("## Nonlinear networks on critical phi^4 samples", run.Markdown());
        foreach (string file in new[] { "training.csv", "training-summary.csv", "generation.csv", "generation-summary.csv", "ensembles.csv", "steps.png", "chi-ratio.svg", "ensembles/phi4-L16-r1.npy" })
            Assert.True(File.Exists(Path.Combine(run.Dir, "quick-nonlinear", file)), file);
        var nonlinear = json["nonlinear"]!;
        var slowest = nonlinear["slowest"]!.AsArray();
        Assert.Equal(3 * 2 * 2, slowest.Count); // (one-layer, conv, one-layer sgd) x 2 sizes x 2 replicas
        var conv = slowest.Where(r => (string)r!["arch"]! == "conv:3:1:odd").ToArray();
        Assert.All(conv, r => Assert.True((long)r!["parameters"]! <= (int)r["L"]! * (int)r["L"]!));
        Assert.All(nonlinear["training_summary"]!.AsArray(), s => Assert.Equal(2, (int)s!["steps"]!["replicas"]!));
        var one = nonlinear["fits"]!.AsArray().Single(f => (string)f!["arch"]! == "one-layer" && (string)f["optimizer"]! == "adam")!;
        double? exponent = (double?)one["power_exponent"], error = (double?)one["power_exponent_err"];
        bool measured = (bool)one["measured"]! && !(bool)one["has_bounds"]!;
        Assert.Equal(measured ? exponent - 2 * (error ?? 0) >= 1 : null, run.Verdict("NL-C1"));
    }
}
