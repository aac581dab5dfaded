using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Persistence;
using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// A typed request to generate from a model trained on samples (<see cref="TrainedModel"/>, linear or nonlinear) with a
/// real-space sampler, and to compare the samples with the target: observables against reference values (an ensemble's
/// Monte Carlo estimates), the distance between magnetisation histograms, and with the probability-flow ODE the exact
/// log-density of each sample, importance weights towards exp(-S), ESS per sample, reweighted observables and an
/// independence-Metropolis chain (issue 12).
/// </summary>
public sealed record SampleGenerationRequest(TrainedModel Model, GenerationSettings Settings, int Count, ulong Seed)
{
    /// <summary>Where to write the samples as .npy ([N, L, ..., L], or [N, n, L, ..., L] for n &gt; 1), or null.</summary>
    public string? SamplesPath { get; init; }

    /// <summary>Interpolate the score linearly in t between slices (default) or use the nearest slice.</summary>
    public bool Interpolate { get; init; } = true;

    /// <summary>A time-conditioned model samples with its moving average of the weights (true) or its last step's (false).</summary>
    public bool AverageWeights { get; init; } = true;

    /// <summary>Reference observables (names as <see cref="ModelEstimates.Named"/>), e.g. of the training ensemble.</summary>
    public IReadOnlyDictionary<string, ValueWithError>? Reference { get; init; }

    /// <summary>Where the reference comes from, in words.</summary>
    public string? ReferenceSource { get; init; }

    /// <summary>Compute importance weights where the samples carry log q (default true; log q only when <see cref="Options"/> asks).</summary>
    public bool Reweight { get; init; } = true;

    /// <summary>The log-density method (none by default: no trace is evaluated) and the optional denoising step.</summary>
    public RealSpaceOptions Options { get; init; } = RealSpaceOptions.None;

    /// <summary>
    /// With importance weights from a trace-rule log q (exact or Hutchinson, not discrete): run the K -> 2K check
    /// (<see cref="StepRefinement"/>, one more generation at 2K steps) and warn when the weights move (default true).
    /// </summary>
    public bool StepCheck { get; init; } = true;

    /// <summary>Where to write each sample's log q, its error and log w (<see cref="SampleWeightsFile"/>), or null.</summary>
    public string? WeightsPath { get; init; }

    /// <summary>The first magnetisation component of reference configurations (for the histogram distance), if known.</summary>
    public IReadOnlyList<double>? ReferenceMagnetisations { get; init; }

    /// <summary>The reference's signed M, chi_2, G(r) and G(k_m) (an ensemble's, or exact for a Gaussian target), if known.</summary>
    public TwoPointEstimates? ReferenceTwoPoint { get; init; }
}

/// <summary>What generation produced.</summary>
/// <param name="Samples">The samples (and with the ODE their log-density).</param>
/// <param name="Generated">Unweighted observables of the samples (independent samples).</param>
/// <param name="Magnetisations">The first magnetisation component of every sample.</param>
/// <param name="Weights">Importance weights and their results, when computable.</param>
/// <param name="WeightsUnavailable">Why there are no weights (sampler without density, constrained target, non-finite samples), or null.</param>
/// <param name="WallSeconds">Wall time.</param>
public sealed record SampleGenerationOutcome(RealSpaceSamples Samples, ModelEstimates Generated, double[] Magnetisations,
    ImportanceWeightResult? Weights, string? WeightsUnavailable, double WallSeconds)
{
    /// <summary>True when ESS/N is below <see cref="ImportanceWeights.LowEssFraction"/>.</summary>
    public bool LowEss => Weights?.LowEss ?? false;

    /// <summary>Signed M, chi_2, G(r) and G(k_m) of the samples (<see cref="GeneratedTwoPoint"/>), or null when they diverged.</summary>
    public TwoPointEstimates? TwoPoint { get; init; }

    /// <summary>The same reweighted, when there are weights.</summary>
    public TwoPointEstimates? ReweightedTwoPoint { get; init; }

    /// <summary>Where G(r) was written as CSV (next to the samples file), or null.</summary>
    public string? TwoPointCsv { get; init; }

    /// <summary>The K -> 2K check of a trace-rule log q used for weights (<see cref="SampleGenerationRequest.StepCheck"/>), or null.</summary>
    public StepRefinement? Refinement { get; init; }
}

/// <summary>Runs a <see cref="SampleGenerationRequest"/> and builds its JSON summary.</summary>
public static class SampleGenerationRun
{
    /// <summary>Reference observables and magnetisations of an ensemble (measured on its configurations as independent samples).</summary>
    public static (IReadOnlyDictionary<string, ValueWithError> Observables, double[] Magnetisations) Reference(LatticeModel target, EnsembleData data)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(data);
        var estimates = NonlinearStudy.SampleEstimates(target, data.Configurations, data.Count, out double[] magnetisations);
        return (estimates.Named.ToDictionary(p => p.Name, p => ValueWithError.Of(p.Value)), magnetisations);
    }

    /// <summary>Generates, measures and (with the ODE, for unconstrained targets) reweights.</summary>
    public static SampleGenerationOutcome Run(SampleGenerationRequest request, int threads, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var model = request.Model;
        var score = model.Score(request.Interpolate, request.AverageWeights);
        var samples = RealSpaceSampler.Generate(score, model.Process, request.Settings, request.Count, request.Seed, progress, threads, request.Options);
        bool finite = Usable(samples.Samples);
        var generated = finite
            ? NonlinearStudy.SampleEstimates(model.Target, samples.Samples, samples.Count, out double[] magnetisations)
            : Nan(out magnetisations, samples.Count);
        string? unavailable = null;
        ImportanceWeightResult? weights = null;
        if (!finite) unavailable = $"samples are not finite or beyond |x| = {MaxSampleMagnitude:G1} (the score diverged)";
        else if (!request.Reweight) unavailable = "not asked for";
        else if (samples.LogDensity is null) unavailable = request.Settings.Sampler.CarriesLogDensity
            ? "log q was not computed (ask with --reweight or --log-density)"
            : request.Settings.Sampler.CarriesPathWeight
                ? "path weights were not computed (ask with --reweight)"
                : "only the probability-flow ODE (--sampler ode-heun) and the path weights of sde-em / sde-exp give importance weights";
        else if (model.Target.IsConstrained) unavailable = $"{model.Target.Kind} spins are constrained to spheres: no density on R^(nV) to reweight";
        else if (request.Count < 4) unavailable = "reweighting needs at least 4 samples";
        else if (!samples.LogDensity.All(double.IsFinite)) unavailable = "a log-density is not finite";
        else weights = ImportanceWeights.Apply(model.Target, samples, request.Seed ^ ImportanceWeights.ChainStream);
        StepRefinement? refinement = null;
        if (weights is not null && request.StepCheck && !samples.PathWeights && samples.LogDensityMethod is { } method and not DiscreteMapDensity)
            refinement = StepRefinement.Measure(score, model.Process, request.Settings, request.Options, request.Seed, model.Target, samples, threads);
        if (request.SamplesPath is { } path) NpyFile.Write(path, samples.Samples, SampleShape(model.Target, request.Count));
        TwoPointEstimates? twoPoint = null, reweightedTwoPoint = null;
        string? csv = null;
        if (finite)
        {
            twoPoint = GeneratedTwoPoint.Measure(model.Target, samples.Samples, samples.Count, threads, out var rows);
            if (weights is not null) reweightedTwoPoint = GeneratedTwoPoint.Reweighted(model.Target, rows, weights);
            if (request.SamplesPath is { } samplesPath)
                File.WriteAllText(csv = GeneratedTwoPoint.CsvPath(samplesPath), GeneratedTwoPoint.Csv(twoPoint, request.ReferenceTwoPoint));
        }
        if (request.WeightsPath is { } weightsPath && samples.LogDensity is { } logQ)
            SampleWeightsFile.Write(weightsPath, logQ, samples.LogDensityError, weights?.LogWeights);
        return new SampleGenerationOutcome(samples, generated, magnetisations, weights, unavailable, clock.Elapsed.TotalSeconds)
        {
            TwoPoint = twoPoint, ReweightedTwoPoint = reweightedTwoPoint, TwoPointCsv = csv, Refinement = refinement,
        };
    }

    /// <summary>The .npy shape of <paramref name="count"/> samples: [N, L, ..., L], with the n axis after N when n &gt; 1.</summary>
    public static int[] SampleShape(LatticeModel target, int count)
    {
        ArgumentNullException.ThrowIfNull(target);
        return [count, .. target.Components == 1 ? [] : new[] { target.Components }, .. target.Lattice.Shape];
    }

    /// <summary>
    /// chi of the training ensemble stored with the model (for --t-max auto), else the exact chi of a Gaussian target;
    /// null when neither is known.
    /// </summary>
    public static double? Susceptibility(TrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Summary?["data"]?["observables"]?["susceptibility"]?["value"] is JsonValue v && v.TryGetValue(out double chi) && chi > 0 ? chi
            : model.Target is GaussianField g ? g.Susceptibility
            : null;
    }

    /// <summary>
    /// The request with the reference it gets without a --data ensemble: the training ensemble's Monte Carlo estimates
    /// stored with the model, else the exact values of a Gaussian target, else none.
    /// </summary>
    public static SampleGenerationRequest WithDefaultReference(SampleGenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = request.Model;
        if (model.Summary?["data"]?["observables"] is JsonObject stored)
        {
            var observables = stored.ToDictionary(p => p.Key, p => new ValueWithError((double?)p.Value?["value"], (double?)p.Value?["error"]));
            return request with { Reference = observables, ReferenceSource = "training ensemble (Monte Carlo estimates stored with the model)" };
        }
        if (model.Target is GaussianField field)
        {
            var exactValues = new Dictionary<string, ValueWithError>
            {
                ["susceptibility"] = new(field.Susceptibility, 0),
                ["xi2"] = new(field.SecondMomentCorrelationLength, 0),
                ["energy"] = new(field.Energy, 0),
            };
            return request with
            {
                Reference = exactValues, ReferenceSource = "exact values of the Gaussian target", ReferenceTwoPoint = GeneratedTwoPoint.Exact(field),
            };
        }
        return request;
    }

    private static ModelEstimates Nan(out double[] magnetisations, int count)
    {
        magnetisations = Enumerable.Repeat(double.NaN, count).ToArray();
        var nan = new Stats(double.NaN, double.NaN);
        return new ModelEstimates(nan, nan, nan, nan, nan, nan, nan, count);
    }

    /// <summary>
    /// One row per observable (names as <see cref="ModelEstimates.Named"/>): the generated value, the reference and the
    /// z-score against it where there is one, and the reweighted and chain values where there are weights.
    /// </summary>
    public static IReadOnlyList<SampleObservableRow> ObservableRows(SampleGenerationRequest request, SampleGenerationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        var rows = new List<SampleObservableRow>();
        foreach (var (name, value) in outcome.Generated.Named)
        {
            var row = new SampleObservableRow(name, Finite(value.Mean), Finite(value.Error));
            if (request.Reference?.GetValueOrDefault(name) is { Value: { } reference } r)
            {
                double combined = Math.Sqrt(value.Error * value.Error + (r.Error ?? 0) * (r.Error ?? 0));
                row = row with { HasReference = true, Reference = reference, ReferenceError = r.Error, Z = Finite((value.Mean - reference) / combined) };
            }
            if (outcome.Weights is { } w)
            {
                var reweighted = w.Reweighted.Named.First(p => p.Name == name).Value;
                var chain = w.Metropolis.Named.First(p => p.Name == name).Value;
                row = row with
                {
                    HasWeights = true, Reweighted = Finite(reweighted.Mean), ReweightedError = Finite(reweighted.Error),
                    Chain = Finite(chain.Mean), ChainError = Finite(chain.Error),
                };
                if (request.Reference?.GetValueOrDefault(name) is { Value: { } rv, Error: var re })
                    row = row with { ReweightedZ = Finite((reweighted.Mean - rv) / Math.Sqrt(reweighted.Error * reweighted.Error + (re ?? 0) * (re ?? 0))) };
            }
            rows.Add(row);
        }
        if (outcome.TwoPoint is { } twoPoint) rows.AddRange(GeneratedTwoPoint.Rows(twoPoint, request.ReferenceTwoPoint, outcome.ReweightedTwoPoint));
        return rows;
    }

    /// <summary>Total-variation distance between the magnetisation histograms of the samples and the reference, if it has them.</summary>
    public static double? HistogramDistance(SampleGenerationRequest request, SampleGenerationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        return request.ReferenceMagnetisations is { } m ? NonlinearStudy.HistogramDistance(outcome.Magnetisations, m) : null;
    }

    /// <summary>The summary: settings, observables with z-scores against the reference, histogram distance, weights.</summary>
    public static JsonObject Summary(SampleGenerationRequest request, SampleGenerationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        var observables = new JsonObject();
        foreach (var row in ObservableRows(request, outcome))
        {
            var entry = new JsonObject { ["value"] = row.Value, ["error"] = row.Error };
            if (row.HasReference)
            {
                entry["reference"] = row.Reference;
                entry["reference_error"] = row.ReferenceError;
                entry["z"] = row.Z;
            }
            if (row.HasWeights)
            {
                entry["reweighted"] = row.Reweighted;
                entry["reweighted_error"] = row.ReweightedError;
                entry["chain"] = row.Chain;
                entry["chain_error"] = row.ChainError;
                if (row.HasReference) entry["reweighted_z"] = row.ReweightedZ;
            }
            observables[row.Name] = entry;
        }
        var w2 = outcome.Weights;
        return new JsonObject
        {
            ["trainer"] = "samples",
            ["arch"] = request.Model.Spec.Name,
            ["model"] = JsonFormats.SerializeToNode(ModelDescription.Of(request.Model.Target)),
            ["sampler"] = request.Settings.Sampler.Name,
            ["steps"] = request.Settings.Steps,
            ["t_max"] = request.Settings.FinalTime,
            ["t_min"] = request.Settings.MinTime,
            ["schedule"] = request.Model.Process.Name,
            ["grid"] = request.Settings.Grid.Name,
            ["sigma_min"] = (request.Model.Process as GeometricVarianceExploding)?.SigmaMin,
            ["sigma_max"] = (request.Model.Process as GeometricVarianceExploding)?.SigmaMax,
            ["interp"] = request.Interpolate,
            ["n"] = request.Count,
            ["seed"] = request.Seed,
            ["reference"] = request.ReferenceSource,
            ["observables"] = observables,
            ["m_histogram_distance"] = Number(HistogramDistance(request, outcome)),
            ["network_weights"] = request.Model.IsTimeConditioned ? (request.AverageWeights && request.Model.EmaParameters is not null ? "ema" : "raw") : null,
            ["denoise"] = outcome.Samples.Denoised,
            ["log_density"] = outcome.Samples.LogDensity is { } logq ? LogDensitySummary(outcome.Samples, logq, outcome.Refinement) : null,
            ["reweighting"] = w2 is null ? new JsonObject { ["available"] = false, ["why"] = outcome.WeightsUnavailable } : new JsonObject
            {
                ["available"] = true,
                ["weights"] = outcome.Samples.PathWeights ? "path" : "ode",
                ["ess_fraction"] = Number(w2.EffectiveSampleFraction),
                ["ess"] = Number(w2.EffectiveSampleFraction * w2.Count),
                ["low_ess"] = w2.LowEss,
                ["low_ess_threshold"] = ImportanceWeights.LowEssFraction,
                ["low_ess_min_ess"] = ImportanceWeights.LowEssCount,
                ["action_density"] = Number(w2.ActionDensity.Mean),
                ["action_density_err"] = Number(w2.ActionDensity.Error),
                ["metropolis_acceptance"] = Number(w2.MetropolisAcceptance),
            },
            ["two_point"] = outcome.TwoPoint is { } g ? GeneratedTwoPoint.Json(g, request.ReferenceTwoPoint, outcome.TwoPointCsv) : null,
            ["warnings"] = new JsonArray(Warnings(request, outcome).Select(s => (JsonNode?)s).ToArray()),
            ["wall_seconds"] = outcome.WallSeconds,
            ["weights_file"] = request.WeightsPath,
            ["out"] = request.SamplesPath, // last: the command line used to add it after the summary was built
        };
    }

    /// <summary>log q over the samples: mean, min, max, the method, trace evaluations per sample and, for Hutchinson, the mean and
    /// largest standard error.</summary>
    private static JsonObject LogDensitySummary(RealSpaceSamples samples, double[] logq, StepRefinement? refinement)
    {
        var summary = new JsonObject
        {
            ["mean"] = Number(logq.Average()),
            ["min"] = Number(logq.Min()),
            ["max"] = Number(logq.Max()),
            ["method"] = samples.PathWeights ? "path" : samples.LogDensityMethod?.Name,
            ["trace_evaluations_per_sample"] = samples.TraceEvaluations,
        };
        if (samples.LogDensityError is { } error)
        {
            summary["error_mean"] = Number(error.Average());
            summary["error_max"] = Number(error.Max());
        }
        if (refinement is not null)
            summary["step_check"] = new JsonObject
            {
                ["steps"] = refinement.Steps,
                ["refined_steps"] = 2 * refinement.Steps,
                ["mean_log_q_change"] = Number(refinement.MeanLogDensityChange),
                ["log_w_change_sd"] = Number(refinement.LogWeightSpread),
                ["threshold"] = StepRefinement.WarningSpread,
                ["exceeds"] = refinement.Exceeds,
                ["ess_fraction_refined"] = Number(refinement.EffectiveSampleFractionRefined),
            };
        return summary;
    }

    /// <summary>
    /// Largest |x| of a generated sample that is measured: beyond it the action and fourth moments overflow doubles
    /// (x^4 V), so such samples count as diverged like non-finite ones.
    /// </summary>
    public const double MaxSampleMagnitude = 1e50;

    private static bool Usable(double[] samples) => samples.All(x => Math.Abs(x) <= MaxSampleMagnitude);

    /// <summary>Warnings for stderr and the JSON: low ESS, non-finite samples.</summary>
    public static IReadOnlyList<string> Warnings(SampleGenerationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var list = new List<string>();
        if (outcome.Weights is { } w && ImportanceWeights.LowEssWarning(w.EffectiveSampleFraction, w.Count) is { } low) list.Add(low);
        if (outcome.Weights is not null && outcome.Samples.LogDensityMethod is { HasError: true } method)
            list.Add($"the importance weights use log q from {method.Name}: noisy log q biases them (E exp(-noise) != 1); use --log-density exact for unbiased weights");
        if (outcome.Refinement?.Warning is { } refinement) list.Add(refinement);
        if (!Usable(outcome.Samples.Samples)) list.Add($"generated samples are not finite or beyond |x| = {MaxSampleMagnitude:G1}: the trained score diverged");
        return list;
    }

    /// <summary>
    /// All warnings: <see cref="Warnings(SampleGenerationOutcome)"/>, the reverse grid's step across the data scale (chi of the
    /// training ensemble, <see cref="Susceptibility"/>; none when the model has no chi) and observables off the reference by
    /// more than <see cref="GeneratedTwoPoint.WarningZ"/> combined standard errors, generated or (unless the ESS is low) reweighted.
    /// </summary>
    public static IReadOnlyList<string> Warnings(SampleGenerationRequest request, SampleGenerationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        bool lowEss = outcome.Weights is { } w && ImportanceWeights.LowEssWarning(w.EffectiveSampleFraction, w.Count) is not null;
        var list = Warnings(outcome).ToList();
        if (Susceptibility(request.Model) is { } chi && request.Settings.DataScaleWarning(request.Model.Process, chi) is { } grid) list.Add(grid);
        list.AddRange(GeneratedTwoPoint.OffReferenceWarnings(ObservableRows(request, outcome), lowEss));
        return list;
    }

    private static JsonNode? Number(double x) => double.IsFinite(x) ? x : null;

    private static JsonNode? Number(double? x) => x is { } v && double.IsFinite(v) ? v : null;

    private static double? Finite(double x) => double.IsFinite(x) ? x : null;
}
