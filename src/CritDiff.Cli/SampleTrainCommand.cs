using System.CommandLine;
using System.Globalization;
using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.MonteCarlo;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Training;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>The options of <c>critdiff train --mode samples</c> (denoising score matching on real-space samples).</summary>
internal sealed class SampleTrainOptions
{
    public Option<string> Stop { get; } = new("--stop")
    {
        Description = "With --mode samples: the training-time rule. auto (default): exact population excess where an optimum is known " +
                      "(Gaussian target, one-layer/two-layer/deep/dense, no --data), else validation; exact; validation (steps until the loss on a " +
                      "fixed validation set is within eps of its initial excess over a reference: the lower of two --reference-factor x longer runs " +
                      "with a decaying rate and different seeds, their difference reported as its uncertainty); budget (no stopping: every slice runs --max-steps).",
        DefaultValueFactory = _ => "auto",
    };

    public Option<int> EvalInterval { get; } = new("--eval-interval")
    {
        Description = "With --mode samples: steps between validation evaluations, 1..1e6 (the training time is a multiple of it).",
        DefaultValueFactory = _ => 10,
    };

    public Option<int> ValidationSize { get; } = new("--validation-size")
    {
        Description = "With --mode samples: configurations in the fixed validation set (fixed x0 and noise), 1..1e6.",
        DefaultValueFactory = _ => 256,
    };

    public Option<double> ReferenceFactor { get; } = new("--reference-factor")
    {
        Description = "With --mode samples and the validation rule: length of each of the two reference runs as a multiple of --max-steps, in [1, 1000].",
        DefaultValueFactory = _ => 4.0,
    };

    public Option<string?> Chain { get; } = new("--chain")
    {
        Description = "With --mode samples on a finite-n target without --data: draw training configurations from a Markov chain ALGO[:SPACING] " +
                      "(e.g. wolff:2 keeps one configuration every 2 sweeps after 500 thermalisation sweeps; consecutive draws are correlated). " +
                      "Prefer an ensemble from 'critdiff ensemble' (--data).",
    };

    public IEnumerable<Option> All => [Stop, EvalInterval, ValidationSize, ReferenceFactor, Chain];
}

/// <summary>
/// <c>critdiff train --mode samples</c> (the default for conv:... architectures): parse, run <see cref="SampleTrainingRun"/>, print.
/// </summary>
internal static class SampleTrainCommand
{
    /// <summary>Thermalisation sweeps of a --chain source.</summary>
    public const int ChainThermalization = 500;

    public static int Run(ParseResult result, Output o, SampleTrainOptions options, LatticeModel target, ScoreModelSpec spec,
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
        EnsembleData? data = null;
        SampleSource source;
        string? chain = result.GetValue(options.Chain);
        if (dataPath is not null)
        {
            if (chain is not null) throw new UsageException("give either --data or --chain, not both");
            data = LoadEnsemble(dataPath, target);
            source = data.ToSampleSource();
        }
        else if (chain is not null)
        {
            if (target is GaussianField) throw new UsageException("--chain is for finite-n targets (--model on|phi4); a Gaussian target is sampled exactly");
            source = ChainSource(chain, target, config.Seed);
        }
        else if (target is GaussianField field) source = new GaussianSource(field);
        else
            throw new UsageException($"--model {target.Kind} --mode samples needs training configurations: --data FILE.npy (make one with 'critdiff ensemble') or --chain ALGO[:SPACING]");

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
        int hidden = spec is ConvModelSpec c ? c.Conv.Channels * c.Conv.Depth : 0;
        int concurrent = threads == -1 ? Environment.ProcessorCount : threads;
        Limits.Memory("--batch", 8.0 * Math.Min(grid.Count, concurrent) * (double)(config.BatchSize + config.ValidationSize) * target.ConfigurationLength * (4 + 3 * hidden),
            $"batches of {config.BatchSize} and validation sets of {config.ValidationSize} configurations of n V = {target.ConfigurationLength} values with {hidden} hidden channels, per slice trained at once");
        Limits.Memory(grid.Count > 1 ? "--slices" : "--arch", 32.0 * parameters * grid.Count, $"{grid.Count} slice(s) of {parameters} parameters with gradients and Adam moments");

        var configJson = SampleTrainingRun.Config(request, string.Join(' ', result.Tokens.Select(t => t.Value)));
        if (dir is not null)
        {
            // Finished slices of an interrupted run of the same settings are reused; a folder of other settings is refused.
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
                string referenceText = s.ReferenceLoss is { } r ? ", reference " + Stats.Format(r, s.ReferenceUncertainty) : "";
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
            try
            {
                SampleTrainingRun.WriteFolder(dir, request, outcome, configJson, summary);
            }
            catch (IOException)
            {
                RunFolder.Abandon(dir);
                throw;
            }
        }
        if (o.Json) o.WriteJson(summary);
        else Print(o, request, outcome);
        if (outcome.FirstDiverged is { } bad)
            throw new RunFailedException(
                $"training diverged at t = {bad.Time:G4} (step {bad.StepsRun}): learning rate {bad.LearningRate:G4} is too large for {config.Optimizer.Name} on these samples; use a smaller --lr or a larger --batch");
        return 0;
    }

    /// <summary>
    /// A finished slice in words: "N steps", "diverged at step N", "not converged in N steps", or under --stop budget
    /// (no convergence test) "budget: N steps", never a failure.
    /// </summary>
    internal static string Outcome(SampleSliceResult s, bool budget) =>
        s.Diverged ? $"diverged at step {s.StepsRun}"
        : budget ? $"budget: {s.StepsRun} steps"
        : s.Converged ? $"{s.StepsToEps} steps" : $"not converged in {s.StepsRun} steps";

    /// <summary>The "converged" cell: yes, no (cap), diverged, or "budget" where no convergence test ran.</summary>
    internal static string ConvergedCell(SampleSliceResult s, bool budget) =>
        s.Diverged ? "diverged" : budget ? "budget" : s.Converged ? "yes" : "no (cap)";

    private sealed class Progress(Action<SampleSliceResult> handler) : IProgress<SampleSliceResult>
    {
        public void Report(SampleSliceResult value) => handler(value);
    }

    private sealed class StepProgress(Action<SampleTrainingProgress> handler) : IProgress<SampleTrainingProgress>
    {
        public void Report(SampleTrainingProgress value) => handler(value);
    }

    private static EnsembleData LoadEnsemble(string path, LatticeModel target)
    {
        if (!File.Exists(path)) throw new UsageException($"--data: file '{path}' does not exist");
        EnsembleData data;
        try
        {
            data = File.Exists(EnsembleFile.SideCarPath(path)) ? EnsembleFile.Read(path) : EnsembleFile.ReadBare(path, target.Lattice.Dimension);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or IOException)
        {
            throw new UsageException($"--data: {path}: {e.Message.Split('\n')[0]}");
        }
        if (data.Lattice != target.Lattice)
            throw new UsageException($"--data: {path} holds configurations on {data.Lattice}; the model options give {target.Lattice}");
        if (data.Components != target.Components)
            throw new UsageException($"--data: {path} has n = {data.Components} components; the target has n = {target.Components} (--n)");
        DataValues.Check("--data", path, data.Configurations);
        return data;
    }

    private static MarkovChainSource ChainSource(string text, LatticeModel target, ulong seed)
    {
        string[] parts = text.Split(':');
        int spacing = 1;
        if (parts.Length > 2 || (parts.Length == 2 && !(NumericOptions.TryInteger(parts[1], out spacing) && spacing is >= 1 and <= 100_000)))
            throw new UsageException($"--chain must be ALGO or ALGO:SPACING with SPACING in 1..100000 (got {text})");
        var names = ModelKernels.NamesFor(target);
        if (!names.Contains(parts[0]))
            throw new UsageException($"--chain: algorithm '{parts[0]}' is not available for {target.Kind}: use {string.Join(", ", names)}");
        return new MarkovChainSource(ModelKernels.Create(parts[0], target), seed ^ 0xC4A1UL, ChainThermalization, spacing);
    }

    private static void Print(Output o, SampleTrainingRequest request, SampleTrainingOutcome outcome)
    {
        bool budget = request.Stopping == StoppingChoice.Budget;
        var table = new Table().AddColumns("t", "lr", "steps", "converged", "initial excess", "final excess", "reference");
        foreach (var s in outcome.Slices)
            table.AddRow(Output.Format(s.Time), Output.Format(s.LearningRate),
                budget ? s.StepsRun.ToString(CultureInfo.InvariantCulture) : s.StepsToEps?.ToString(CultureInfo.InvariantCulture) ?? $"> {s.StepsRun}",
                ConvergedCell(s, budget), Output.Format(s.InitialExcess), Output.Format(s.FinalExcess),
                s.ReferenceLoss is { } r ? Stats.Format(r, s.ReferenceUncertainty) : "-");
        var console = ModelCommand.Console(o);
        console.Write(table);
        console.WriteLine($"{request.Spec.Name}: {request.Spec.ParameterCount(request.Target.Lattice, request.Target.Components)} parameters per slice; " +
                          $"training time (max over slices) {(budget ? "n/a (fixed budget)" : outcome.Steps is { } steps ? steps.ToString(CultureInfo.InvariantCulture) : "not reached")}");
        console.WriteLine($"stopping: {outcome.Rule}; {outcome.WallSeconds:F2} s");
    }
}
