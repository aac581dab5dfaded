using System.CommandLine;
using System.Globalization;
using CritDiff.Experiments;
using CritDiff.Networks;
using CritDiff.Reporting;
using CritDiff.Training;

namespace CritDiff.Cli;

/// <summary><c>critdiff scaling</c>: training time against L for several architectures, with fits (claims C1-C4).</summary>
internal static class ScalingCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var model = new ModelOptions();
        var dimension = new Option<int>("--d") { Description = "Spatial dimension d, 1..4.", Required = true };
        var sizes = new Option<string>("--L") { Description = "Comma-separated lattice sizes L >= 2, e.g. 8,16,32,64.", DefaultValueFactory = _ => "8,16,32,64" };
        var arch = new Option<string>("--arch")
        {
            Description = $"Comma-separated networks: {NetworkCatalog.Syntax} (a layer list's items belong to it). Networks without the moment " +
                          "objective (conv) need --mode samples.",
            DefaultValueFactory = _ => string.Join(",", new ScoreModelSpec[] { NetworkCatalog.OneLayer, NetworkCatalog.TwoLayer, NetworkCatalog.TwoLayerLocal(1) }.Select(a => a.Name)),
        };
        var name = new Option<string>("--name") { Description = "Experiment name (folder-safe).", DefaultValueFactory = _ => "scaling" };
        var schedule = new Option<string>("--schedule") { Description = "Forward process: vp or ve.", DefaultValueFactory = _ => "vp" };
        var time = new Option<double?>("--t") { Description = "Train a single slice at diffusion time t > 0 (default 0.1 unless --slices is given)." };
        var slices = new Option<int?>("--slices") { Description = "Train N in 1..10000 log-spaced slices in [t-min, auto T] instead of one time; the training time is the max over slices." };
        var tMin = new Option<double>("--t-min") { Description = "Smallest slice time t_min > 0; generation stops there.", DefaultValueFactory = _ => 1e-3 };
        var mode = new Option<string>("--mode")
        {
            Description = "population (exact gradient, gd), empirical (minibatches, sgd) or samples (denoising score matching on exact samples of each " +
                          "field, any network; the training time by the exact excess where the network holds the exact score, else the validation excess).",
            DefaultValueFactory = _ => "population",
        };
        var optimizer = new Option<string?>("--optimizer") { Description = "gd, sgd or adam (default: gd for population, sgd for empirical, adam for samples; gd/sgd on samples need --lr)." };
        var lr = new Option<string>("--lr") { Description = "Learning rate, or auto (0.5 x 2/lambda_max; adam 0.01).", DefaultValueFactory = _ => "auto" };
        var start = CommonOptions.Start();
        var batch = new Option<int>("--batch") { Description = "Minibatch size B in 1..1000000 (empirical only).", DefaultValueFactory = _ => 64 };
        var eps = new Option<double>("--eps") { Description = "Stopping rule: excess loss <= eps x initial, eps in (0, 1).", DefaultValueFactory = _ => 1e-2 };
        var maxSteps = new Option<int>("--max-steps") { Description = "Step cap per slice (>= 1).", DefaultValueFactory = _ => 100_000 };
        var seeds = new Option<int>("--seeds") { Description = "Independent seeds per (arch, L), 1..10000; steps are averaged with a standard error. More than one needs --mode empirical or --start random:S (population training is otherwise deterministic).", DefaultValueFactory = _ => 1 };
        var budget = new Option<int>("--budget") { Description = "Fixed training budget (steps per slice, >= 1) at which the exact KL of the generated law is reported (claim C2).", DefaultValueFactory = _ => 100 };
        var genSlices = new Option<int>("--gen-slices") { Description = "Slices (>= 2) of the score network trained for the budget curve, log-spaced in [t-min, auto T].", DefaultValueFactory = _ => 8 };
        var folder = new Option<string>("--out") { Description = "Run folder: config.json, jobs/*.json, summary.json, rows.csv, fits.csv, figures and report.", DefaultValueFactory = _ => "out/scaling" };
        var shard = new Option<string?>("--shard") { Description = "Run only the i-th of N disjoint shares of the jobs, as i/N (default: from SLURM_ARRAY_TASK_ID and the array range or --shards when set, else all)." };
        var shards = new Option<int?>("--shards")
        {
            Description = "Number N of shards in a SLURM job array submitted as --array=0-(N-1): task k runs shard k+1 of N, also when resubmitted alone (sbatch --array=k).",
        };
        var noReport = new Option<bool>("--no-report") { Description = "Skip the figures and report (summary and CSV only)." };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("scaling",
            "Training time (optimizer steps to excess <= eps x initial) against the lattice size L for several architectures, with power-law and " +
            "logarithmic fits, the theory's predicted steps, and the exact KL of the generated law after a fixed budget. Resumable: finished jobs " +
            "in --out are skipped. Model family per L: --xi-over-L R, --critical (d >= 3), or a fixed --beta/--mass2/--xi.");
        command.Options.Add(dimension);
        command.Options.Add(sizes);
        model.AddTo(command, withLattice: false);
        foreach (var option in new Option[] { arch, name, schedule, time, slices, tMin, mode, optimizer, lr, start, batch, eps, maxSteps, seeds, budget, genSlices, folder, shard, shards, noReport, json, seed, threads })
            command.Options.Add(option);
        command.SetAction((result, cancellation) =>
        {
            var o = output(result.GetValue(json));
            int d = result.GetValue(dimension);
            var family = model.Family(result, d);
            string modeText = result.GetValue(mode)!;
            var trainingMode = modeText switch
            {
                "population" => TrainingMode.Population,
                "empirical" or "samples" => TrainingMode.Empirical,
                var other => throw new UsageException($"--mode must be population, empirical or samples (got {other})"),
            };
            bool samples = modeText == "samples";
            if (result.GetValue(time) is not null && result.GetValue(slices) is not null) throw new UsageException("give either --t or --slices, not both");
            CommonOptions.RefuseUnless(result, trainingMode == TrainingMode.Empirical,
                $"applies only with --mode empirical or samples (got --mode {modeText}: population training uses the exact gradient, no minibatches); drop it or add --mode empirical", batch);
            var lengths = ModelOptions.ParseSizes(result.GetValue(sizes)!, d);
            var spec = new ScalingSpec
            {
                Name = result.GetValue(name)!,
                Family = family,
                Dimension = d,
                Sizes = lengths,
                Architectures = ParseArchitectures(result.GetValue(arch)!),
                Samples = samples,
                Schedule = result.GetValue(schedule)!,
                Time = result.GetValue(slices) is null ? result.GetValue(time) ?? 0.1 : null,
                Slices = Limits.Count("--slices", result.GetValue(slices) ?? 8, 1, Limits.MaxSlices),
                MinTime = result.GetValue(tMin),
                Mode = trainingMode,
                Optimizer = result.GetValue(optimizer) ?? (samples ? "adam" : trainingMode == TrainingMode.Population ? "gd" : "sgd"),
                LearningRate = ParseRate(result.GetValue(lr)!),
                Start = CommonOptions.ParseStart(result.GetValue(start)!).ToString(), // canonical: "unbalanced" and "unbalanced:2" are one experiment
                BatchSize = Limits.Count("--batch", result.GetValue(batch), 1, Limits.MaxBatch),
                Eps = result.GetValue(eps),
                MaxSteps = Limits.Count("--max-steps", result.GetValue(maxSteps), 1, Limits.MaxSteps),
                Seeds = Limits.Count("--seeds", result.GetValue(seeds), 1, Limits.MaxSeeds),
                Budget = Limits.Count("--budget", result.GetValue(budget), 1, Limits.MaxSteps),
                GenerationSlices = Limits.Count("--gen-slices", result.GetValue(genSlices), 2, Limits.MaxSlices),
                Seed = result.GetValue(seed),
            };
            Check(spec, modeText);
            ModelOptions.CheckMasses(family, d, lengths); // after the memory check: a field at V = 2^28 takes seconds
            if (spec.Seeds > 1 && !spec.Samples && spec.Mode == TrainingMode.Population && !NetworkStart.Parse(spec.Start).IsRandom)
                throw new UsageException($"--seeds {spec.Seeds}: population training from a non-random start is deterministic, so every seed would " +
                                         "repeat the same run; use --seeds 1, --mode empirical, or --start random:S");
            var part = ResolveShard(result.GetValue(shard), result.GetValue(shards), Environment.GetEnvironmentVariable);
            string dir = CommonOptions.CheckWritableFolder("--out", result.GetValue(folder)!);
            int workers = CommonOptions.CheckThreads(result.GetValue(threads));
            var done = Experiment.Run(o, spec, dir, part, workers, !result.GetValue(noReport), cancellation);
            o.WriteJson(ScalingFolder.SummaryJson(done.Summary, dir));
            if (!o.Json) Experiment.PrintTable(o, spec, dir);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Validates the spec, turning the library's messages into usage errors naming the option.</summary>
    public static void Check(ScalingSpec spec, string mode = "population")
    {
        try
        {
            spec.Validate();
        }
        catch (ArgumentException e)
        {
            string message = e.Message.Split(" (Parameter")[0].Split('\n')[0];
            throw new UsageException(message.StartsWith("network ", StringComparison.Ordinal)
                ? $"--mode {mode}: {message.Replace("(mode samples)", "(--mode samples)", StringComparison.Ordinal)}"
                : NameOption(message));
        }
        foreach (int l in spec.Sizes)
        {
            var lattice = ModelOptions.CreateLattice(spec.Dimension, l);
            foreach (var a in spec.Architectures)
            {
                try
                {
                    a.Validate(lattice);
                }
                catch (ArgumentException e)
                {
                    throw new UsageException($"--arch {a.Name} at L = {l}: {e.Message.Split(" (Parameter")[0].Split('\n')[0]}");
                }
                int slices = spec.Time is null ? spec.Slices : 1;
                if (a.MomentArchitecture is { } architecture && !spec.Samples) Limits.Training("--L", architecture, lattice, slices, 1, spec.MaxSteps);
                else Limits.Memory("--L", a.TrainingBytes(lattice, 1, spec.BatchSize + spec.SampleConfig(0).ValidationSize),
                    $"training {a.Name} on {lattice} (a minibatch of {spec.BatchSize} and the validation set, with activations)");
            }
        }
    }

    /// <summary>The library names settings by their spec fields; the user typed options, so name those as train does.</summary>
    private static string NameOption(string message)
    {
        (string Prefix, string Option)[] names =
        [
            ("experiment name", "--name: experiment name"), ("t must", "--t must"), ("slices must", "--slices must"),
            ("t_min must", "--t-min must"), ("seeds must", "--seeds must"), ("budget must", "--budget must"),
            ("generation slices must", "--gen-slices must"), ("sgd needs empirical mode", "--optimizer sgd needs --mode empirical"),
            ("gd uses the population gradient", "--optimizer gd uses the population gradient"), ("start:", "--start:"),
            ("give at least one architecture", "--arch: give at least one architecture"), ("eps must", "--eps must"),
            ("unknown optimizer", "--optimizer: unknown optimizer"), ("unknown schedule", "--schedule: unknown schedule"),
            ("learning rate must", "--lr must"), ("optimizer '", "--optimizer '"), ("max steps must", "--max-steps must"), ("batch size must", "--batch must"),
        ];
        foreach (var (prefix, option) in names)
            if (message.StartsWith(prefix, StringComparison.Ordinal)) return option + message[prefix.Length..];
        return message;
    }

    /// <summary>The networks of --arch (<see cref="NetworkList.Parse"/>), as usage errors naming the option.</summary>
    public static IReadOnlyList<ScoreModelSpec> ParseArchitectures(string text)
    {
        try
        {
            return NetworkList.Parse(text);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            string message = e.Message.Split(" (Parameter")[0];
            throw new UsageException(message.StartsWith("has ", StringComparison.Ordinal) || message.StartsWith("lists ", StringComparison.Ordinal) ||
                                     message.StartsWith("must ", StringComparison.Ordinal)
                ? $"--arch {message}"
                : $"--arch: {message}");
        }
    }

    private static double? ParseRate(string text)
    {
        if (text == "auto") return null;
        if (NumericOptions.TryReal(text, out double x) && x > 0) return x;
        throw new UsageException($"--lr must be auto or a number > 0 (got {text})");
    }

    /// <summary>
    /// The shard to run: <c>--shard i/N</c> as given, else from the SLURM array variables read through
    /// <paramref name="environment"/> (with <c>--shards N</c> when given), else the whole sweep.
    /// </summary>
    public static Shard ResolveShard(string? shard, int? shards, Func<string, string?> environment)
    {
        if (shard is not null && shards is not null) throw new UsageException("give either --shard i/N or --shards N, not both");
        try
        {
            if (shard is not null) return Shard.Parse(shard);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--shard: {e.Message}");
        }
        if (shards is < 1) throw new UsageException($"--shards must be >= 1 (got {shards})");
        try
        {
            return Shard.FromSlurm(environment, shards)
                   ?? (shards is null ? Shard.All : throw new UsageException("--shards N needs a SLURM array task (SLURM_ARRAY_TASK_ID is not set); outside an array use --shard i/N"));
        }
        catch (FormatException e)
        {
            throw new UsageException($"--shards (from SLURM): {e.Message}");
        }
    }
}
