using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>How a sample-trained slice decides it has converged.</summary>
public enum StoppingChoice
{
    /// <summary>Exact where an optimum is known (a Gaussian target and an architecture that holds the exact score), else validation.</summary>
    Auto,

    /// <summary>Exact population excess (Gaussian target, full-range linear network).</summary>
    Exact,

    /// <summary>Validation excess against two long decaying-rate runs (docs/science.md section 10).</summary>
    Validation,

    /// <summary>No stopping: every slice runs the full step cap (a fixed training budget).</summary>
    Budget,

    /// <summary>
    /// Exact excess of a linear network against the optimum of its training data's own measured spectrum G(k)
    /// (<see cref="StoppingRules.ForData"/>): the population loss of the empirical distribution of the training data.
    /// </summary>
    ExactData,
}

/// <summary>
/// A typed request to train a score model on samples, one slice per time of <see cref="Grid"/> (issue 12): the target, the
/// architecture, the process, the data source and the settings. The CLI parses options into it and prints what
/// <see cref="SampleTrainingRun"/> returns.
/// </summary>
public sealed record SampleTrainingRequest(LatticeModel Target, ScoreModelSpec Spec, ForwardProcess Process, TimeGrid Grid,
    SampleSource Source, SampleTrainingConfig Config)
{
    /// <summary>The stopping rule.</summary>
    public StoppingChoice Stopping { get; init; } = StoppingChoice.Auto;

    /// <summary>The ensemble the source draws from, when it is one (its side-car observables are kept with the model).</summary>
    public EnsembleData? Data { get; init; }

    /// <summary>Checks the pieces fit together; throws <see cref="ArgumentException"/> naming the setting.</summary>
    public void Validate()
    {
        Config.Validate();
        Spec.Validate(Target.Lattice);
        if (Source.Lattice != Target.Lattice || Source.Components != Target.Components)
            throw new ArgumentException($"the data have n = {Source.Components} on {Source.Lattice}; the target is n = {Target.Components} on {Target.Lattice}", nameof(Source));
        if (Stopping is StoppingChoice.Exact or StoppingChoice.ExactData && !DataRuleApplies)
            throw new ArgumentException("the exact stopping rule needs a linear architecture that holds the exact score (one-layer, two-layer, deep, dense) or one local layer (one-layer-local:R)", nameof(Stopping));
    }

    /// <summary>The exact-excess rule of a Gaussian target's own spectrum where it applies (no --data), else null.</summary>
    public StoppingRule? ExactRule() =>
        Target is GaussianField field && Spec is LinearModelSpec { Architecture.RepresentsExactScore: true } && Data is null
            ? new ExactExcessRule(field)
            : null;

    /// <summary>True when the exact-data rule (<see cref="StoppingRules.ForData"/>) applies to the architecture.</summary>
    public bool DataRuleApplies => Spec.MomentArchitecture is { } architecture && ExactExcessRule.Applies(architecture);

    /// <summary>
    /// The rule this request trains with. Exact: the Gaussian target's spectrum, else the exact-data rule (the training
    /// data's measured spectrum, <see cref="StoppingRules.ForData"/>); ExactData: the exact-data rule; Auto: the exact rule of
    /// a Gaussian target, else the exact-data rule for a linear network on a data set (not on a chain, whose spectrum is
    /// only estimated), else validation.
    /// </summary>
    public StoppingRule Rule() => Stopping switch
    {
        StoppingChoice.Exact => ExactRule() ?? StoppingRules.ForData(Spec, Source)!,
        StoppingChoice.ExactData => StoppingRules.ForData(Spec, Source)!,
        StoppingChoice.Validation => new ValidationExcessRule(),
        StoppingChoice.Budget => new FixedBudgetRule(),
        _ => ExactRule() ?? (Source is DataSetSource ? StoppingRules.ForData(Spec, Source) : null) ?? new ValidationExcessRule(),
    };
}

/// <summary>Runs a <see cref="SampleTrainingRequest"/>, builds its JSON summary and writes its run folder.</summary>
public static class SampleTrainingRun
{
    /// <summary>
    /// Trains every slice (in parallel over slices, deterministic for any thread count); <paramref name="progress"/> hears of
    /// each finished slice, <paramref name="steps"/> of every evaluation of every run (from several threads at once).
    /// With a <paramref name="folder"/>, each slice is stored there as it finishes (<see cref="SampleSliceStore"/>) and the
    /// slices stored by an earlier, interrupted run of the same request are reused, not retrained: the outcome is
    /// bit-identical to an uninterrupted run's; so is the progress of a slice that was interrupted (its finished reference runs,
    /// and snapshots of its runs every <paramref name="snapshotInterval"/>, default
    /// <see cref="SampleSliceStore.DefaultSnapshotInterval"/>). <paramref name="reused"/> hears how many were reused before training starts.
    /// The caller checks that the folder belongs to the same request (<see cref="CheckResumable"/>).
    /// </summary>
    public static TrainingResult Run(SampleTrainingRequest request, int threads, IProgress<SliceResult>? progress = null,
        CancellationToken cancellation = default, IProgress<SampleTrainingProgress>? steps = null, string? folder = null,
        Action<int>? reused = null, TimeSpan? snapshotInterval = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var clock = Stopwatch.StartNew();
        var rule = request.Rule();
        var model = request.Spec.Create(request.Target.Lattice, request.Target.Components);
        var results = new SliceResult[request.Grid.Count];
        if (folder is not null)
            for (int j = 0; j < results.Length; j++)
                results[j] = SampleSliceStore.Load(folder, j, request.Grid.Times[j], model)!;
        var pending = Enumerable.Range(0, results.Length).Where(j => results[j] is null).ToArray();
        reused?.Invoke(results.Length - pending.Length);
        Trainer.ForEachSlice(pending, results, j =>
        {
            var result = SampleTrainer.TrainSlice(model.Replica(), request.Source, request.Process, request.Grid.Times[j], request.Config, j, rule,
                cancellation, steps, folder is null ? null : SampleSliceStore.Progress(folder, snapshotInterval ?? SampleSliceStore.DefaultSnapshotInterval));
            if (folder is not null) SampleSliceStore.Save(folder, j, result);
            return result;
        }, progress, threads, cancellation);
        return new TrainingResult(results, clock.Elapsed.TotalSeconds) { StoppingRule = rule.Name };
    }

    /// <summary>
    /// Prepares <paramref name="folder"/> for a run with <paramref name="config"/> (its config.json): a new folder, or one
    /// without stored slices, gets config.json (and loses stale slices); a folder with stored slices must hold the same
    /// config.json (key <c>command</c> aside), else <see cref="InvalidDataException"/> naming the first key that differs.
    /// </summary>
    public static void CheckResumable(string folder, JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string path = Path.Combine(folder, "config.json");
        if (SampleSliceStore.HasSlices(folder))
        {
            JsonObject? existing;
            try
            {
                existing = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject : null;
            }
            catch (JsonException)
            {
                existing = null;
            }
            if (existing is null)
                throw new InvalidDataException($"'{folder}' holds trained slices but no readable config.json: delete its '{SampleSliceStore.FolderName}' folder to start over, or use another folder");
            if (SampleSliceStore.ConfigDifference(existing, config) is { } key)
                throw new InvalidDataException($"'{folder}' holds slices of a different run (config key '{key}' differs: {existing[key]?.ToJsonString() ?? "missing"} there, " +
                                               $"{config[key]?.ToJsonString() ?? "missing"} here): use another folder, or delete it to start over");
        }
        Directory.CreateDirectory(folder);
        Checkpoint.WriteAtomic(path, config.ToJsonString(Indented) + "\n");
    }

    /// <summary>The run's settings as JSON (config.json).</summary>
    public static JsonObject Config(SampleTrainingRequest request, string? command = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var c = request.Config;
        var json = new JsonObject
        {
            ["command"] = command,
            ["trainer"] = "samples",
            ["model"] = JsonFormats.SerializeToNode(ModelDescription.Of(request.Target)),
            ["schedule"] = request.Process.Name,
            ["times"] = new JsonArray(request.Grid.Times.Select(t => (JsonNode?)t).ToArray()),
            ["arch"] = request.Spec.Name,
            ["source"] = request.Source.Describe(),
            // What else decides the result, so that a resumed run is refused when it changed: the data themselves, momentum, basis.
            ["data_sha256"] = request.Data is { } data ? Sha256(data.Configurations) : null,
            ["optimizer"] = c.Optimizer.Name,
            ["momentum"] = c.Optimizer is GradientDescent gd ? gd.Momentum : null,
            ["basis"] = request.Spec is LinearModelSpec linear ? linear.Basis.ToString().ToLowerInvariant() : null,
            ["lr"] = c.LearningRate,
            ["batch"] = c.BatchSize,
            ["max_steps"] = c.MaxSteps,
            ["eps"] = c.Eps,
            ["eval_interval"] = c.EvalInterval,
            ["validation_size"] = c.ValidationSize,
            ["reference_factor"] = c.ReferenceLengthFactor,
            ["stopping"] = request.Stopping.ToString().ToLowerInvariant(),
            ["seed"] = c.Seed,
        };
        // Only when set, so that a folder written before these settings existed still resumes.
        if (c.ReferenceDrift is { } drift)
        {
            json["reference_drift"] = drift;
            json["max_reference_doublings"] = c.MaxReferenceDoublings;
        }
        return json;
    }

    /// <summary>The run's summary as JSON (summary.json and the --json output).</summary>
    public static JsonObject Summary(SampleTrainingRequest request, TrainingResult outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        var lattice = request.Target.Lattice;
        // A fixed budget has no convergence test: "converged" and "all_converged" are null (n/a) there, not false, and
        // "status" says "budget" (issue 24).
        bool test = request.Stopping != StoppingChoice.Budget;
        return new JsonObject
        {
            ["trainer"] = "samples",
            ["arch"] = request.Spec.Name,
            ["params_per_slice"] = request.Spec.ParameterCount(lattice, request.Target.Components),
            ["linear"] = request.Spec.IsLinear,
            ["model"] = JsonFormats.SerializeToNode(ModelDescription.Of(request.Target)),
            ["schedule"] = request.Process.Name,
            ["source"] = request.Source.Describe(),
            ["data"] = SampleTrainingRun.DataJson(request.Data),
            ["optimizer"] = request.Config.Optimizer.Name,
            ["batch"] = request.Config.BatchSize,
            ["eps"] = request.Config.Eps,
            ["stopping_rule"] = outcome.StoppingRule,
            ["convergence_test"] = test,
            ["slices"] = new JsonArray(outcome.Slices.Select(s => (JsonNode?)new JsonObject
            {
                ["t"] = s.Time,
                ["lr"] = Number(s.LearningRate),
                ["lr_rule"] = s.LearningRateRule,
                ["steps"] = s.StepsToEps,
                ["steps_run"] = s.StepsRun,
                ["converged"] = test ? s.Converged : null,
                ["status"] = Status(s, test),
                ["diverged"] = s.Diverged,
                ["initial_validation_loss"] = Number(s.Samples!.InitialValidationLoss),
                ["final_validation_loss"] = Number(s.Samples!.FinalValidationLoss),
                ["initial_excess"] = Number(s.InitialExcess),
                ["final_excess"] = Number(s.FinalExcess),
                ["reference_loss"] = Number(s.Samples!.ReferenceLoss),
                ["reference_uncertainty"] = Number(s.Samples!.ReferenceUncertainty),
                ["reference_runs_diverged"] = s.Samples!.ReferenceRunsDiverged,
                ["reference_steps"] = s.Samples!.ReferenceSteps,
                ["reference_drift"] = Number(s.Samples!.ReferenceDrift),
                ["reference_converged"] = s.Samples!.ReferenceConverged,
            }).ToArray()),
            ["steps"] = outcome.StepsToEps,
            ["all_converged"] = test ? outcome.AllConverged : null,
            ["wall_seconds"] = outcome.WallSeconds,
        };
    }

    /// <summary>A slice's outcome for the JSON: "converged", "not converged", "diverged", or "budget" where no test ran.</summary>
    public static string Status(SliceResult slice, bool convergenceTest)
    {
        ArgumentNullException.ThrowIfNull(slice);
        return slice.Diverged ? "diverged" : !convergenceTest ? "budget" : slice.Converged ? "converged" : "not converged";
    }

    /// <summary>
    /// Writes config.json, history_slice{j}.csv (step, validation loss, excess), the checkpoint/ folder
    /// (<see cref="ModelCheckpoint"/>) and summary.json last, each atomically (<see cref="TrainingRunFolder"/>).
    /// </summary>
    public static void WriteFolder(string dir, SampleTrainingRequest request, TrainingResult outcome, JsonObject config, JsonObject summary)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(config);
        TrainingRunFolder.Write(dir, config, "step,validation_loss,excess",
            [.. outcome.Slices.Select(s => s.History.Select(row => $"{row.Step.ToString(CultureInfo.InvariantCulture)},{Csv(row.Loss)},{Csv(row.Excess)}"))],
            checkpoint => ModelCheckpoint.Save(checkpoint, new TrainedModel(request.Target, request.Process, request.Spec, "samples",
                request.Grid.Times, outcome.Slices.Select(s => s.Parameters).ToArray(), summary)),
            summary);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string Sha256(double[] values) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())));

    private static JsonNode? Number(double? x) => x is { } v && double.IsFinite(v) ? v : null;

    private static string Csv(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>The summary's "data" object of a training set (configurations, components, file, observables), or null.</summary>
    internal static JsonObject? DataJson(EnsembleData? data) => data is null ? null : new JsonObject
    {
        ["configurations"] = data.Count,
        ["components"] = data.Components,
        ["file"] = data.SideCar?.NpyFile,
        ["observables"] = data.SideCar?.Observables is { } obs ? JsonFormats.SerializeToNode(obs) : null,
    };
}
