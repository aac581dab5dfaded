using System.CommandLine;
using System.Globalization;
using CritDiff.Fields;
using CritDiff.MonteCarlo;

namespace CritDiff.Cli;

/// <summary>Run options shared by <c>mcmc</c> and <c>mcmc-scaling</c>: sweeps, thermalisation, chains, step, trajectory length.</summary>
internal sealed class McmcOptions
{
    public const string SweepHelp =
        "One sweep = V site-update attempts for heatbath and metropolis (checkerboard, even L), one global update of all " +
        "sites for langevin, mala and fa-langevin, one trajectory for hmc and fa-hmc.";

    public Option<int> Sweeps { get; } = new("--sweeps")
    {
        Description = "Measured sweeps per chain, 16..100000000 (M^2 and the energy are measured after every sweep). " + SweepHelp,
        DefaultValueFactory = _ => 10_000,
    };

    public Option<int> Thermalize { get; } = new("--thermalize")
    {
        Description = "Sweeps discarded before measuring, 0..100000000 (chains start at phi = 0; the step size is tuned during the first half).",
        DefaultValueFactory = _ => 1_000,
    };

    public Option<int> Chains { get; } = new("--chains")
    {
        Description = "Independent chains, 1..4096, run in parallel; chain c uses random stream (seed, c).",
        DefaultValueFactory = _ => 4,
    };

    public Option<double?> Step { get; } = new("--step")
    {
        Description = "Fixed step size > 0 (Metropolis half-width, Langevin epsilon, leapfrog step). Default: the kernel's own, " +
                      "tuned during thermalisation to acceptance 0.5 (metropolis), 0.574 (mala), 0.8 (hmc, fa-hmc); " +
                      "langevin: epsilon^2 = 0.2/(beta (4d + mu2)), fa-langevin: epsilon^2 = 0.1 (both unadjusted, hence biased).",
    };

    public Option<double> TrajectoryLength { get; } = new("--trajectory-length")
    {
        Description = "HMC trajectory length tau = n epsilon > 0 (fa-hmc: every mode turns by about tau radians per trajectory).",
        DefaultValueFactory = _ => 1.0,
    };

    public Option<int> OverRelaxation { get; } = new("--overrelax-sweeps")
    {
        Description = "--algo overrelax (O(n), n >= 2): microcanonical over-relaxation sweeps after each heat-bath sweep, >= 1.",
        DefaultValueFactory = _ => 3,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(OverRelaxation);
        command.Options.Add(Sweeps);
        command.Options.Add(Thermalize);
        command.Options.Add(Chains);
        command.Options.Add(Step);
        command.Options.Add(TrajectoryLength);
    }

    /// <summary>The settings, with each bad value reported by its option name and range.</summary>
    public McmcSettings Build(ParseResult result, ulong seed, int threads)
    {
        int sweeps = result.GetValue(Sweeps), thermalize = result.GetValue(Thermalize), chains = result.GetValue(Chains);
        Limits.Count("--sweeps", sweeps, 16, Limits.MaxSweeps);
        Limits.Count("--thermalize", thermalize, 0, Limits.MaxSweeps);
        Limits.Count("--chains", chains, 1, Limits.MaxChains);
        // Each chain keeps its measured series (M^2 and energy per sweep) besides its fields.
        Limits.Memory("--sweeps", 16.0 * chains * sweeps, $"{chains} chain(s) x {sweeps} measured sweeps");
        double? step = result.GetValue(Step);
        if (step is { } s && !(s > 0 && double.IsFinite(s)))
            throw new UsageException($"--step must be > 0 and finite (got {s.ToString(CultureInfo.InvariantCulture)})");
        double tau = result.GetValue(TrajectoryLength);
        if (!(tau > 0 && double.IsFinite(tau)))
            throw new UsageException($"--trajectory-length must be > 0 and finite (got {tau.ToString(CultureInfo.InvariantCulture)})");
        return new McmcSettings(sweeps, thermalize, chains, seed, threads, new KernelOptions(step, tau));
    }

    /// <summary>Settings for finite-n targets (<see cref="ModelMcmc"/>), checked like <see cref="Build"/>; the spectrum is measured every sweep.</summary>
    public ModelMcmcSettings BuildModel(ParseResult result, ulong seed, int threads)
    {
        var s = Build(result, seed, threads);
        return new ModelMcmcSettings(s.Sweeps, s.Thermalization, s.Chains, s.Seed, s.Threads, Kernel(result));
    }

    /// <summary>Kernel options (step, trajectory length, over-relaxation sweeps), checked.</summary>
    public KernelOptions Kernel(ParseResult result)
    {
        int over = result.GetValue(OverRelaxation);
        if (over < 1) throw new UsageException($"--overrelax-sweeps must be >= 1 (got {over})");
        return new KernelOptions(result.GetValue(Step), result.GetValue(TrajectoryLength), over);
    }

    /// <summary>Refuses the kernel options none of <paramref name="algorithms"/> uses on a --model <paramref name="kind"/> target (<see cref="RefuseUnused(ParseResult, IReadOnlyCollection{string}, string, Option, Option, Option?)"/>).</summary>
    public void RefuseUnused(ParseResult result, IReadOnlyCollection<string> algorithms, string kind) =>
        RefuseUnused(result, algorithms, kind, Step, TrajectoryLength, OverRelaxation);

    /// <summary>
    /// Refuses --step, --trajectory-length and --overrelax-sweeps when the user gave them but none of
    /// <paramref name="algorithms"/> uses them: the step size belongs to every kernel but heatbath, overrelax and the
    /// O(n) wolff (phi^4 wolff has its Metropolis sweep); the trajectory length to hmc and fa-hmc; the over-relaxation
    /// sweeps to overrelax.
    /// </summary>
    public static void RefuseUnused(ParseResult result, IReadOnlyCollection<string> algorithms, string kind, Option step, Option trajectory, Option? overRelaxation)
    {
        string got = $"(got --algo {string.Join(",", algorithms)}{(kind == "gaussian" ? "" : $" on --model {kind}")})";
        CommonOptions.RefuseUnless(result, algorithms.Any(a => UsesStep(a, kind)),
            $"applies only to kernels with a step size (all but heatbath, overrelax and the O(n) wolff) {got}; drop it or pick such an --algo", step);
        CommonOptions.RefuseUnless(result, algorithms.Any(a => a is "hmc" or "fa-hmc"),
            $"applies only with --algo hmc or fa-hmc {got}; drop it or add --algo hmc", trajectory);
        if (overRelaxation is not null)
            CommonOptions.RefuseUnless(result, algorithms.Contains("overrelax"),
                $"applies only with --algo overrelax {got}; drop it or add --algo overrelax", overRelaxation);
    }

    /// <summary>Whether the kernel <paramref name="algorithm"/> on a --model <paramref name="kind"/> target has a step size.</summary>
    private static bool UsesStep(string algorithm, string kind) => algorithm switch
    {
        "heatbath" or "overrelax" => false,
        "wolff" => kind == "phi4",
        _ => true,
    };

    /// <summary>Checks an algorithm name against the kernels of a finite-n target.</summary>
    public static string CheckModelAlgorithm(string algorithm, Fields.LatticeModel model, string option = "--algo")
    {
        var names = ModelKernels.NamesFor(model);
        if (!names.Contains(algorithm))
            throw new UsageException($"{option}: '{algorithm}' is not available for --model {model.Kind}{(model.Kind == "on" ? $" with n = {model.Components}" : "")} (accepted: {string.Join(", ", names)})");
        return algorithm;
    }

    /// <summary>Checks an algorithm name and that the lattice suits it.</summary>
    public static string CheckAlgorithm(string algorithm, GaussianField field, string option = "--algo")
    {
        if (!MarkovKernels.Names.Contains(algorithm))
            throw new UsageException($"{option}: unknown algorithm '{algorithm}' (accepted: {string.Join(", ", MarkovKernels.Names)})");
        if (algorithm is "heatbath" or "metropolis" && field.Lattice.Length % 2 != 0)
            throw new UsageException($"--L must be even for {algorithm}, which updates a checkerboard (got L = {field.Lattice.Length})");
        return algorithm;
    }
}
