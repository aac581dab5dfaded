using System.CommandLine;
using CritDiff.Diffusion;
using CritDiff.Generation;

namespace CritDiff.Cli;

/// <summary>The options of <c>critdiff generate</c> (both paths) and the parsing they share.</summary>
internal sealed class GenerateOptions
{
    public GenerateOptions()
    {
        Model.Dimension.Required = false;
        Model.Length.Required = false;
    }

    public ModelOptions Model { get; } = new();
    public Option<string?> ModelDir { get; } = new("--model") { Description = "Trained model: the run folder of 'critdiff train --out' or its checkpoint/. Model options, if also given, must match its lattice." };
    public Option<bool> Exact { get; } = new("--exact-score") { Description = "Use the exact score -1/S(k,t) of the model given by --d, --L and one parameterisation (continuous in t, or on --slices)." };
    public Option<string?> Arch { get; } = new("--arch") { Description = "With --train-budget: the architecture to train (population GD, auto rate; default: one-layer)." };
    public Option<string?> Budget { get; } = new("--train-budget") { Description = "Comma-separated step budgets, e.g. 1,2,4,8,...: KL per site (nats) of the generated law after training every slice that many population-GD steps (claim C2). Needs the model options; no samples are drawn." };
    public Option<string> Schedule { get; } = new("--schedule") { Description = "With --exact-score / --train-budget (a --model has its own). " + NoiseOptions.ScheduleHelp, DefaultValueFactory = _ => "vp" };
    public NoiseOptions Noise { get; } = new();
    public Option<string?> Grid { get; } = new("--grid")
    {
        Description = "Spacing of the K + 1 reverse times t_0 = T > ... > t_K = t-min, in the noise-to-signal ratio sigma(t) = b/a (b for VE): " +
                      "uniform (in t), log (equal ratios sigma_{i+1}/sigma_i) or karras[:RHO] (Karras et al. 2022: sigma_i = (sigma_T^(1/rho) + " +
                      "(i/K)(sigma_min^(1/rho) - sigma_T^(1/rho)))^rho, rho = 7 by default). Default: uniform for vp, log for ve and ve-geometric (so that --t-max auto never puts the data scale inside one step). " +
                      "generate warns (stderr and the JSON warnings) when a step starts with noise variance b^2 above the data's largest " +
                      "per-mode variance chi and ends below chi/2 (the data scale inside one step; for vp b^2 < 1, so only where chi < 1).",
    };
    public Option<int?> Slices { get; } = new("--slices") { Description = "Exact score sampled on N log-spaced slices in [t-min, t-max] (default: continuous); with --train-budget the slices trained (default 16)." };

    public Option<string> Sampler { get; } = new("--sampler")
    {
        Description = Samplers.Describe(s => s.Corrector is null) + "; for a model trained with --mode samples also " +
                      Samplers.Describe(s => s.Corrector is not null) + ". There sde-exp treats only -f y exactly (the score is held " +
                      "over the step) and ode-heun integrates the divergence for each sample's log-density when asked (--log-density, --reweight). " +
                      "A run's JSON names its sampler this way.",
        DefaultValueFactory = _ => Samplers.ExponentialIntegrator.Name,
    };

    public Option<string?> Reference { get; } = new("--data")
    {
        Description = "With a model trained on samples: an ensemble .npy (e.g. the training data) whose observables and magnetisation " +
                      "histogram the samples are compared with (default: the training ensemble's Monte Carlo values stored with the model; G(r) needs --data or a Gaussian target). " +
                      "Observables off the reference by more than 5 combined standard errors are warned about.",
    };

    public Option<int> Steps { get; } = new("--steps") { Description = "Reverse steps K in 1..1000000 from t-max down to t-min, spaced by --grid.", DefaultValueFactory = _ => 100 };
    public Option<double?> TMin { get; } = new("--t-min") { Description = "Where the reverse process stops (default: the model's first slice, or 1e-3)." };
    public Option<string?> TMax { get; } = new("--t-max") { Description = "Where it starts, a number or auto (a(T)^2 chi = 1e-3 b(T)^2; 1 for ve-geometric, where sigma = sigma_max); default: the model's last slice, or auto." };
    public Option<bool> Interp { get; } = new("--interp") { Description = "Interpolate the score linearly in t between slices (default: nearest slice)." };
    public Option<int> Count { get; } = new("--n") { Description = "Number of generated samples N (0: exact law only; 24 N V bytes must fit in 8 GiB).", DefaultValueFactory = _ => 256 };
    public Option<string?> File { get; } = new("--out") { Description = "Write the samples to this .npy file, shape [N, L, ..., L]; with a model trained on samples also G(r) against the reference to FILE-stem.two_point.csv." };
    public Option<bool> Reweight { get; } = new("--reweight") { Description = "Exact importance weights p_target/p_generated: ESS/N, reweighted observables, independence Metropolis (needs N >= 4). " +
        "Warns (stderr and the JSON warnings) when ESS/N < 0.01 or ESS = N x ESS/N < 30: the corrected values are then unreliable. " +
        "With a model trained on samples: --sampler ode-heun computes log q by --log-density, by default discrete (the exact density of the Heun map, unbiased for any --steps) " +
        $"where n V <= {DiscreteMapDensity.MaxWidth} and the network has Jacobian-vector products, else exact (the trapezoid rule, biased at coarse steps; then the run is repeated with 2K steps " +
        $"from the same noise and the sd of the log-weight change is reported, JSON log_density.step_check, and warned about above {StepRefinement.WarningSpread} nats: about 2x more cost); --sampler sde-em or sde-exp uses path-space weights (forward Gaussian kernels over the sampler's Gaussian steps, O(n V) per step, " +
        "no Jacobian), unbiased for any number of --steps (more steps only raise ESS/N); refused with pc." };
    public Option<string?> LogDensity { get; } = new("--log-density")
    {
        Description = "Each sample's log-density log q along the probability-flow ODE (--sampler ode-heun, a model trained with --mode samples): " +
                      "exact (the exact trace of ds/dx: closed form or Jacobian diagonal where the network has one, else forward mode over a colouring " +
                      "of the sites, n V / (sites per colour) Jacobian-vector products per trace) or hutchinson[:P] (P Rademacher probes, default " +
                      $"{HutchinsonTrace.DefaultProbes}, P in 2..{HutchinsonTrace.MaxProbes}: P Jacobian-vector products per trace, each about two forward passes; " +
                      "log q with its standard error per sample; importance weights from it are biased, E exp(-noise) != 1). Two traces per step; both are the trapezoid rule, " +
                      "O(h^2) off the density of the discrete map. discrete: the exact density of the discrete Heun map, log|det| of each step's n V x n V Jacobian " +
                      "(2 n V Jacobian-vector products per step and an LU, (n V)^3/3; conv:4:1 on one core: 10x the sampling cost at n V = 16, 40x at 64, 150x (0.23 s a sample at K = 16) at 256; refused above n V = " +
                      $"{DiscreteMapDensity.HardMaxWidth}). Default: none, no trace is evaluated (--reweight alone uses discrete up to n V = {DiscreteMapDensity.MaxWidth}, else exact).",
    };

    public Option<string> Weights { get; } = new("--network-weights")
    {
        Description = "Which weights of a time-conditioned model sample: ema (the moving average of train --ema, as score_sde samples) or raw " +
                      "(the last step's). A per-slice model has only one set. [default: ema]",
        DefaultValueFactory = _ => "ema",
    };

    public Option<bool> Denoise { get; } = new("--denoise")
    {
        Description = "Final denoising step (Tweedie): x0 = (y + b^2 s(y, t-min)) / a(t-min), the posterior mean E[x0 | y], one more score evaluation " +
                      "per sample; a model trained with --mode samples only. log q is not carried through it: refused with --reweight / --log-density.",
    };

    public Option<string?> WeightsFile { get; } = new("--weights-file")
    {
        Description = "Write each sample's log q and log w = -S - log q (nats) to this file: CSV with columns index,log_q,log_q_error,log_w " +
                      "(log_q_error with hutchinson, log_w with importance weights; else empty), or .npy [N, 3] (log_q, log_q_error, log_w; NaN for empty). " +
                      "Needs --log-density or --reweight (with sde-em / sde-exp log_q is the path's effective log q, log pi + sum log r - sum log p).",
    };

    public Option<bool> Json { get; } = CommonOptions.Json();
    public Option<ulong> Seed { get; } = CommonOptions.Seed();
    public Option<int> Threads { get; } = CommonOptions.Threads();

    public void AddTo(Command command)
    {
        Model.AddTo(command);
        foreach (var option in new Option[] { ModelDir, Exact, Arch, Budget, Schedule, Noise.SigmaMin, Noise.SigmaMax, Slices, Sampler, Steps, Grid, TMin, TMax, Interp, Count, File, Reweight, LogDensity, Weights, Denoise, WeightsFile, Reference, Json, Seed, Threads })
            command.Options.Add(option);
    }

    /// <summary>The --sampler of the registry; an unknown name is refused listing every sampler.</summary>
    public static Sampler ParseSampler(string name) => Samplers.Find(name) ?? throw new UsageException(
        $"--sampler must be one of {string.Join(", ", Samplers.Names)} ({Names(s => s.Corrector is not null, ", ")} only for a model trained with --mode samples; got '{name}')");

    /// <summary>Names of the samplers <paramref name="include"/> accepts, joined by ", " and <paramref name="last"/>.</summary>
    public static string Names(Func<Sampler, bool> include, string last)
    {
        var names = Samplers.All.Where(include).Select(s => s.Name).ToArray();
        return names.Length < 2 ? string.Concat(names) : string.Join(", ", names[..^1]) + last + names[^1];
    }

    /// <summary>--t-max: null for the default, auto for a(T)^2 chi = 1e-3 b(T)^2 (<paramref name="chi"/> asked only then), or a number.</summary>
    public static double? FinalTime(string? text, ForwardProcess process, Func<double> chi) =>
        text is null ? null
        : text == "auto" ? process.AutoFinalTime(chi(), 1e-3)
        : NumericOptions.TryReal(text, out double x) && x > 0 ? x
        : throw new UsageException($"--t-max must be auto or a number > 0 (got {text})");

    public static void CheckTimes(double low, double high)
    {
        if (!(low > 0 && double.IsFinite(low))) throw new UsageException($"--t-min must be > 0 (got {low})");
        if (!(high > low)) throw new UsageException($"--t-max ({high:G4}) must be larger than --t-min ({low:G4})");
    }

    /// <summary>The settings on the --grid spacing (default: the process's own); a grid that is not strictly decreasing exits 2.</summary>
    public GenerationSettings Settings(ParseResult result, Sampler sampler, int steps, double finalTime, double minTime, ForwardProcess process)
    {
        var grid = result.GetValue(Grid) is { } text ? Parse("--grid", text, ReverseGrid.Parse) : null;
        return Checked("--grid", () => new GenerationSettings(sampler, steps, finalTime, minTime, process, grid));
    }

    public static T Parse<T>(string option, string text, Func<string, T> parse) => Checked(option, () => parse(text));

    /// <summary>Runs <paramref name="check"/>; an argument error becomes a usage error naming <paramref name="option"/>.</summary>
    public static void Checked(string option, Action check) => Checked(option, () => { check(); return 0; });

    /// <summary>The value of <paramref name="build"/>; an argument error becomes a usage error naming <paramref name="option"/>.</summary>
    public static T Checked<T>(string option, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new UsageException($"{option}: {e.Message.Split(" (Parameter")[0]}");
        }
    }
}
