using System.CommandLine;
using System.Globalization;
using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.MonteCarlo;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Statistics;
using CritDiff.Training;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>
/// <c>critdiff train --mode samples</c> (the default for conv:... architectures): parse, run <see cref="SampleTrainingRun"/>, print.
/// </summary>
internal static class SampleTrainCommand
{
    /// <summary>Thermalisation sweeps of a --chain source.</summary>
    public const int ChainThermalization = 500;

    /// <summary>--mode samples: parse the shared options into a <see cref="SampleTrainingRequest"/> and run it.</summary>
    public static int Run(ParseResult result, Output o, TrainOptions options, LatticeModel target, string archText)
    {
        foreach (var (option, given) in new (string, bool)[]
        {
            ("--spectrum", result.GetValue(options.Spectrum) is not null), ("--reference", result.GetValue(options.Reference) is not null),
            ("--init", result.GetValue(options.Init) != "auto"), ("--start", result.GetValue(options.Start) != "balanced"),
        })
            if (given) throw new UsageException($"{option} does not apply to --mode samples (the data are the target; the start is the model's own)");
        var spec = TrainCommand.Parse("--arch", archText, ScoreModelSpec.Parse);
        if (spec.IsTimeConditioned) // it checks the --data side-car itself
            return ConditionedTrainCommand.Run(result, o, options, target, spec, archText, ProcessAndChi(result, options, target).Process);
        CommonOptions.RefuseUnless(result, false, "applies only to a time-conditioned network (one network for every t); a per-slice network trains each slice to --stop",
            options.Samples.Steps, options.Samples.Ema);
        var parameterBasis = TrainCommand.ParseBasis(result.GetValue(options.Basis));
        if (!spec.HasMomentObjective && parameterBasis != ParameterBasis.Kernel) throw new UsageException("--basis fourier applies to full linear layers only");
        try
        {
            spec.Validate(target.Lattice);
            spec = spec.WithBasis(parameterBasis);
        }
        catch (ArgumentException e)
        {
            throw TrainCommand.ArchError(archText, e);
        }
        string name = result.GetValue(options.Optimizer) ?? "adam";
        if (name == "gd") throw new UsageException("--optimizer gd uses the exact population gradient: with --mode samples use sgd or adam");
        double mu = result.GetValue(options.Momentum);
        if (!(mu >= 0 && mu < 1)) throw new UsageException($"--momentum must be in [0, 1) (got {mu})");
        var opt = TrainCommand.Parse("--optimizer", name, n => Optimizer.Parse(n, mu));
        double? rate = TrainCommand.AutoOrPositive("--lr", result.GetValue(options.Lr)!, allowZero: false);
        if (rate is null && opt.UsesCurvatureRate)
            throw new UsageException("--lr auto with --mode samples applies to adam only: give sgd a rate (its stable rate is set by the curvature, eta < 1/S_max for one layer)");
        double epsilon = result.GetValue(options.Eps);
        if (!(epsilon > 0 && epsilon < 1)) throw new UsageException($"--eps must be in (0, 1) (got {epsilon})");
        double factor = result.GetValue(options.Samples.ReferenceFactor);
        if (!(factor >= 1 && factor <= 1000)) throw new UsageException($"--reference-factor must be in [1, 1000] (got {factor})");
        var config = new SampleTrainingConfig
        {
            Optimizer = opt,
            LearningRate = rate,
            BatchSize = Limits.Count("--batch", result.GetValue(options.Batch), 1, Limits.MaxBatch),
            // The population default cap (1e5) would make the two validation reference runs 4e5 steps each: samples mode has its own.
            MaxSteps = result.GetResult(options.MaxSteps) is { Implicit: false }
                ? Limits.Count("--max-steps", result.GetValue(options.MaxSteps), 1, Limits.MaxSteps)
                : SampleTrainingConfig.Default.MaxSteps,
            Eps = epsilon,
            EvalInterval = Limits.Count("--eval-interval", result.GetValue(options.Samples.EvalInterval), 1, 1_000_000),
            ValidationSize = Limits.Count("--validation-size", result.GetValue(options.Samples.ValidationSize), 1, 1_000_000),
            ReferenceLengthFactor = factor,
            ReferenceDrift = TrainInputs.ReferenceDrift(result, options.Samples),
            MaxReferenceDoublings = Limits.Count("--max-reference-doublings", result.GetValue(options.Samples.MaxReferenceDoublings), 1, 10),
            Seed = result.GetValue(options.Seed),
        };
        TrainInputs.CheckSideCar("--data", result.GetValue(options.Data), target);
        if (result.GetValue(options.Data) is null && target is not GaussianField && result.GetValue(options.TMax) == "auto" && result.GetValue(options.Slices) is not null)
            throw new UsageException("--t-max auto needs the target's chi: with a finite-n target and --chain give --t-max (e.g. 0.5 ln(1 + 1000 chi))");
        var (process, chi) = ProcessAndChi(result, options, target);
        var grid = TrainCommand.Grid(result.GetValue(options.Time), result.GetValue(options.Slices), result.GetValue(options.TMin), result.GetValue(options.TMax)!,
            result.GetValue(options.Spacing)!, process, chi);
        string? dir = result.GetValue(options.Folder) is { } f ? CommonOptions.CheckWritableFolder("--out", f) : null;
        int workers = CommonOptions.CheckThreads(result.GetValue(options.Threads));
        return Train(result, o, options.Samples, target, spec, process, grid, config, result.GetValue(options.Data), dir, workers);
    }

    /// <summary>The --schedule process (ve-geometric: with its noise range) and chi (--data, a Gaussian target, else 1).</summary>
    private static (ForwardProcess Process, double Chi) ProcessAndChi(ParseResult result, TrainOptions options, LatticeModel target)
    {
        double chi = target is GaussianField g ? g.Susceptibility : 1;
        if (result.GetValue(options.Data) is { } path && File.Exists(path)) chi = TrainInputs.DataSusceptibility(path, target.Lattice);
        var process = options.Noise.Process(result, result.GetValue(options.Schedule)!, () => DataNoiseRange(result.GetValue(options.Data), target, chi));
        return (process, chi);
    }

    /// <summary>ve-geometric's default noise range: from --data, else from a Gaussian target's spectrum; a --chain gives none.</summary>
    private static NoiseRange DataNoiseRange(string? dataPath, LatticeModel target, double chi)
    {
        if (dataPath is not null)
        {
            var (values, count, components) = TrainInputs.LoadConfigurations("--data", dataPath, target.Lattice);
            return NoiseRange.FromEnsemble(values, count, components * target.Lattice.SiteCount, target.Lattice.SiteCount, chi);
        }
        return target is GaussianField field
            ? NoiseRange.FromSpectrum(field.SpectrumTable())
            : throw new UsageException("--schedule ve-geometric with --chain has no data to set its noise range from: give --sigma-min and --sigma-max");
    }

    private static int Train(ParseResult result, Output o, SampleTrainOptions options, LatticeModel target, ScoreModelSpec spec,
        ForwardProcess process, TimeGrid grid, SampleTrainingConfig config, string? dataPath, string? dir, int threads)
    {
        var lattice = target.Lattice;
        var stopping = result.GetValue(options.Stop) switch
        {
            "auto" => StoppingChoice.Auto,
            "exact" => StoppingChoice.Exact,
            "validation" => StoppingChoice.Validation,
            "budget" => StoppingChoice.Budget,
            var other => throw new UsageException($"--stop must be auto, exact, validation or budget (got {other})"),
        };
        if (config.ReferenceDrift is not null && stopping is StoppingChoice.Exact or StoppingChoice.Budget)
            throw new UsageException("--reference-drift applies to the validation rule (--stop validation or auto), not to --stop exact or budget");
        var source = Source(result, options, target, dataPath, config.Seed, out var data);
        var request = new SampleTrainingRequest(target, spec, process, grid, source, config) { Stopping = stopping, Data = data };
        try
        {
            request.Validate();
        }
        catch (ArgumentException e)
        {
            string option = e.ParamName switch { "Stopping" => "--stop", "Source" => "--data", "Range" => "--arch", _ => "--arch" };
            throw new UsageException($"{option}: {e.Message.Split(" (Parameter")[0].Split('\n')[0]}");
        }
        long parameters = spec.ParameterCount(lattice, target.Components);
        int hidden = spec.HiddenChannels;
        int concurrent = threads == -1 ? Environment.ProcessorCount : threads;
        Limits.Memory("--batch", Math.Min(grid.Count, concurrent) * spec.TrainingBytes(lattice, target.Components, config.BatchSize + config.ValidationSize),
            $"batches of {config.BatchSize} and validation sets of {config.ValidationSize} configurations of n V = {target.ConfigurationLength} values with {hidden} hidden channels, per slice trained at once");
        Limits.Memory(grid.Count > 1 ? "--slices" : "--arch", 32.0 * parameters * grid.Count, $"{grid.Count} slice(s) of {parameters} parameters with gradients and Adam moments");

        var configJson = SampleTrainingRun.Config(request, string.Join(' ', result.Tokens.Select(t => t.Value)));
        if (dir is not null)
        {
            // Finished slices of an interrupted run of the same settings are reused; a folder of other settings is refused.
            TrainCommand.CheckOutFolder(dir);
            try
            {
                SampleTrainingRun.CheckResumable(dir, configJson);
            }
            catch (InvalidDataException e)
            {
                throw new UsageException($"--out: {e.Message}");
            }
        }
        var rule = request.Rule();
        o.Note($"training {spec.Name} ({parameters} parameters per slice) on samples of {target.Describe()}: {source.Describe()}; " +
               $"{grid.Count} slice(s), {config.Optimizer.Name} batch {config.BatchSize}; stopping: {rule.Name}");
        bool budget = request.Stopping == StoppingChoice.Budget;
        // A live bar on a terminal (plain lines otherwise), slices named by their grid index on every line.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long lastNote = 0;
        var outcome = JobProgress.Run(o, "train", grid.Count, bar =>
        {
            var progress = new Progress(s =>
            {
                string referenceText = s.Samples!.ReferenceLoss is not null ? ", reference " + TrainInputs.ReferenceCell(s.Samples) : "";
                bar.Finished(TrainCommand.SliceName(grid, s.Time), Outcome(s, budget) + referenceText);
            });
            // The state of a running slice: on the live bar at every evaluation, as a plain line at most every 10 s (its
            // reference runs can be long).
            var steps = new StepProgress(p =>
            {
                string state = FormattableString.Invariant($"{p.Phase}, step {p.Step}/{p.Steps}");
                if (bar.IsLive)
                {
                    bar.State(TrainCommand.SliceName(grid, p.Slice), state);
                    return;
                }
                long now = clock.ElapsedMilliseconds;
                if (now - Interlocked.Read(ref lastNote) < 10_000) return;
                Interlocked.Exchange(ref lastNote, now);
                bar.State(TrainCommand.SliceName(grid, p.Slice), state + FormattableString.Invariant($" (elapsed {clock.Elapsed.TotalSeconds:F0} s)"));
            });
            // Each slice is stored in --out as it finishes, so an interrupted run (even one killed or out of disk) resumes from them.
            return SampleTrainingRun.Run(request, threads, progress, default, steps, dir, count => bar.Reused(count, "slices"));
        });
        var summary = SampleTrainingRun.Summary(request, outcome);
        if (dir is not null)
        {
            // A failed write abandons the folder (TrainingRunFolder.Abandon).
            SampleTrainingRun.WriteFolder(dir, request, outcome, configJson, summary);
        }
        if (o.Json) o.WriteJson(summary);
        else Print(o, request, outcome);
        if (outcome.FirstDiverged is { } bad)
            throw new RunFailedException(
                $"training diverged at t = {bad.Time:G4} (step {bad.StepsRun}): learning rate {bad.LearningRate:G4} is too large for {config.Optimizer.Name} on these samples; use a smaller --lr or a larger --batch");
        return 0;
    }

    /// <summary>The training configurations: the --data ensemble, a --chain, or exact samples of a Gaussian target.</summary>
    internal static SampleSource Source(ParseResult result, SampleTrainOptions options, LatticeModel target, string? dataPath, ulong seed, out EnsembleData? data)
    {
        data = null;
        string? chain = result.GetValue(options.Chain);
        if (dataPath is not null)
        {
            if (chain is not null) throw new UsageException("give either --data or --chain, not both");
            data = TrainInputs.LoadEnsemble(dataPath, target);
            return data.ToSampleSource();
        }
        if (chain is not null)
        {
            if (target is GaussianField) throw new UsageException("--chain is for finite-n targets (--model on|phi4); a Gaussian target is sampled exactly");
            return TrainInputs.ChainSource(chain, target, seed);
        }
        return target is GaussianField field ? new GaussianSource(field)
            : throw new UsageException($"--model {target.Kind} --mode samples needs training configurations: --data FILE.npy (make one with 'critdiff ensemble') or --chain ALGO[:SPACING]");
    }

    /// <summary>
    /// A finished slice in words: "N steps", "diverged at step N", "not converged in N steps", or under --stop budget
    /// (no convergence test) "budget: N steps", never a failure.
    /// </summary>
    internal static string Outcome(SliceResult s, bool budget) =>
        s.Diverged ? $"diverged at step {s.StepsRun}"
        : budget ? $"budget: {s.StepsRun} steps"
        : s.Converged ? $"{s.StepsToEps} steps" : $"not converged in {s.StepsRun} steps";

    /// <summary>The "converged" cell: yes, no (cap), diverged, or "budget" where no convergence test ran.</summary>
    internal static string ConvergedCell(SliceResult s, bool budget) =>
        s.Diverged ? "diverged" : budget ? "budget" : s.Converged ? "yes" : "no (cap)";

    private sealed class Progress(Action<SliceResult> handler) : IProgress<SliceResult>
    {
        public void Report(SliceResult value) => handler(value);
    }

    private sealed class StepProgress(Action<SampleTrainingProgress> handler) : IProgress<SampleTrainingProgress>
    {
        public void Report(SampleTrainingProgress value) => handler(value);
    }

    private static void Print(Output o, SampleTrainingRequest request, TrainingResult outcome)
    {
        bool budget = request.Stopping == StoppingChoice.Budget;
        var table = new Table().AddColumns("t", "lr", "steps", "converged", "initial excess", "final excess", "reference");
        foreach (var s in outcome.Slices)
            table.AddRow(Output.Format(s.Time), Output.Format(s.LearningRate),
                budget ? s.StepsRun.ToString(CultureInfo.InvariantCulture) : s.StepsToEps?.ToString(CultureInfo.InvariantCulture) ?? $"> {s.StepsRun}",
                ConvergedCell(s, budget), Output.Format(s.InitialExcess), Output.Format(s.FinalExcess),
                TrainInputs.ReferenceCell(s.Samples!));
        var console = ModelCommand.Console(o);
        console.Write(table);
        console.WriteLine($"{request.Spec.Name}: {request.Spec.ParameterCount(request.Target.Lattice, request.Target.Components)} parameters per slice; " +
                          $"training time (max over slices) {(budget ? "n/a (fixed budget)" : outcome.StepsToEps is { } steps ? steps.ToString(CultureInfo.InvariantCulture) : "not reached")}");
        console.WriteLine($"stopping: {outcome.StoppingRule}; {outcome.WallSeconds:F2} s");
    }
}
