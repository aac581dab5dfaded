using System.Globalization;
using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>
/// A typed request to train one time-conditioned network on samples for every t in [t_min, T] (issue 22): the target, the
/// network (<see cref="ScoreModelSpec.IsTimeConditioned"/>), the process, the data source and the settings. The CLI parses
/// <c>train --arch unet:...</c> into it and prints what <see cref="ConditionedTrainingRun"/> returns.
/// </summary>
public sealed record ConditionedTrainingRequest(LatticeModel Target, ScoreModelSpec Spec, ForwardProcess Process, SampleSource Source,
    ConditionedTrainingConfig Config)
{
    /// <summary>The ensemble the source draws from, when it is one (its side-car observables are kept with the model).</summary>
    public EnsembleData? Data { get; init; }

    /// <summary>Checks the pieces fit together; throws <see cref="ArgumentException"/> naming the setting.</summary>
    public void Validate()
    {
        Config.Validate();
        if (!Spec.IsTimeConditioned) throw new ArgumentException($"{Spec.Name} is a per-slice network: train it with SampleTrainingRun", nameof(Spec));
        Spec.Validate(Target.Lattice);
        if (Source.Lattice != Target.Lattice || Source.Components != Target.Components)
            throw new ArgumentException($"the data have n = {Source.Components} on {Source.Lattice}; the target is n = {Target.Components} on {Target.Lattice}", nameof(Source));
    }
}

/// <summary>Runs a <see cref="ConditionedTrainingRequest"/>, builds its JSON summary and writes its run folder.</summary>
public static class ConditionedTrainingRun
{
    /// <summary>The <c>trainer</c> of config.json and summary.json.</summary>
    public const string TrainerName = "time-conditioned";

    /// <summary>Trains the network with up to <paramref name="threads"/> threads (0 or -1: all processors; the result does not depend on it).</summary>
    public static ConditionedTrainingResult Run(ConditionedTrainingRequest request, int threads, IProgress<ConditionedTrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        int workers = threads <= 0 ? 0 : threads;
        var model = (TimeConditionedModel)request.Spec.Create(request.Target.Lattice, request.Target.Components, workers);
        return ConditionedTrainer.Train(model, request.Source, request.Process, request.Config, workers, progress, cancellation);
    }

    /// <summary>
    /// The loss of the exact score on the validation set, for a Gaussian target trained on its exact samples (no data set):
    /// the lowest validation loss any network can reach (up to the set's sampling error, which it shares with the trained
    /// network's loss); null elsewhere.
    /// </summary>
    public static double? ExactValidationLoss(ConditionedTrainingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Target is not GaussianField field || request.Data is not null || request.Source is not GaussianSource) return null;
        var lattice = field.Lattice;
        var score = TimeScore.ExactGaussian(lattice, field.Components, field.SpectrumTable(), request.Process);
        var set = ConditionedTrainer.ValidationSet(request.Source, request.Config);
        int width = field.ConfigurationLength;
        var noised = new double[width];
        var s = new double[width];
        double sum = 0;
        for (int i = 0; i < set.Count; i++)
        {
            double t = set.Times[i], a = request.Process.SignalScale(t), b = Math.Sqrt(request.Process.NoiseVariance(t));
            for (int j = 0; j < width; j++) noised[j] = a * set.X0[i * width + j] + b * set.Z[i * width + j];
            score.Score(t, noised, 1, s);
            for (int j = 0; j < width; j++)
            {
                double r = b * s[j] + set.Z[i * width + j];
                sum += r * r;
            }
        }
        return sum / ((double)set.Count * width);
    }

    /// <summary>The run's settings as JSON (config.json).</summary>
    public static JsonObject Config(ConditionedTrainingRequest request, string? command = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var c = request.Config;
        return new JsonObject
        {
            ["command"] = command,
            ["trainer"] = TrainerName,
            ["model"] = JsonFormats.SerializeToNode(ModelDescription.Of(request.Target)),
            ["schedule"] = request.Process.Name,
            ["t_min"] = c.TimeMin,
            ["t_max"] = c.TimeMax,
            ["arch"] = request.Spec.Name,
            ["source"] = request.Source.Describe(),
            ["optimizer"] = c.Optimizer.Name,
            ["lr"] = c.LearningRate,
            ["batch"] = c.BatchSize,
            ["steps"] = c.Steps,
            ["ema"] = c.EmaDecay,
            ["eval_interval"] = c.EvalInterval,
            ["validation_size"] = c.ValidationSize,
            ["seed"] = c.Seed,
        };
    }

    /// <summary>The run's summary as JSON (summary.json and the --json output; keys in docs/json.md).</summary>
    public static JsonObject Summary(ConditionedTrainingRequest request, ConditionedTrainingResult outcome, double? exactValidationLoss)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        var c = request.Config;
        return new JsonObject
        {
            ["trainer"] = TrainerName,
            ["arch"] = request.Spec.Name,
            ["time_conditioned"] = true,
            ["parameters"] = request.Spec.ParameterCount(request.Target.Lattice, request.Target.Components),
            ["linear"] = false,
            ["model"] = JsonFormats.SerializeToNode(ModelDescription.Of(request.Target)),
            ["schedule"] = request.Process.Name,
            ["source"] = request.Source.Describe(),
            ["data"] = SampleTrainingRun.DataJson(request.Data),
            ["t_min"] = c.TimeMin,
            ["t_max"] = c.TimeMax,
            ["t_sampling"] = "uniform in t",
            ["optimizer"] = c.Optimizer.Name,
            ["lr"] = c.LearningRate,
            ["batch"] = c.BatchSize,
            ["steps"] = c.Steps,
            ["steps_run"] = outcome.StepsRun,
            ["ema"] = c.EmaDecay,
            ["diverged"] = outcome.Diverged,
            ["validation_size"] = c.ValidationSize,
            ["initial_validation_loss"] = Number(outcome.InitialValidationLoss),
            ["final_validation_loss"] = Number(outcome.FinalValidationLoss),
            ["final_ema_validation_loss"] = Number(outcome.FinalEmaValidationLoss),
            ["exact_validation_loss"] = Number(exactValidationLoss),
            ["wall_seconds"] = outcome.WallSeconds,
        };
    }

    /// <summary>
    /// Writes config.json, history_slice000.csv (step, training loss, validation loss of the raw and of the averaged weights;
    /// the one network is slice 0), the checkpoint/ folder (<see cref="ModelCheckpoint"/> version 3) and summary.json last,
    /// each atomically (<see cref="TrainingRunFolder"/>).
    /// </summary>
    public static void WriteFolder(string dir, ConditionedTrainingRequest request, ConditionedTrainingResult outcome, JsonObject config, JsonObject summary)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        TrainingRunFolder.Write(dir, config, "step,training_loss,validation_loss,ema_validation_loss",
            [outcome.History.Select(r => string.Join(',', r.Step.ToString(CultureInfo.InvariantCulture), Csv(r.TrainingLoss), Csv(r.ValidationLoss), Csv(r.EmaValidationLoss)))],
            checkpoint => ModelCheckpoint.Save(checkpoint, Model(request, outcome, summary)),
            summary);
    }

    /// <summary>The trained model as a checkpoint holds it.</summary>
    public static TrainedModel Model(ConditionedTrainingRequest request, ConditionedTrainingResult outcome, JsonObject? summary = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        var c = request.Config;
        return TrainedModel.TimeConditioned(request.Target, request.Process, request.Spec, c.TimeMin, c.TimeMax, outcome.Parameters,
            c.EmaDecay > 0 ? outcome.EmaParameters : null, c.EmaDecay, summary);
    }

    private static JsonNode? Number(double? x) => x is { } v && double.IsFinite(v) ? v : null;

    private static string Csv(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";
}
