using System.Globalization;
using System.Text.Json.Nodes;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>
/// A linear training run (population or empirical): the problem, the trainer's settings, the target's description
/// (<paramref name="Model"/>, as the run's JSON shows it) and the command line that asked for it.
/// </summary>
public sealed record TrainingRequest(TrainingProblem Problem, TrainingConfig Config, JsonObject Model)
{
    /// <summary>
    /// The real target, stored with the model (<see cref="TrainedModel.Target"/>): by default the problem's field; a finite-n
    /// target, which enters the problem only through its measured spectrum, must be given here.
    /// </summary>
    public LatticeModel Target { get; init; } = Problem.Field;

    /// <summary>The command line, recorded in config.json.</summary>
    public string? Command { get; init; }

    /// <summary>What the excess is measured against, in words.</summary>
    public string ReferenceName => Problem.TargetSpectrum is null ? "exact model spectrum" : "data spectrum";
}

/// <summary>
/// Runs a <see cref="TrainingRequest"/> (<see cref="Trainer"/>), builds its config.json and JSON summary and writes its
/// run folder (<see cref="TrainingRunFolder"/>), as <see cref="SampleTrainingRun"/> does for sample training.
/// </summary>
public static class TrainingRun
{
    /// <summary>Trains every slice (in parallel over slices; deterministic for any thread count).</summary>
    public static TrainingResult Run(TrainingRequest request, int threads, IProgress<SliceResult>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Trainer.Train(request.Problem, request.Config, progress, threads, cancellation);
    }

    /// <summary>The run's settings as JSON (config.json).</summary>
    public static JsonObject Config(TrainingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (problem, config) = (request.Problem, request.Config);
        return new JsonObject
        {
            ["command"] = request.Command,
            ["model"] = request.Model.DeepClone(),
            ["schedule"] = problem.Process.Name,
            ["times"] = new JsonArray(problem.Grid.Times.Select(t => (JsonNode?)t).ToArray()),
            ["arch"] = problem.Architecture.Name,
            ["basis"] = problem.Basis.ToString().ToLowerInvariant(),
            ["start"] = config.Start.ToString(),
            ["mode"] = config.Mode.ToString().ToLowerInvariant(),
            ["optimizer"] = config.Optimizer.Name,
            ["lr"] = Number(config.LearningRate),
            ["init"] = Number(config.InitialScale),
            ["eps"] = config.Eps,
            ["max_steps"] = config.MaxSteps,
            ["batch"] = config.BatchSize,
            ["seed"] = config.Seed,
            ["data"] = DataJson(problem.Data),
            ["reference"] = request.ReferenceName,
            ["spectrum"] = SpectrumJson(problem.TargetSpectrum),
        };
    }

    /// <summary>The run's summary as JSON (summary.json and the --json output).</summary>
    public static JsonObject Summary(TrainingRequest request, TrainingResult trained)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(trained);
        var (problem, config) = (request.Problem, request.Config);
        return new JsonObject
        {
            ["arch"] = problem.Architecture.Name,
            ["params_per_slice"] = problem.Architecture.ParameterCount(problem.Lattice),
            ["mode"] = config.Mode.ToString().ToLowerInvariant(),
            ["optimizer"] = config.Optimizer.Name,
            ["basis"] = problem.Basis.ToString().ToLowerInvariant(),
            ["start"] = config.Start.ToString(),
            ["schedule"] = problem.Process.Name,
            ["model"] = request.Model.DeepClone(),
            ["data"] = DataJson(problem.Data),
            ["reference"] = request.ReferenceName,
            ["spectrum"] = SpectrumJson(problem.TargetSpectrum),
            ["slices"] = new JsonArray(trained.Slices.Select(s => (JsonNode?)SliceJson(s)).ToArray()),
            ["steps"] = trained.StepsMax,
            ["all_converged"] = trained.AllConverged,
            ["wall_seconds"] = trained.WallSeconds,
        };
    }

    /// <summary>One slice of the summary: the common fields and the moment objective's details.</summary>
    private static JsonObject SliceJson(SliceResult s)
    {
        var m = s.Moments!;
        return new JsonObject
        {
            ["t"] = s.Time,
            ["lr"] = Number(s.LearningRate),
            ["lr_rule"] = s.LearningRateRule,
            ["stable_lr"] = Number(m.StableLearningRate),
            ["init"] = m.InitialScale,
            ["steps"] = s.Steps,
            ["converged"] = s.Converged,
            ["diverged"] = s.Diverged,
            ["initial_excess"] = Number(s.InitialExcess),
            ["final_excess"] = Number(s.FinalExcess),
            ["optimum_gap_to_exact"] = Number(m.OptimumGapToExact),
            ["optimum_closed_form"] = m.OptimumIsClosedForm,
            ["final_score_error"] = Number(m.FinalScoreError),
            ["predicted_steps"] = m.PredictedSteps,
        };
    }

    /// <summary>
    /// Writes config.json and, for a measured target spectrum, spectrum.npy (else removes an earlier run's) before
    /// training starts; an <see cref="IOException"/> abandons the folder (<see cref="TrainingRunFolder.Abandon"/>), then propagates.
    /// </summary>
    public static void WriteConfig(string dir, TrainingRequest request, JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(config);
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), JsonFiles.ToFileText(config));
            // Slices a samples-mode run kept for resuming belong to that run, which this one replaces.
            string slices = Path.Combine(dir, SampleSliceStore.FolderName);
            if (Directory.Exists(slices)) Directory.Delete(slices, recursive: true);
            if (request.Problem.TargetSpectrum is { } target) WriteSpectrum(Path.Combine(dir, "spectrum.npy"), target, request.Problem.Lattice);
            else File.Delete(Path.Combine(dir, "spectrum.npy")); // an earlier run's, not this one's
        }
        catch (IOException)
        {
            TrainingRunFolder.Abandon(dir);
            throw;
        }
    }

    /// <summary>
    /// Writes history_slice{j}.csv (step, loss, excess, score error), the checkpoint/ folder (<see cref="ModelCheckpoint"/>)
    /// and summary.json last, each atomically (<see cref="TrainingRunFolder"/>).
    /// </summary>
    public static void WriteFolder(string dir, TrainingRequest request, TrainingResult trained, JsonObject summary)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(trained);
        var problem = request.Problem;
        TrainingRunFolder.Write(dir, null, "step,loss,excess,score_error",
            [.. trained.Slices.Select(s => s.History.Select(row =>
                string.Create(CultureInfo.InvariantCulture, $"{row.Step},{row.Loss:R},{Csv(row.Excess)},{Csv(row.ScoreError)}")))],
            checkpoint => ModelCheckpoint.Save(checkpoint, new TrainedModel(request.Target, problem.Process,
                new LinearModelSpec(problem.Architecture, problem.Basis), request.Config.Mode.ToString().ToLowerInvariant(),
                problem.Grid.Times, trained.Slices.Select(s => s.Parameters).ToArray(), summary)),
            summary);
    }

    /// <summary>The spectrum as [2, L, ..., L]: G(k), then its standard error.</summary>
    private static void WriteSpectrum(string path, MeasuredSpectrum spectrum, Lattice lattice) =>
        NpyFile.Write(path, [.. spectrum.Mean, .. spectrum.Error], [2, .. lattice.Shape]);

    private static JsonObject? SpectrumJson(MeasuredSpectrum? spectrum) => spectrum is null ? null : new JsonObject
    {
        ["source"] = spectrum.Source,
        ["configurations"] = spectrum.Samples,
        ["components"] = spectrum.Components,
        ["chi"] = Number(spectrum.Susceptibility),
        ["chi_err"] = Number(spectrum.SusceptibilityError),
    };

    private static JsonObject? DataJson(TrainingData? data) => data is null ? null : new JsonObject
    {
        ["configurations"] = data.ConfigurationCount,
        ["components"] = data.Components,
        ["fields"] = data.Count,
    };

    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    private static JsonNode? Number(double? value) => value is { } v ? Number(v) : null;

    private static string Csv(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";
}
