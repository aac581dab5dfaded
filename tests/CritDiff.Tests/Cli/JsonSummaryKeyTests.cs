using System.Text.Json.Nodes;

namespace CritDiff.Tests.Cli;

/// <summary>
/// Issue 21: the JSON summaries of mcmc, mcmc-scaling, ensemble, sample, critical, model, scaling and merge are built in the
/// library now (TargetSummary, MonteCarloSummary, ScalingFolder.SummaryJson), not in the CLI. Every key, in its order and
/// nesting, is the one the CLI printed before the move: the expected lists are the keys of each command's --json output
/// recorded with the old code (an array of objects lists its first element's keys under NAME[]), plus the chain comparison
/// keys issue 23 added to mcmc and ensemble (<see cref="ChainKeys"/>).
/// </summary>
public sealed class JsonSummaryKeyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-json-keys-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The chain comparison that issue 23 added to mcmc and ensemble (ChainAgreement.ToJson).</summary>
    private const string ChainKeys =
        "chains_agree chain_agreement chain_agreement.agree chain_agreement.source chain_agreement.chains chain_agreement.length " +
        "chain_agreement.r_hat_kind chain_agreement.r_hat_threshold chain_agreement.family_alpha chain_agreement.tests " +
        "chain_agreement.z_threshold chain_agreement.observables chain_agreement.observables[].name chain_agreement.observables[].strict " +
        "chain_agreement.observables[].mean chain_agreement.observables[].error chain_agreement.observables[].tau_int " +
        "chain_agreement.observables[].r_hat chain_agreement.observables[].max_z chain_agreement.observables[].worst_pair " +
        "chain_agreement.observables[].agree";

    public static TheoryData<string, string> Commands => new()
    {
        {
            "mcmc --d 2 --L 4 --xi 1 --sweeps 200 --thermalize 20 --chains 2",
            "algo valid warnings sweeps thermalize chains seed step_size chain_step_sizes chain_leapfrog_steps acceptance tau_M2 " +
            "tau_M2_err tau_energy tau_energy_err " + ChainKeys + " observables observables.chi observables.chi_err observables.energy " +
            "observables.energy_err exact exact.chi exact.energy stationary stationary.chi stationary.energy model model.d model.L " +
            "model.V model.beta model.mu2 model.xi model.xi2 model.chi model.energy model.G0 model.beta_c model.parameterisation " +
            "model.free_field ess_per_second wall_seconds"
        },
        {
            "mcmc --model on --n 2 --d 2 --L 4 --beta 0.3 --sweeps 200 --thermalize 20 --chains 2 --spectrum-out {W}/spec.npy",
            "algo model model.kind model.n model.d model.L model.V model.beta model.beta_unit model.parameterisation " +
            "model.beta_unit_c model.beta_c model.critical_point_source model.beta_c_n_inf sweeps thermalize chains seed step_size " +
            "acceptance tau_M2 tau_M2_err tau_energy tau_energy_err block_sweeps blocks observables observables.abs_M " +
            "observables.abs_M_err observables.M2 observables.M2_err observables.chi observables.chi_err observables.binder " +
            "observables.binder_err observables.xi2 observables.xi2_err observables.energy observables.energy_err observables.G_k1 " +
            "observables.G_k1_err reference reference.kind reference.chi reference.energy reference.xi2 histogram histogram.of " +
            "histogram.lower histogram.upper histogram.bins histogram.counts histogram.underflow histogram.overflow site_updates " +
            "site_updates_per_second ess_per_second valid warnings " + ChainKeys + " wall_seconds spectrum_out"
        },
        {
            "mcmc --model phi4 --d 2 --L 4 --kappa 0.2 --lambda 0 --sweeps 200 --thermalize 20 --chains 2",
            "algo model model.kind model.n model.d model.L model.V model.kappa model.lambda sweeps thermalize chains seed step_size " +
            "acceptance tau_M2 tau_M2_err tau_energy tau_energy_err block_sweeps blocks observables observables.abs_M " +
            "observables.abs_M_err observables.M2 observables.M2_err observables.chi observables.chi_err observables.binder " +
            "observables.binder_err observables.xi2 observables.xi2_err observables.energy observables.energy_err observables.G_k1 " +
            "observables.G_k1_err reference reference.kind reference.chi reference.energy reference.xi2 histogram histogram.of " +
            "histogram.lower histogram.upper histogram.bins histogram.counts histogram.underflow histogram.overflow site_updates " +
            "site_updates_per_second ess_per_second valid warnings " + ChainKeys + " wall_seconds spectrum_out"
        },
        {
            "mcmc --model phi4 --d 2 --L 4 --kappa 0.2 --lambda 1 --sweeps 200 --thermalize 20 --chains 2",
            "algo model model.kind model.n model.d model.L model.V model.kappa model.lambda sweeps thermalize chains seed step_size " +
            "acceptance tau_M2 tau_M2_err tau_energy tau_energy_err block_sweeps blocks observables observables.abs_M " +
            "observables.abs_M_err observables.M2 observables.M2_err observables.chi observables.chi_err observables.binder " +
            "observables.binder_err observables.xi2 observables.xi2_err observables.energy observables.energy_err observables.G_k1 " +
            "observables.G_k1_err reference histogram histogram.of histogram.lower histogram.upper histogram.bins histogram.counts " +
            "histogram.underflow histogram.overflow site_updates site_updates_per_second ess_per_second valid warnings " + ChainKeys +
            " wall_seconds spectrum_out"
        },
        {
            "mcmc-scaling --d 2 --L 4,6 --xi-over-L 0.25 --sweeps 200 --thermalize 20 --chains 2",
            "d L sweeps thermalize chains seed fits fits[].algo fits[].z fits[].z_err fits[].valid rows rows[].algo rows[].L " +
            "rows[].mu2 rows[].tau_M2 rows[].tau_M2_err rows[].tau_energy rows[].tau_energy_err rows[].acceptance rows[].step_size " +
            "rows[].valid rows[].wall_seconds"
        },
        {
            "mcmc-scaling --model on --d 2 --L 4,6 --beta 0.3 --sweeps 200 --thermalize 20 --chains 2",
            "d L sweeps thermalize chains seed fits fits[].algo fits[].z fits[].z_err fits[].valid model model.kind model.n model.d " +
            "model.L model.V model.beta model.beta_unit model.parameterisation model.beta_unit_c model.beta_c " +
            "model.critical_point_source model.beta_c_n_inf rows rows[].algo rows[].L rows[].tau_M2 rows[].tau_M2_err " +
            "rows[].tau_energy rows[].tau_energy_err rows[].chi rows[].chi_err rows[].binder rows[].binder_err rows[].acceptance " +
            "rows[].site_updates_per_second rows[].valid rows[].wall_seconds"
        },
        {
            "ensemble --model phi4 --d 2 --L 4 --kappa 0.26 --lambda 1 --n-configs 8 --thermalize 20 --pilot-sweeps 32 --chains 2 --out {W}/e.npy",
            "out side_car shape model model.kind model.n model.d model.L model.V model.kappa model.lambda algo seed chains spacing " +
            "tau_M2 tau_M2_err tau_energy tau_energy_err tau_M2_at_spacing observables observables.abs_M observables.abs_M_err " +
            "observables.chi observables.chi_err observables.binder observables.binder_err observables.xi2 observables.xi2_err " +
            "observables.energy observables.energy_err acceptance site_updates warnings " + ChainKeys + " wall_seconds"
        },
        {
            "ensemble --d 2 --L 4 --xi 1 --n-configs 8 --thermalize 20 --pilot-sweeps 32 --chains 2 --out {W}/g.npy",
            "out side_car shape model model.d model.L model.V model.beta model.mu2 model.xi model.xi2 model.chi model.energy model.G0 " +
            "model.beta_c model.parameterisation model.free_field model.kind algo seed chains spacing tau_M2 tau_M2_err tau_energy " +
            "tau_energy_err tau_M2_at_spacing observables observables.abs_M observables.abs_M_err observables.chi observables.chi_err " +
            "observables.binder observables.binder_err observables.xi2 observables.xi2_err observables.energy observables.energy_err " +
            "acceptance site_updates warnings " + ChainKeys + " wall_seconds"
        },
        {
            "sample --d 2 --L 4 --xi 1 --n 4 --out {W}/s.npy",
            "n out seed model model.d model.L model.V model.beta model.mu2 model.xi model.xi2 model.chi model.energy model.G0 " +
            "model.beta_c model.parameterisation model.free_field measured measured.chi measured.chi_err measured.xi2 " +
            "measured.xi2_err measured.energy measured.energy_err measured.G0 measured.G0_err exact exact.chi exact.xi2 exact.energy " +
            "exact.G0 wall_seconds"
        },
        {
            "sample --d 2 --L 4 --xi 1 --n 1 --out {W}/s1.npy",
            "n out seed model model.d model.L model.V model.beta model.mu2 model.xi model.xi2 model.chi model.energy model.G0 " +
            "model.beta_c model.parameterisation model.free_field measured measured.chi measured.chi_err measured.xi2 " +
            "measured.xi2_err measured.energy measured.energy_err measured.G0 measured.G0_err exact exact.chi exact.xi2 exact.energy " +
            "exact.G0 wall_seconds"
        },
        {
            "critical --model on --d 2 --L 4,6 --lower 0.4 --upper 0.5 --points 3 --sweeps 400 --thermalize 8 --chains 1 --out {W}/crit",
            "coupling_name complete coupling coupling.value coupling.error binder binder.value binder.error chi2_per_dof fit_quality stages stages[].stage " +
            "stages[].lower stages[].upper stages[].couplings stages[].crossings stages[].crossings[].L1 stages[].crossings[].L2 " +
            "stages[].crossings[].coupling stages[].crossings[].coupling.value stages[].crossings[].coupling.error " +
            "stages[].crossings[].binder stages[].crossings[].binder.value stages[].crossings[].binder.error " +
            "stages[].crossings[].points stages[].crossings[].failed_resamples stages[].crossings[].warning " +
            "stages[].crossings[].chi2_per_dof stages[].crossings[].dof stages[].crossings[].fit_quality stages[].crossings[].fit_lower " +
            "stages[].crossings[].fit_upper stages[].coupling " +
            "stages[].coupling.value stages[].coupling.error stages[].binder stages[].binder.value stages[].binder.error " +
            "stages[].chi2_per_dof stages[].fit_quality stages[].pairs_chi2_per_dof jobs site_updates job_seconds warnings out reused_jobs literature"
        },
        {
            "model --d 3 --L 8 --critical",
            "d L V beta mu2 xi xi2 chi energy G0 beta_c parameterisation free_field kind"
        },
        {
            "model --model on --n 3 --d 3 --L 8 --beta 0.2",
            "kind n d L V beta beta_unit parameterisation beta_unit_c beta_c critical_point_source beta_c_n_inf"
        },
        {
            "model --model on --n 1 --d 2 --L 8 --beta 0.2",
            "kind n d L V beta beta_unit parameterisation beta_unit_c beta_c critical_point_source beta_c_n_inf"
        },
        {
            "model --model phi4 --d 2 --L 8 --kappa 0.2 --lambda 1",
            "kind n d L V kappa lambda"
        },
        {
            "scaling --d 2 --L 4,8 --xi-over-L 0.25 --arch one-layer --out {W}/sweep --seeds 1",
            "experiment d family mode start budget jobs_total jobs_done rows rows[].arch rows[].L rows[].params rows[].steps " +
            "rows[].steps_err rows[].predicted_steps rows[].converged rows[].diverged rows[].seeds rows[].optimum_gap_to_exact " +
            "rows[].kl_at_budget rows[].kl_exact_score rows[].wall_seconds fits fits[].arch fits[].points fits[].power_exponent " +
            "fits[].power_exponent_err fits[].power_prefactor fits[].log_slope fits[].log_slope_err fits[].log_intercept " +
            "fits[].preferred fits[].aic_power_minus_log fits[].predicted_power_exponent out"
        },
        {
            "merge {W}/sweep --out {W}/merged",
            "experiment d family mode start budget jobs_total jobs_done rows rows[].arch rows[].L rows[].params rows[].steps " +
            "rows[].steps_err rows[].predicted_steps rows[].converged rows[].diverged rows[].seeds rows[].optimum_gap_to_exact " +
            "rows[].kl_at_budget rows[].kl_exact_score rows[].wall_seconds fits fits[].arch fits[].points fits[].power_exponent " +
            "fits[].power_exponent_err fits[].power_prefactor fits[].log_slope fits[].log_slope_err fits[].log_intercept " +
            "fits[].preferred fits[].aic_power_minus_log fits[].predicted_power_exponent out"
        },
    };

    [Theory, MemberData(nameof(Commands))]
    public void JsonKeysAreThoseTheOldCodePrinted(string args, string keys)
    {
        string folder = Path.Combine(_folder, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        // merge reads the sweep folder that scaling writes.
        if (args.StartsWith("merge", StringComparison.Ordinal))
            Assert.Equal(0, Cli.Run(Split("scaling --d 2 --L 4,8 --xi-over-L 0.25 --arch one-layer --out {W}/sweep --seeds 1", folder)).Code);
        var (code, output, error) = Cli.Run([.. Split(args, folder), "--json"]);
        Assert.True(code == 0, error);
        Assert.Equal(keys.Split(' '), Paths(JsonNode.Parse(output)!, "").ToArray());
    }

    [Fact]
    public void CriticalDefaultsToTheWindowAroundTheLiteratureCoupling()
    {
        // Without --lower/--upper the window is [0.95, 1.05] x the literature beta_unit (2D Ising: Onsager's ln(1 + sqrt 2) / 2).
        var (code, output, error) = Cli.Run(Split("critical --model on --d 2 --L 4,6 --points 3 --sweeps 16 --thermalize 0 --chains 1 --out {W}/c --json", _folder));
        Assert.True(code is 0 or 3, error); // 16 sweeps may find no crossing (exit 3); the window is what is checked
        double onsager = Math.Log(1 + Math.Sqrt(2)) / 2;
        Assert.Equal(onsager, (double)JsonNode.Parse(output)!["literature"]!, Tolerances.ClosedForm);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "c", "config.json")))!;
        Assert.Equal(0.95 * onsager, (double)config["lower"]!, Tolerances.ClosedForm);
        Assert.Equal(1.05 * onsager, (double)config["upper"]!, Tolerances.ClosedForm);
    }

    private static string[] Split(string args, string folder) => args.Replace("{W}", folder, StringComparison.Ordinal).Split(' ');

    /// <summary>Every key path in document order: "a", "a.b", and "rows[].x" for the first object of an array.</summary>
    private static IEnumerable<string> Paths(JsonNode node, string prefix)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                string path = prefix.Length == 0 ? key : prefix + "." + key;
                yield return path;
                if (value is not null)
                    foreach (string inner in Paths(value, path)) yield return inner;
            }
        }
        else if (node is JsonArray { Count: > 0 } array && array[0] is JsonObject first)
        {
            foreach (string inner in Paths(first, prefix + "[]")) yield return inner;
        }
    }
}
