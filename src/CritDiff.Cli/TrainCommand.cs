using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Statistics;
using CritDiff.Training;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary><c>critdiff train</c>: train a score network per time slice and measure the training time.</summary>
internal static class TrainCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var model = new ModelOptions();
        var arch = new Option<string>("--arch")
        {
            Description = "Score network per slice: one-layer, two-layer, one-layer-local:R, two-layer-local:R, deep:D, " +
                          "deep-local:D:R, deep:D (D <= 64), dense (V <= 256: its steps cost V^3), layers:full,local:R,... (first-applied layer first), " +
                          "or a nonlinear local convolutional network conv:C:R[:D][:act][:odd] (C hidden channels in 1..256, kernel range R with 2R+1 <= L, " +
                          "D hidden layers in 1..8 (default 1), activation tanh (default), silu or identity, odd: no biases, s(-x) = -s(x); " +
                          "s = K_out * act(K_D * ... act(K_1 * x + b_1) ... + b_D) + K_0 * x; trained with --mode samples).",
            DefaultValueFactory = _ => "one-layer",
        };
        var schedule = new Option<string>("--schedule") { Description = "Forward process: vp (a = e^-t, b^2 = 1 - e^-2t) or ve (a = 1, b^2 = t).", DefaultValueFactory = _ => "vp" };
        var time = new Option<double?>("--t") { Description = "Train a single slice at this diffusion time t > 0 (t = 0 is data). Default 0.1 unless --slices is given, as in scaling." };
        var slices = new Option<int?>("--slices") { Description = "Number of time slices N in 1..10000 in [t-min, t-max] (instead of --t); N x --max-steps is bounded by the 8 GiB memory limit of the loss histories (64 bytes a step: about 1300 slices at the default cap)." };
        var tMin = new Option<double>("--t-min") { Description = "Smallest slice time (with --slices).", DefaultValueFactory = _ => 1e-3 };
        var tMax = new Option<string>("--t-max")
        {
            Description = "Largest slice time, or auto: the time where a(T)^2 chi = 1e-3 b(T)^2 (VP: 0.5 ln(1 + 1000 chi)).",
            DefaultValueFactory = _ => "auto",
        };
        var spacing = new Option<string>("--spacing") { Description = "Slice spacing: log or uniform.", DefaultValueFactory = _ => "log" };
        var mode = new Option<string?>("--mode")
        {
            Description = "population (exact gradient), empirical (minibatches with fresh noise; the linear loss in closed form from the batch's moments) " +
                          "or samples (denoising score matching on real-space samples through the network's backward pass: any architecture, " +
                          "the only mode of conv:...; training time against --stop). Default: population, samples for conv:...",
        };
        var data = new Option<string?>("--data")
        {
            Description = "Training on a fixed data set (--mode empirical or samples): .npy of shape [N, L, ..., L], or [N, n, L, ..., L] for n components " +
                          "(trained as N n one-component fields: the O(n)-equivariant linear score acts alike on every component), " +
                          "on the --d/--L lattice (default: fresh exact samples). The excess is measured against --reference.",
        };
        var targetOptions = new TargetOptions();
        var sampleOptions = new SampleTrainOptions();
        var spectrum = new Option<string?>("--spectrum")
        {
            Description = "Train on the measured spectrum G(k) = <|phi~(k)|^2> (per component) of this .npy, shape [N, L, ..., L] or [N, n, L, ..., L]: " +
                          "population training by default (--mode empirical without --data draws Gaussian fields with that spectrum). " +
                          "It overrides the model's C(k) everywhere (reference, rates, theory, --t-max auto), so the model options only give the lattice. " +
                          "With --data: the data set is what SGD sees, this spectrum the reference.",
        };
        var reference = new Option<string?>("--reference")
        {
            Description = "With --data and no --spectrum, the population the excess is measured against: data (default: the data set's measured " +
                          "spectrum, the exact optimum of the loss it defines; right for non-Gaussian data) or model (the exact C(k) of the " +
                          "model options; for Gaussian samples of that model).",
        };
        var batch = new Option<int>("--batch") { Description = "Minibatch size B in 1..1e6 for empirical training (B V doubles must fit in 8 GiB).", DefaultValueFactory = _ => 64 };
        var optimizer = new Option<string?>("--optimizer") { Description = "gd, sgd or adam (default: gd for population, sgd for empirical, adam for samples)." };
        var momentum = new Option<double>("--momentum") { Description = "Heavy-ball momentum for gd/sgd, in [0, 1).", DefaultValueFactory = _ => 0.0 };
        var lr = new Option<string>("--lr")
        {
            Description = "Learning rate, or auto: 0.5 x 2/lambda_max (top eigenvalue of the population Hessian at the start, power iteration; " +
                          "lowered if the loss rises in population GD); adam: 0.01.",
            DefaultValueFactory = _ => "auto",
        };
        var init = new Option<string>("--init")
        {
            Description = "Initial scale X (initial product multiplier m = -X, balanced layers), or auto: 0 for one layer, 1/S_max deeper.",
            DefaultValueFactory = _ => "auto",
        };
        var eps = new Option<double>("--eps") { Description = "Stop when excess loss <= eps x initial excess (vs the architecture's optimum).", DefaultValueFactory = _ => 1e-2 };
        var maxSteps = new Option<int>("--max-steps") { Description = "Step cap per slice, 1..1e8 (default 100000; with --mode samples 10000).", DefaultValueFactory = _ => 100_000 };
        var basis = new Option<string>("--basis") { Description = "Parameters of full layers: kernel (real space; under gd/sgd a one-layer network steps on its multiplier, the same trajectory without FFTs) or fourier (multipliers as the parameters).", DefaultValueFactory = _ => "kernel" };
        var start = CommonOptions.Start();
        var folder = new Option<string?>("--out") { Description = "Run folder: config.json, summary.json, history_slice000.csv, history_slice001.csv, ... (one per slice, numbered from 000) and the checkpoint (model.json + .npy kernels). " +
                                                                      "With --mode samples, slices/ keeps each slice (and its reference runs) as it finishes: a rerun with the same settings resumes from them." };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("train",
            "Train a score network per diffusion-time slice and measure the training time. Targets (--model): the Gaussian " +
            "O(n -> inf) field (default), finite-n O(n) spins or phi^4 through their Monte Carlo data. Linear networks (one-layer, " +
            "two-layer, local, deep, dense): optimizer steps until the population excess loss falls below eps x its initial value " +
            "(docs/science.md section 6); a linear network sees data only through G(k) (docs/science.md section 10), so --spectrum and " +
            "--data on ensembles (critdiff ensemble) replace the model's C(k) by the measured G(k) (with --model gaussian the model options then only give " +
            "the lattice). Nonlinear conv:... networks (and any network with --mode samples) train by denoising score matching on " +
            "samples, with the training time against a validation reference or the exact excess (--stop). Exits 3 if training diverges " +
            "(results written).");
        model.AddTo(command);
        targetOptions.AddTo(command);
        foreach (var option in new Option[] { arch, schedule, time, slices, tMin, tMax, spacing, mode, data, spectrum, reference, batch, optimizer, momentum, lr, init, eps, maxSteps, basis, start, folder, json, seed, threads }
                     .Concat(sampleOptions.All))
            command.Options.Add(option);

        command.SetAction(result =>
        {
            var o = output(result.GetValue(json));
            var targetModel = targetOptions.Build(result, model);
            string archText = result.GetValue(arch)!;
            bool isConv = archText.TrimStart().StartsWith("conv", StringComparison.OrdinalIgnoreCase);
            string modeText = result.GetValue(mode) ?? (isConv ? "samples" : "population");
            if (isConv && modeText != "samples")
                throw new UsageException($"--arch {archText}: a nonlinear network trains on samples only: use --mode samples (the default for conv:...)");
            if (modeText != "samples")
                foreach (var option in sampleOptions.All)
                    if (result.GetResult(option) is { Implicit: false })
                        throw new UsageException($"{option.Name} applies only with --mode samples (got --mode {modeText}); drop it or add --mode samples");
            if (modeText == "samples")
                return TrainOnSamples(result, o, sampleOptions, targetModel, archText, schedule, time, slices, tMin, tMax, spacing, data, spectrum,
                    reference, batch, optimizer, momentum, lr, init, eps, maxSteps, basis, start, folder, seed, threads);
            if (targetModel is not GaussianField && result.GetValue(spectrum) is null && result.GetValue(data) is null)
                throw new UsageException($"--model {targetModel.Kind}: training on a finite-n target needs its measured spectrum or data: " +
                                         "--spectrum FILE.npy or --mode empirical --data FILE.npy (make one with 'critdiff ensemble')");
            // A finite-n target enters only through the measured spectrum G(k); the Gaussian field then just carries the lattice.
            var field = targetModel as GaussianField ?? GaussianField.FreeField(targetModel.Lattice, 1);
            CheckSideCar("--data", result.GetValue(data), targetModel);
            CheckSideCar("--spectrum", result.GetValue(spectrum), targetModel);
            var process = Parse("--schedule", result.GetValue(schedule)!, ForwardProcess.Parse);
            var architecture = Parse("--arch", result.GetValue(arch)!, Architecture.Parse);
            var parameterBasis = result.GetValue(basis) switch
            {
                "kernel" => ParameterBasis.Kernel,
                "fourier" => ParameterBasis.Fourier,
                var other => throw new UsageException($"--basis must be kernel or fourier (got {other})"),
            };
            var networkStart = CommonOptions.ParseStart(result.GetValue(start)!);
            if (parameterBasis == ParameterBasis.Fourier && networkStart.IsRandom)
                throw new UsageException("--start random:S needs --basis kernel (Fourier parameters would give complex kernels)");
            var trainingMode = modeText switch
            {
                "population" => TrainingMode.Population,
                "empirical" => TrainingMode.Empirical,
                var other => throw new UsageException($"--mode must be population, empirical or samples (got {other})"),
            };
            var config = Config(result, trainingMode, optimizer, momentum, lr, init, eps, maxSteps, batch, seed) with { Start = networkStart };
            var trainingData = LoadData(result.GetValue(data), field, trainingMode);
            var target = TargetSpectrum(result.GetValue(spectrum), result.GetValue(reference), result.GetValue(data), trainingData, field);
            var grid = Grid(result.GetValue(time), result.GetValue(slices), result.GetValue(tMin), result.GetValue(tMax)!,
                result.GetValue(spacing)!, process, target?.Susceptibility ?? field.Susceptibility);
            string? dir = result.GetValue(folder) is { } f ? CommonOptions.CheckWritableFolder("--out", f) : null;
            int workers = CommonOptions.CheckThreads(result.GetValue(threads));
            try
            {
                architecture.Validate(field.Lattice);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--arch {architecture.Name}: {e.Message.Split(" (Parameter")[0].Split('\n')[0]}");
            }
            // Before the network is created: creating it allocates its parameters.
            CheckMemory(architecture, field.Lattice, grid.Count, trainingMode == TrainingMode.Empirical ? config.BatchSize : 0, config.MaxSteps, workers);
            try
            {
                _ = ScoreNetwork.Create(field.Lattice, architecture, parameterBasis);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--arch {architecture.Name}: {e.Message.Split(" (Parameter")[0].Split('\n')[0]}");
            }
            var problem = new TrainingProblem(field, process, grid, architecture, parameterBasis, trainingData) { TargetSpectrum = target };
            var summaryConfig = ConfigJson(result, field, problem, config);
            if (targetModel is not GaussianField) summaryConfig["model"] = TargetOptions.Describe(targetModel);
            if (dir is not null)
            {
                try
                {
                    File.WriteAllText(Path.Combine(dir, "config.json"), Output.ToFileJson(summaryConfig));
                    if (target is not null) WriteSpectrum(Path.Combine(dir, "spectrum.npy"), target, field.Lattice);
                    else File.Delete(Path.Combine(dir, "spectrum.npy")); // an earlier run's, not this one's
                }
                catch (IOException)
                {
                    RunFolder.Abandon(dir);
                    throw;
                }
            }
            o.Note($"training {architecture} on {field.Lattice}, {grid.Count} slice(s), {trainingMode.ToString().ToLowerInvariant()} {config.Optimizer.Name}, " +
                   $"reference: {ReferenceName(problem)}" + (target is null ? "" : $" ({target.Source}, chi = {target.Susceptibility:G6})"));
            var trained = JobProgress.Run(o, "train", grid.Count, bar => Trainer.Train(problem, config, new SynchronousProgress<SliceResult>(s =>
                bar.Finished(SliceName(grid, s.Time), $"{s.Steps} steps" + (s.Converged ? "" : s.Diverged ? " (diverged)" : " (not converged: step cap)"))),
                workers));

            var summary = Summary(architecture, field, problem, config, trained);
            if (targetModel is not GaussianField) summary["model"] = TargetOptions.Describe(targetModel);
            if (dir is not null)
            {
                try
                {
                    RunFolder.Write(dir, problem, trained, summary);
                }
                catch (IOException)
                {
                    RunFolder.Abandon(dir);
                    throw;
                }
            }
            if (o.Json) o.WriteJson(summary);
            else PrintTable(o, architecture, field, problem, trained);
            if (trained.FirstDiverged is { } bad)
                throw new RunFailedException(
                    $"training diverged at t = {bad.Time:G4} (step {bad.Steps}): learning rate {bad.LearningRate:G4} is too large; " +
                    $"the population-GD stability limit 2/lambda_max is {bad.StableLearningRate:G4}" +
                    (trainingMode == TrainingMode.Empirical ? " and minibatch noise lowers it further: use a smaller --lr or a larger --batch" : ": use a smaller --lr"));
            return 0;
        });
        return command;
    }

    /// <summary>--mode samples: parse the shared options into a <see cref="SampleTrainingRequest"/> and run it.</summary>
    private static int TrainOnSamples(ParseResult result, Output o, SampleTrainOptions sampleOptions, LatticeModel target, string archText,
        Option<string> schedule, Option<double?> time, Option<int?> slices, Option<double> tMin, Option<string> tMax, Option<string> spacing,
        Option<string?> data, Option<string?> spectrum, Option<string?> reference, Option<int> batch, Option<string?> optimizer,
        Option<double> momentum, Option<string> lr, Option<string> init, Option<double> eps, Option<int> maxSteps, Option<string> basis,
        Option<string> start, Option<string?> folder, Option<ulong> seed, Option<int> threads)
    {
        foreach (var (option, given) in new (string, bool)[]
        {
            ("--spectrum", result.GetValue(spectrum) is not null), ("--reference", result.GetValue(reference) is not null),
            ("--init", result.GetValue(init) != "auto"), ("--start", result.GetValue(start) != "balanced"),
        })
            if (given) throw new UsageException($"{option} does not apply to --mode samples (the data are the target; the start is the model's own)");
        var process = Parse("--schedule", result.GetValue(schedule)!, ForwardProcess.Parse);
        var spec = Parse("--arch", archText, ScoreModelSpec.Parse);
        if (spec is LinearModelSpec linear)
        {
            var parameterBasis = result.GetValue(basis) switch
            {
                "kernel" => ParameterBasis.Kernel,
                "fourier" => ParameterBasis.Fourier,
                var other => throw new UsageException($"--basis must be kernel or fourier (got {other})"),
            };
            spec = linear with { Basis = parameterBasis };
            try
            {
                _ = ScoreNetwork.Create(target.Lattice, linear.Architecture, parameterBasis);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--arch {archText}: {e.Message.Split(" (Parameter")[0].Split('\n')[0]}");
            }
        }
        else if (result.GetValue(basis) != "kernel") throw new UsageException("--basis fourier applies to full linear layers only");
        try
        {
            spec.Validate(target.Lattice);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--arch {archText}: {e.Message.Split(" (Parameter")[0].Split('\n')[0]}");
        }
        string name = result.GetValue(optimizer) ?? "adam";
        if (name == "gd") throw new UsageException("--optimizer gd uses the exact population gradient: with --mode samples use sgd or adam");
        double mu = result.GetValue(momentum);
        if (!(mu >= 0 && mu < 1)) throw new UsageException($"--momentum must be in [0, 1) (got {mu})");
        var opt = Parse("--optimizer", name, n => Optimizer.Parse(n, mu));
        double? rate = AutoOrPositive("--lr", result.GetValue(lr)!, allowZero: false);
        if (rate is null && opt.UsesCurvatureRate)
            throw new UsageException("--lr auto with --mode samples applies to adam only: give sgd a rate (its stable rate is set by the curvature, eta < 1/S_max for one layer)");
        double epsilon = result.GetValue(eps);
        if (!(epsilon > 0 && epsilon < 1)) throw new UsageException($"--eps must be in (0, 1) (got {epsilon})");
        double factor = result.GetValue(sampleOptions.ReferenceFactor);
        if (!(factor >= 1 && factor <= 1000)) throw new UsageException($"--reference-factor must be in [1, 1000] (got {factor})");
        var config = new SampleTrainingConfig
        {
            Optimizer = opt,
            LearningRate = rate,
            BatchSize = Limits.Count("--batch", result.GetValue(batch), 1, Limits.MaxBatch),
            // The population default cap (1e5) would make the two validation reference runs 4e5 steps each: samples mode has its own.
            MaxSteps = result.GetResult(maxSteps) is { Implicit: false }
                ? Limits.Count("--max-steps", result.GetValue(maxSteps), 1, Limits.MaxSteps)
                : SampleTrainingConfig.Default.MaxSteps,
            Eps = epsilon,
            EvalInterval = Limits.Count("--eval-interval", result.GetValue(sampleOptions.EvalInterval), 1, 1_000_000),
            ValidationSize = Limits.Count("--validation-size", result.GetValue(sampleOptions.ValidationSize), 1, 1_000_000),
            ReferenceLengthFactor = factor,
            Seed = result.GetValue(seed),
        };
        CheckSideCar("--data", result.GetValue(data), target);
        double chi = target switch
        {
            GaussianField g => g.Susceptibility,
            _ => 1,
        };
        if (result.GetValue(data) is null && target is not GaussianField && result.GetValue(tMax) == "auto" && result.GetValue(slices) is not null)
            throw new UsageException("--t-max auto needs the target's chi: with a finite-n target and --chain give --t-max (e.g. 0.5 ln(1 + 1000 chi))");
        if (result.GetValue(data) is { } path && File.Exists(path))
        {
            // --t-max auto needs chi of the data: the side-car's Monte Carlo estimate, else G(0) measured on the file.
            var header = File.Exists(EnsembleFile.SideCarPath(path)) ? EnsembleFile.ReadSideCar(EnsembleFile.SideCarPath(path)) : null;
            if (header?.Observables?.GetValueOrDefault("susceptibility")?.Value is { } measured) chi = measured;
            else
            {
                var (values, count, components) = LoadConfigurations("--data", path, target.Lattice);
                chi = MeasuredSpectrum.Measure(target.Lattice, values, count, components, path).Susceptibility;
            }
        }
        var grid = Grid(result.GetValue(time), result.GetValue(slices), result.GetValue(tMin), result.GetValue(tMax)!,
            result.GetValue(spacing)!, process, chi);
        string? dir = result.GetValue(folder) is { } f ? CommonOptions.CheckWritableFolder("--out", f) : null;
        int workers = CommonOptions.CheckThreads(result.GetValue(threads));
        return SampleTrainCommand.Run(result, o, sampleOptions, target, spec, process, grid, config, result.GetValue(data), dir, workers);
    }

    private static T Parse<T>(string option, string text, Func<string, T> parse)
    {
        try
        {
            return parse(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new UsageException($"{option}: {e.Message.Split(" (Parameter")[0]}");
        }
    }

    /// <summary>Refuses runs whose parameters (with gradients and optimizer moments) or minibatches would not fit in memory.</summary>
    private static void CheckMemory(Architecture architecture, Lattice lattice, int slices, int batch, int maxSteps, int workers)
    {
        Limits.Training("--arch", architecture, lattice, slices, Limits.Workers(workers), maxSteps);
        Limits.Memory("--batch", 24.0 * batch * lattice.SiteCount, $"a minibatch of {batch} x V = {lattice.SiteCount} (data, noise, noised)");
    }

    /// <summary>The single slice trained when neither --t nor --slices is given (scaling's default).</summary>
    public const double DefaultTime = 0.1;

    private static TimeGrid Grid(double? t, int? slices, double tMin, string tMaxText, string spacing, ForwardProcess process, double susceptibility)
    {
        if (t is not null && slices is not null) throw new UsageException("give either --t or --slices, not both");
        if (t is { } single)
        {
            if (!(single > 0 && double.IsFinite(single))) throw new UsageException($"--t must be > 0 (got {single})");
            return TimeGrid.Single(single);
        }
        // Neither --t nor --slices: one slice at t = 0.1, as in scaling.
        if (slices is null) return TimeGrid.Single(DefaultTime);
        int n = Limits.Count("--slices", slices.Value, 1, Limits.MaxSlices);
        if (!(tMin > 0 && double.IsFinite(tMin))) throw new UsageException($"--t-min must be > 0 (got {tMin})");
        double tMax = tMaxText == "auto"
            ? process.AutoFinalTime(susceptibility, 1e-3)
            : NumericOptions.TryReal(tMaxText, out double x) && x > 0
                ? x
                : throw new UsageException($"--t-max must be auto or a number > 0 (got {tMaxText})");
        if (n > 1 && !(tMax > tMin)) throw new UsageException($"--t-max ({tMax:G4}) must be larger than --t-min ({tMin:G4})");
        return spacing switch
        {
            "log" => TimeGrid.LogSpaced(n, tMin, tMax),
            "uniform" => TimeGrid.Uniform(n, tMin, tMax),
            _ => throw new UsageException($"--spacing must be log or uniform (got {spacing})"),
        };
    }

    private static TrainingConfig Config(ParseResult result, TrainingMode mode, Option<string?> optimizer, Option<double> momentum,
        Option<string> lr, Option<string> init, Option<double> eps, Option<int> maxSteps, Option<int> batch, Option<ulong> seed)
    {
        string name = result.GetValue(optimizer) ?? (mode == TrainingMode.Population ? "gd" : "sgd");
        if (name == "gd" && mode == TrainingMode.Empirical) throw new UsageException("--optimizer gd uses the exact population gradient: use --mode population, or sgd/adam");
        if (name == "sgd" && mode == TrainingMode.Population) throw new UsageException("--optimizer sgd needs minibatches: use --mode empirical, or gd/adam");
        double mu = result.GetValue(momentum);
        if (!(mu >= 0 && mu < 1)) throw new UsageException($"--momentum must be in [0, 1) (got {mu})");
        var opt = Parse("--optimizer", name, n => Optimizer.Parse(n, mu));
        double e = result.GetValue(eps);
        if (!(e > 0 && e < 1)) throw new UsageException($"--eps must be in (0, 1) (got {e})");
        int cap = Limits.Count("--max-steps", result.GetValue(maxSteps), 1, Limits.MaxSteps);
        int b = Limits.Count("--batch", result.GetValue(batch), 1, Limits.MaxBatch);
        return new TrainingConfig
        {
            Mode = mode,
            Optimizer = opt,
            LearningRate = AutoOrPositive("--lr", result.GetValue(lr)!, allowZero: false),
            InitialScale = AutoOrPositive("--init", result.GetValue(init)!, allowZero: true),
            Eps = e,
            MaxSteps = cap,
            BatchSize = b,
            Seed = result.GetValue(seed),
        };
    }

    private static double? AutoOrPositive(string option, string text, bool allowZero)
    {
        if (text == "auto") return null;
        if (NumericOptions.TryReal(text, out double x) && (x > 0 || (allowZero && x == 0)))
            return x;
        throw new UsageException($"{option} must be auto or a number {(allowZero ? ">= 0" : "> 0")} (got {text})");
    }

    /// <summary>
    /// An ensemble written by 'critdiff ensemble' has a side-car FILE.npy.json naming its model; it must be the target of
    /// --model (kind, n, d, L, couplings), else exit 2 naming <paramref name="option"/>. Files without a side-car are taken as given.
    /// </summary>
    private static void CheckSideCar(string option, string? path, LatticeModel model)
    {
        if (path is null) return;
        string sideCar = EnsembleFile.SideCarPath(path);
        if (!File.Exists(sideCar)) return;
        EnsembleSideCar header;
        try
        {
            header = EnsembleFile.ReadSideCar(sideCar);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or IOException)
        {
            throw new UsageException($"{option}: side-car {sideCar} is unreadable: {e.Message.Split('\n')[0]}");
        }
        if (header.Model.Mismatch(model) is { } why)
            throw new UsageException($"{option}: {path}: {why}; pass the ensemble's model options (e.g. --model {header.Model.Kind}" +
                                     $"{(header.Model.Kind == "gaussian" ? "" : $" --n {header.Model.Components}")})");
    }

    private static TrainingData? LoadData(string? path, GaussianField field, TrainingMode mode)
    {
        if (path is null) return null;
        if (mode != TrainingMode.Empirical) throw new UsageException("--data needs --mode empirical");
        var (values, count, components) = LoadConfigurations("--data", path, field.Lattice);
        return TrainingData.FromComponents(values, count, components);
    }

    /// <summary>
    /// Reads configurations of shape [N, L, ..., L] (n = 1) or [N, n, L, ..., L] (rank d + 2) on the lattice;
    /// any other shape, a missing or unreadable file or non-finite values exit 2 naming <paramref name="option"/>.
    /// </summary>
    private static (double[] Values, int Count, int Components) LoadConfigurations(string option, string path, Lattice lattice)
    {
        if (!File.Exists(path)) throw new UsageException($"{option}: file '{path}' does not exist");
        NpyArray array;
        try
        {
            array = NpyFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"{option}: {path}: {e.Message}");
        }
        int[] expected = [.. lattice.Shape];
        int[] shape = array.Shape;
        int rank = shape.Length, d = lattice.Dimension;
        bool latticeMatches = (rank == d + 1 || rank == d + 2) && shape.Skip(rank - d).SequenceEqual(expected);
        string dims = string.Join(", ", expected);
        if (!latticeMatches || shape[0] < 1 || (rank == d + 2 && shape[1] < 1))
            throw new UsageException($"{option}: shape ({string.Join(", ", shape)}) does not match the model lattice (--d {d}, --L {lattice.Length}): " +
                                     $"expected (N, {dims}) or (N, n, {dims}) with N, n >= 1");
        DataValues.Check(option, path, array.Data);
        return (array.Data, shape[0], rank == d + 2 ? shape[1] : 1);
    }

    /// <summary>
    /// The measured spectrum that replaces the model's C(k): that of --spectrum, else that of --data unless
    /// --reference model; null for the model's exact spectrum.
    /// </summary>
    private static MeasuredSpectrum? TargetSpectrum(string? spectrumPath, string? referenceText, string? dataPath,
        TrainingData? data, GaussianField field)
    {
        if (referenceText is not null and not ("data" or "model"))
            throw new UsageException($"--reference must be data or model (got {referenceText})");
        if (spectrumPath is not null)
        {
            if (referenceText == "model")
                throw new UsageException("--reference model contradicts --spectrum (the measured spectrum replaces the model's): give one of them");
            var (values, count, components) = LoadConfigurations("--spectrum", spectrumPath, field.Lattice);
            return Measure("--spectrum", field.Lattice, values, count, components, spectrumPath);
        }
        if (data is null)
        {
            if (referenceText is not null) throw new UsageException("--reference needs --data: it chooses between the data set's spectrum and the model's");
            return null;
        }
        return referenceText == "model"
            ? null
            : Measure("--data", field.Lattice, data.Configurations, data.ConfigurationCount, data.Components, dataPath!);
    }

    private static MeasuredSpectrum Measure(string option, Lattice lattice, double[] values, int count, int components, string path)
    {
        var measured = MeasuredSpectrum.Measure(lattice, values, count, components, path);
        try
        {
            measured.CheckTargetOn(lattice);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option}: {e.Message.Split(" (Parameter")[0]}");
        }
        return measured;
    }

    /// <summary>The spectrum as [2, L, ..., L]: G(k), then its standard error.</summary>
    private static void WriteSpectrum(string path, MeasuredSpectrum spectrum, Lattice lattice) =>
        NpyFile.Write(path, [.. spectrum.Mean, .. spectrum.Error], [2, .. lattice.Shape]);

    private static string ReferenceName(TrainingProblem problem) => problem.TargetSpectrum is null ? "exact model spectrum" : "data spectrum";

    private static JsonObject? SpectrumJson(MeasuredSpectrum? spectrum) => spectrum is null ? null : new JsonObject
    {
        ["source"] = spectrum.Source,
        ["configurations"] = spectrum.Samples,
        ["components"] = spectrum.Components,
        ["chi"] = Output.Number(spectrum.Susceptibility),
        ["chi_err"] = Output.Number(spectrum.SusceptibilityError),
    };

    private static JsonObject? DataJson(TrainingData? data) => data is null ? null : new JsonObject
    {
        ["configurations"] = data.ConfigurationCount,
        ["components"] = data.Components,
        ["fields"] = data.Count,
    };

    private static JsonObject ConfigJson(ParseResult result, GaussianField field, TrainingProblem problem, TrainingConfig config) => new()
    {
        ["command"] = string.Join(' ', result.Tokens.Select(t => t.Value)),
        ["model"] = ModelOptions.Describe(field),
        ["schedule"] = problem.Process.Name,
        ["times"] = new JsonArray(problem.Grid.Times.Select(t => (JsonNode?)t).ToArray()),
        ["arch"] = problem.Architecture.Name,
        ["basis"] = problem.Basis.ToString().ToLowerInvariant(),
        ["start"] = config.Start.ToString(),
        ["mode"] = config.Mode.ToString().ToLowerInvariant(),
        ["optimizer"] = config.Optimizer.Name,
        ["lr"] = Output.Number(config.LearningRate),
        ["init"] = Output.Number(config.InitialScale),
        ["eps"] = config.Eps,
        ["max_steps"] = config.MaxSteps,
        ["batch"] = config.BatchSize,
        ["seed"] = config.Seed,
        ["data"] = DataJson(problem.Data),
        ["reference"] = ReferenceName(problem),
        ["spectrum"] = SpectrumJson(problem.TargetSpectrum),
    };

    private static JsonObject Summary(Architecture architecture, GaussianField field, TrainingProblem problem, TrainingConfig config, TrainingResult trained) => new()
    {
        ["arch"] = architecture.Name,
        ["params_per_slice"] = architecture.ParameterCount(field.Lattice),
        ["mode"] = config.Mode.ToString().ToLowerInvariant(),
        ["optimizer"] = config.Optimizer.Name,
        ["basis"] = problem.Basis.ToString().ToLowerInvariant(),
        ["start"] = config.Start.ToString(),
        ["schedule"] = problem.Process.Name,
        ["model"] = ModelOptions.Describe(field),
        ["data"] = DataJson(problem.Data),
        ["reference"] = ReferenceName(problem),
        ["spectrum"] = SpectrumJson(problem.TargetSpectrum),
        ["slices"] = new JsonArray(trained.Slices.Select(s => (JsonNode?)new JsonObject
        {
            ["t"] = s.Time,
            ["lr"] = Output.Number(s.LearningRate),
            ["lr_rule"] = s.LearningRateRule,
            ["stable_lr"] = Output.Number(s.StableLearningRate),
            ["init"] = s.InitialScale,
            ["steps"] = s.Steps,
            ["converged"] = s.Converged,
            ["diverged"] = s.Diverged,
            ["initial_excess"] = Output.Number(s.InitialExcess),
            ["final_excess"] = Output.Number(s.FinalExcess),
            ["optimum_gap_to_exact"] = Output.Number(s.OptimumGapToExact),
            ["optimum_closed_form"] = s.OptimumIsClosedForm,
            ["final_score_error"] = Output.Number(s.FinalScoreError),
            ["predicted_steps"] = s.PredictedSteps,
        }).ToArray()),
        ["steps"] = trained.StepsMax,
        ["all_converged"] = trained.AllConverged,
        ["wall_seconds"] = trained.WallSeconds,
    };

    private static void PrintTable(Output o, Architecture architecture, GaussianField field, TrainingProblem problem, TrainingResult trained)
    {
        var table = new Table().AddColumn("t").AddColumn("lr").AddColumn("steps").AddColumn("predicted").AddColumn("converged")
            .AddColumn("final excess").AddColumn("optimum gap to exact");
        foreach (var s in trained.Slices)
            table.AddRow(Output.Format(s.Time), Output.Format(s.LearningRate), s.Steps.ToString(CultureInfo.InvariantCulture),
                s.PredictedSteps?.ToString(CultureInfo.InvariantCulture) ?? "-",
                s.Converged ? "yes" : s.Diverged ? "diverged" : "no (cap)", Output.Format(s.FinalExcess), Output.Format(s.OptimumGapToExact));
        var console = ModelCommand.Console(o);
        console.Write(table);
        console.WriteLine($"{architecture}: {architecture.ParameterCount(field.Lattice)} parameters per slice; training time (max over slices) {trained.StepsMax} steps; {trained.WallSeconds:F2} s");
        if (problem.TargetSpectrum is { } g)
            console.WriteLine($"reference: data spectrum of {g.Source} ({g.Samples} configurations x {g.Components} components), chi = G(0) = {Stats.Format(g.Susceptibility, g.SusceptibilityError)}");
    }

    /// <summary>
    /// The one name of a slice on progress lines, "slice j/N t=T" with j its index in the grid (not the order slices
    /// finish in: issue 24 had "slice 6/16 t=8.421: training" and then "slice 9/16 t=8.421: not converged").
    /// </summary>
    internal static string SliceName(TimeGrid grid, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"slice {index + 1}/{grid.Count} t={grid.Times[index]:G4}");

    /// <summary><see cref="SliceName(TimeGrid, int)"/> of the slice at diffusion time <paramref name="time"/>.</summary>
    internal static string SliceName(TimeGrid grid, double time)
    {
        int index = -1;
        for (int j = 0; j < grid.Count && index < 0; j++)
            if (grid.Times[j] == time) index = j;
        return index >= 0 ? SliceName(grid, index) : string.Create(CultureInfo.InvariantCulture, $"t={time:G4}");
    }

    /// <summary>IProgress that runs the handler on the reporting thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
    {
        private readonly Lock _gate = new();

        public void Report(T value)
        {
            lock (_gate) handler(value);
        }
    }
}
