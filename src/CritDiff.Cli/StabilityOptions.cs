using System.CommandLine;
using System.Globalization;
using CritDiff.Experiments;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Cli;

/// <summary>The options of <c>critdiff stability</c>, and their parsing into a validated <see cref="StabilitySpec"/>.</summary>
internal sealed class StabilityOptions
{
    private readonly ModelOptions _model = new();

    private readonly Option<int> _dimension = new("--d") { Description = "Spatial dimension d, 1..4.", DefaultValueFactory = _ => 2 };
    private readonly Option<string> _sizes = new("--L")
    {
        Description = "Comma-separated distinct lattice sizes L >= 2 in sites per axis.",
        DefaultValueFactory = _ => "8,16,32,64,128",
    };
    private readonly Option<string> _arch = new("--arch")
    {
        Description = $"Score network: {NetworkCatalog.Syntax}. Networks without the moment objective (conv) need --mode samples.",
        DefaultValueFactory = _ => NetworkCatalog.TwoLayer.Name,
    };
    private readonly Option<int> _batch = new("--batch") { Description = "Minibatch size B in 1..1000000, samples per SGD/Adam step in empirical mode.", DefaultValueFactory = _ => 64 };
    private readonly Option<double> _time = new("--t") { Description = "Diffusion time t > 0 of the slice, in the forward process's time units (t = 0 is data).", DefaultValueFactory = _ => 0.1 };
    private readonly Option<string?> _mode = new("--mode")
    {
        Description = "population (exact gradient), empirical (minibatches of fresh exact samples) or samples (denoising score matching on exact " +
                      "samples, any network: a probe is unstable when its validation loss exceeds its initial value); default empirical, or population with --optimizer gd.",
    };
    private readonly Option<string?> _optimizer = new("--optimizer") { Description = "gd (population), sgd (empirical) or adam; default sgd for empirical, gd for population." };
    private readonly Option<string> _basis = new("--basis") { Description = "Parameters of full layers: kernel (real space) or fourier (multipliers).", DefaultValueFactory = _ => "kernel" };
    private readonly Option<string> _start = CommonOptions.Start();
    private readonly Option<int> _seeds = new("--seeds") { Description = "Seeds (1..10000) the stable rate is judged over (one is used where training is deterministic).", DefaultValueFactory = _ => 3 };
    private readonly Option<int> _budget = new("--budget") { Description = "Optimizer steps >= 1 a probe must survive to count as stable.", DefaultValueFactory = _ => 200 };
    private readonly Option<double> _tolerance = new("--tolerance") { Description = "Bisection stops when unstable/stable - 1 <= X, X in [1e-6, 1] (relative; smaller cannot be resolved in doubles).", DefaultValueFactory = _ => 0.01 };
    private readonly Option<double> _fraction = new("--fraction") { Description = "Training time measured at F x safe_lr, F in (0, 1] (default 0.1: at 0.5 minibatch noise stalls two-layer SGD at L = 8 and Adam does not settle).", DefaultValueFactory = _ => 0.1 };
    private readonly Option<double> _eps = new("--eps") { Description = "Stopping rule: excess loss <= eps x initial, eps in (0, 1).", DefaultValueFactory = _ => 1e-2 };
    private readonly Option<int> _maxSteps = new("--max-steps") { Description = "Step cap >= 1 of each training-time run, in optimizer steps.", DefaultValueFactory = _ => 100_000 };
    private readonly Option<string> _schedule = new("--schedule") { Description = "Forward process: vp (a = e^-t, b^2 = 1 - e^-2t) or ve (a = 1, b^2 = t).", DefaultValueFactory = _ => "vp" };

    public Option<string?> File { get; } = new("--out")
    {
        HelpName = "FILE.json",
        Description = "Also write the JSON object to FILE.json and the rows to FILE.csv next to it, and keep the scan in FILE.jobs/ so that a rerun of the same settings reuses it: the finished scan, or the rate searches and training runs an interrupted one finished (default: no files).",
    };

    public Option<bool> Json { get; } = CommonOptions.Json();

    public Option<ulong> Seed { get; } = CommonOptions.Seed();

    public Option<int> Threads { get; } = CommonOptions.Threads();

    public void AddTo(Command command)
    {
        _model.XiOverL.Description += $" Default {StabilityCommand.DefaultXiOverL.ToString(CultureInfo.InvariantCulture)} when no family option is given.";
        command.Options.Add(_dimension);
        command.Options.Add(_sizes);
        _model.AddTo(command, withLattice: false);
        foreach (var option in new Option[] { _arch, _batch, _time, _mode, _optimizer, _basis, _start, _seeds, _budget, _tolerance, _fraction,
                     _eps, _maxSteps, _schedule, File, Json, Seed, Threads })
            command.Options.Add(option);
    }

    /// <summary>The spec the options describe; every bad value is a <see cref="UsageException"/> naming its option.</summary>
    public StabilitySpec Spec(ParseResult result)
    {
        int d = result.GetValue(_dimension);
        var family = Family(result, d);
        var sizes = ModelOptions.ParseSizes(result.GetValue(_sizes)!, d);
        var (mode, optimizer, samples) = ModeAndOptimizer(result.GetValue(_mode), result.GetValue(_optimizer));
        CommonOptions.RefuseUnless(result, mode == TrainingMode.Empirical || samples,
            $"applies only with --mode empirical (got population with --optimizer {optimizer}: the exact gradient, no minibatches); drop it or add --mode empirical", _batch);
        var basis = result.GetValue(_basis) switch
        {
            "kernel" => ParameterBasis.Kernel,
            "fourier" => ParameterBasis.Fourier,
            var other => throw new UsageException($"--basis must be kernel or fourier (got {other})"),
        };
        var spec = new StabilitySpec
        {
            Family = family,
            Dimension = d,
            Sizes = sizes,
            Architecture = ParseNetwork(result.GetValue(_arch)!),
            Samples = samples,
            Schedule = result.GetValue(_schedule)!.Trim().ToLowerInvariant(),
            Time = Positive("--t", result.GetValue(_time)),
            Mode = mode,
            Optimizer = optimizer,
            Basis = basis,
            Start = CommonOptions.ParseStart(result.GetValue(_start)!).ToString(),
            BatchSize = Limits.Count("--batch", result.GetValue(_batch), 1, Limits.MaxBatch),
            Search = new StabilitySettings
            {
                Budget = Limits.Count("--budget", result.GetValue(_budget), 1, Limits.MaxSteps),
                Tolerance = InRange("--tolerance", result.GetValue(_tolerance), "[1e-6, 1]", x => x >= Limits.MinTolerance && x <= 1),
                Seeds = Limits.Count("--seeds", result.GetValue(_seeds), 1, Limits.MaxSeeds),
            },
            Fraction = InRange("--fraction", result.GetValue(_fraction), "(0, 1]", x => x > 0 && x <= 1),
            Eps = InRange("--eps", result.GetValue(_eps), "(0, 1)", x => x > 0 && x < 1),
            MaxSteps = Limits.Count("--max-steps", result.GetValue(_maxSteps), 1, Limits.MaxSteps),
            Seed = result.GetValue(Seed),
        };
        Check(spec, samples ? "samples" : mode.ToString().ToLowerInvariant());
        ModelOptions.CheckMasses(family, d, sizes);
        return spec;
    }

    /// <summary>The family options as given, or xi/L = 0.25 (with --gff if given) when none of them is.</summary>
    private ModelFamily Family(ParseResult result, int d)
    {
        bool given = result.GetValue(_model.Beta) is not null || result.GetValue(_model.Mass2) is not null ||
                     result.GetValue(_model.Xi) is not null || result.GetValue(_model.XiOverL) is not null || result.GetValue(_model.Critical);
        if (given) return _model.Family(result, d);
        ModelOptions.CheckDimension(d);
        return new ModelFamily("xi/L", StabilityCommand.DefaultXiOverL, result.GetValue(_model.FreeField));
    }

    /// <summary>Mode and optimizer, each defaulting from the other: gd means population, otherwise empirical with sgd; samples defaults to adam.</summary>
    private static (TrainingMode Mode, string Optimizer, bool Samples) ModeAndOptimizer(string? modeText, string? optimizerText)
    {
        string? optimizer = optimizerText?.Trim().ToLowerInvariant();
        if (optimizer is not null and not ("gd" or "sgd" or "adam"))
            throw new UsageException($"--optimizer must be gd, sgd or adam (got {optimizerText})");
        string? modeName = modeText?.Trim().ToLowerInvariant();
        if (modeName == "samples") return (TrainingMode.Empirical, optimizer ?? "adam", true);
        var mode = modeName switch
        {
            null => optimizer == "gd" ? TrainingMode.Population : TrainingMode.Empirical,
            "population" => TrainingMode.Population,
            "empirical" => TrainingMode.Empirical,
            _ => throw new UsageException($"--mode must be population, empirical or samples (got {modeText})"),
        };
        optimizer ??= mode == TrainingMode.Population ? "gd" : "sgd";
        if (optimizer == "gd" && mode == TrainingMode.Empirical)
            throw new UsageException("--optimizer gd uses the exact population gradient: use --mode population, or sgd/adam with --mode empirical");
        if (optimizer == "sgd" && mode == TrainingMode.Population)
            throw new UsageException("--optimizer sgd needs minibatches: use --mode empirical, or gd/adam with --mode population");
        return (mode, optimizer, false);
    }

    private static ScoreModelSpec ParseNetwork(string text)
    {
        try
        {
            return NetworkCatalog.Parse(text.Trim());
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new UsageException($"--arch: {FirstLine(e.Message)}");
        }
    }

    /// <summary>Checks the network, start and basis on every lattice, then the library's own validation, as usage errors.</summary>
    private static void Check(StabilitySpec spec, string mode)
    {
        var network = spec.Architecture;
        var start = NetworkStart.Parse(spec.Start); // already checked by CommonOptions.ParseStart
        if (spec.Schedule is not ("vp" or "ve")) throw new UsageException($"--schedule must be vp or ve (got {spec.Schedule})");
        if (!spec.Samples && !network.HasMomentObjective)
            throw new UsageException($"--mode {mode}: {StudyTraining.NeedsSamples(network).Replace("(mode samples)", "(--mode samples)", StringComparison.Ordinal)}");
        var architecture = network.MomentArchitecture;
        if (spec.Basis == ParameterBasis.Fourier && (architecture is null || architecture.IsDense || !architecture.IsFullRange))
            throw new UsageException($"--basis fourier applies to full convolution layers only (--arch {network.Name} has other layers): use --basis kernel");
        if (spec.Basis == ParameterBasis.Fourier && start.IsRandom)
            throw new UsageException("--start random:S needs --basis kernel (Fourier parameters would give complex kernels)");
        if (spec.Samples && start != NetworkStart.Balanced)
            throw new UsageException($"--start {spec.Start} applies to moment training: on samples (--mode samples) every network starts from its own initialization; drop --start");
        foreach (int l in spec.Sizes)
        {
            try
            {
                network.Validate(new Lattice(spec.Dimension, l));
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--arch {network.Name} at L = {l}: {FirstLine(e.Message)}");
            }
        }
        // Before any field or network is built: the largest size decides (one slice per probe).
        var largest = new Lattice(spec.Dimension, spec.Sizes.Max());
        if (architecture is not null && !spec.Samples) Limits.Training("--L", architecture, largest, 1, 1, Math.Max(spec.MaxSteps, spec.Search.Budget));
        if (spec.Samples)
            Limits.Memory("--batch", network.TrainingBytes(largest, 1, spec.BatchSize + spec.SampleConfig(1, 0).ValidationSize),
                $"training {network.Name} on {largest} (a minibatch of {spec.BatchSize} and the validation set, with activations)");
        else if (spec.Mode == TrainingMode.Empirical)
            Limits.Memory("--batch", 24.0 * spec.BatchSize * largest.SiteCount, $"a minibatch of {spec.BatchSize} x V = {largest.SiteCount} (data, noise, noised)");
        try
        {
            spec.Validate();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new UsageException(FirstLine(e.Message));
        }
    }

    private static string FirstLine(string message) => message.Split(" (Parameter")[0].Split('\n')[0].TrimEnd();


    private static double Positive(string option, double value) =>
        value > 0 && double.IsFinite(value) ? value : throw new UsageException($"{option} must be > 0 (got {Output.Format(value)})");

    private static double InRange(string option, double value, string range, Func<double, bool> accepts) =>
        double.IsFinite(value) && accepts(value) ? value : throw new UsageException($"{option} must be in {range} (got {Output.Format(value)})");
}
