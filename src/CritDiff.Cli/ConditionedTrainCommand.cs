using System.CommandLine;
using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Networks;
using CritDiff.Training;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>
/// <c>critdiff train --arch unet:...</c> (any time-conditioned network, <see cref="ScoreModelSpec.IsTimeConditioned"/>): one network
/// for every t in [--t-min, --t-max], --steps Adam steps with t drawn uniformly, an EMA of the weights (--ema); parses the options
/// into a <see cref="ConditionedTrainingRequest"/>, runs it with <see cref="ConditionedTrainingRun"/> and prints.
/// </summary>
internal static class ConditionedTrainCommand
{
    /// <summary>Learning rate of "--lr auto" for a time-conditioned network: Adam at 1e-3, as score_sde and DMasSQ train.</summary>
    public const double AutoLearningRate = 1e-3;

    public static int Run(ParseResult result, Output o, TrainOptions options, LatticeModel target, ScoreModelSpec spec, string archText, ForwardProcess process)
    {
        CommonOptions.RefuseUnless(result, false,
            "does not apply to a time-conditioned network (one network for every t in [--t-min, --t-max], trained for --steps steps with no stopping rule); drop it",
            options.Time, options.Slices, options.Spacing, options.MaxSteps, options.Eps, options.Basis, options.Momentum, options.Samples.Stop, options.Samples.ReferenceFactor,
            options.Samples.ReferenceDrift, options.Samples.MaxReferenceDoublings);
        try
        {
            spec.Validate(target.Lattice);
        }
        catch (ArgumentException e)
        {
            throw TrainCommand.ArchError(archText, e);
        }
        string name = result.GetValue(options.Optimizer) ?? "adam";
        if (name is not ("adam" or "sgd")) throw new UsageException($"--optimizer must be adam or sgd for a time-conditioned network (got {name})");
        double rate = TrainCommand.AutoOrPositive("--lr", result.GetValue(options.Lr)!, allowZero: false) ?? AutoLearningRate;
        double ema = result.GetValue(options.Samples.Ema);
        if (!(ema >= 0 && ema < 1)) throw new UsageException($"--ema must be in [0, 1) (0: no moving average; got {ema})");
        double tMin = result.GetValue(options.TMin);
        if (!(tMin > 0 && double.IsFinite(tMin))) throw new UsageException($"--t-min must be > 0 (got {tMin})");
        string? dataPath = result.GetValue(options.Data);
        TrainInputs.CheckSideCar("--data", dataPath, target);
        double? chi = dataPath is not null && File.Exists(dataPath) ? TrainInputs.DataSusceptibility(dataPath, target.Lattice)
            : target is GaussianField g ? g.Susceptibility : null;
        string tMaxText = result.GetValue(options.TMax)!;
        double tMax = tMaxText == "auto"
            ? process.AutoFinalTime(chi ?? throw new UsageException("--t-max auto needs the target's chi: with a finite-n target and --chain give --t-max (e.g. 0.5 ln(1 + 1000 chi))"), 1e-3)
            : NumericOptions.TryReal(tMaxText, out double x) && x > 0 && double.IsFinite(x) ? x
            : throw new UsageException($"--t-max must be auto or a number > 0 (got {tMaxText})");
        if (!(tMax > tMin)) throw new UsageException($"--t-max ({tMax:G4}) must be larger than --t-min ({tMin:G4})");
        var config = new ConditionedTrainingConfig
        {
            Optimizer = Optimizer.Parse(name),
            LearningRate = rate,
            BatchSize = Limits.Count("--batch", result.GetValue(options.Batch), 1, Limits.MaxBatch),
            Steps = Limits.Count("--steps", result.GetValue(options.Samples.Steps), 1, Limits.MaxSteps),
            EmaDecay = ema,
            TimeMin = tMin,
            TimeMax = tMax,
            // Two validation passes (raw and averaged weights) every 10 steps would cost more than the training: 100 unless given.
            EvalInterval = result.GetResult(options.Samples.EvalInterval) is { Implicit: false }
                ? Limits.Count("--eval-interval", result.GetValue(options.Samples.EvalInterval), 1, 1_000_000)
                : ConditionedTrainingConfig.Default.EvalInterval,
            ValidationSize = Limits.Count("--validation-size", result.GetValue(options.Samples.ValidationSize), 1, 1_000_000),
            Seed = result.GetValue(options.Seed),
        };
        string? dir = result.GetValue(options.Folder) is { } f ? CommonOptions.CheckWritableFolder("--out", f) : null;
        int threads = CommonOptions.CheckThreads(result.GetValue(options.Threads));
        var source = SampleTrainCommand.Source(result, options.Samples, target, dataPath, config.Seed, out var data);
        var request = new ConditionedTrainingRequest(target, spec, process, source, config) { Data = data };
        try
        {
            request.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{(e.ParamName == "Source" ? "--data" : "--arch")}: {e.Message.Split(" (Parameter")[0].Split('\n')[0]}");
        }
        long parameters = spec.ParameterCount(target.Lattice, target.Components);
        Limits.Memory("--batch", spec.TrainingBytes(target.Lattice, target.Components, config.BatchSize),
            $"batches of {config.BatchSize} configurations of n V = {target.ConfigurationLength} values with {spec.HiddenChannels} hidden channels");
        Limits.Memory("--arch", 40.0 * parameters, $"{parameters} parameters with their gradient, Adam moments and moving average");
        if (dir is not null) TrainCommand.CheckOutFolder(dir);
        var configJson = ConditionedTrainingRun.Config(request, string.Join(' ', result.Tokens.Select(t => t.Value)));

        o.Note($"training {spec.Name} ({parameters} parameters, one network for t in [{tMin:G4}, {tMax:G4}]) on samples of {target.Describe()}: {source.Describe()}; " +
               $"{config.Optimizer.Name} lr {rate:G3}, batch {config.BatchSize}, {config.Steps} steps, EMA {ema:G4}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long lastNote = -10_000;
        var progress = new Progress(p =>
        {
            if (p.Step != p.Steps && clock.ElapsedMilliseconds - lastNote < 10_000) return;
            lastNote = clock.ElapsedMilliseconds;
            o.Note(FormattableString.Invariant($"  step {p.Step}/{p.Steps}: validation loss {p.ValidationLoss:G6} (EMA {p.EmaValidationLoss:G6}), elapsed {clock.Elapsed.TotalSeconds:F0} s"));
        });
        var outcome = ConditionedTrainingRun.Run(request, threads, progress);
        double? exact = ConditionedTrainingRun.ExactValidationLoss(request);
        var summary = ConditionedTrainingRun.Summary(request, outcome, exact);
        if (dir is not null) ConditionedTrainingRun.WriteFolder(dir, request, outcome, configJson, summary);
        if (o.Json) o.WriteJson(summary);
        else Print(o, request, outcome, exact);
        if (outcome.Diverged)
            throw new RunFailedException($"training diverged at step {outcome.StepsRun}: learning rate {rate:G4} is too large for {config.Optimizer.Name} on these samples; use a smaller --lr or a larger --batch");
        return 0;
    }

    private sealed class Progress(Action<ConditionedTrainingProgress> handler) : IProgress<ConditionedTrainingProgress>
    {
        public void Report(ConditionedTrainingProgress value) => handler(value);
    }

    private static void Print(Output o, ConditionedTrainingRequest request, ConditionedTrainingResult outcome, double? exact)
    {
        var table = new Table().AddColumns("step", "training loss", "validation loss", "EMA validation loss");
        foreach (var row in outcome.History)
            table.AddRow(row.Step.ToString(System.Globalization.CultureInfo.InvariantCulture), Output.Format(row.TrainingLoss),
                Output.Format(row.ValidationLoss), Output.Format(row.EmaValidationLoss));
        var console = ModelCommand.Console(o);
        console.Write(table);
        if (exact is { } e) console.WriteLine($"exact score on the validation set: {Output.Format(e)} (the lowest loss any network reaches)");
        console.WriteLine($"{request.Spec.Name}: {request.Spec.ParameterCount(request.Target.Lattice, request.Target.Components)} parameters; " +
                          $"{outcome.StepsRun} steps in {outcome.WallSeconds:F2} s");
    }
}
