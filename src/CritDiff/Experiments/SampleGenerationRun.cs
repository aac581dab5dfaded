using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// A typed request to generate from a model trained on samples (<see cref="TrainedModel"/>, linear or nonlinear) with a
/// real-space sampler, and to compare the samples with the target: observables against reference values (an ensemble's
/// Monte Carlo estimates), the distance between magnetisation histograms, and with the probability-flow ODE the exact
/// log-density of each sample, importance weights towards exp(-S), ESS per sample, reweighted observables and an
/// independence-Metropolis chain (issue 12).
/// </summary>
public sealed record SampleGenerationRequest(TrainedModel Model, RealSpaceSettings Settings, int Count, ulong Seed)
{
    /// <summary>Interpolate the score linearly in t between slices (default) or use the nearest slice.</summary>
    public bool Interpolate { get; init; } = true;

    /// <summary>Reference observables (names as <see cref="ModelEstimates.Named"/>), e.g. of the training ensemble.</summary>
    public IReadOnlyDictionary<string, ValueWithError>? Reference { get; init; }

    /// <summary>Where the reference comes from, in words.</summary>
    public string? ReferenceSource { get; init; }

    /// <summary>Compute importance weights where the sampler gives log-densities (default true).</summary>
    public bool Reweight { get; init; } = true;

    /// <summary>The first magnetisation component of reference configurations (for the histogram distance), if known.</summary>
    public IReadOnlyList<double>? ReferenceMagnetisations { get; init; }
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
        var score = TimeScore.Sliced(model.CreateModel(), model.Times, model.Parameters, request.Interpolate);
        var samples = RealSpaceSampler.Generate(score, model.Process, request.Settings, request.Count, request.Seed, progress, threads);
        bool finite = Usable(samples.Samples);
        var generated = finite
            ? NonlinearStudy.SampleEstimates(model.Target, samples.Samples, samples.Count, out double[] magnetisations)
            : Nan(out magnetisations, samples.Count);
        string? unavailable = null;
        ImportanceWeightResult? weights = null;
        if (!finite) unavailable = $"samples are not finite or beyond |x| = {MaxSampleMagnitude:G1} (the score diverged)";
        else if (!request.Reweight) unavailable = "not asked for";
        else if (samples.LogDensity is null) unavailable = "only the probability-flow ODE (--sampler ode-heun) gives each sample's log-density";
        else if (model.Target.IsConstrained) unavailable = $"{model.Target.Kind} spins are constrained to spheres: no density on R^(nV) to reweight";
        else if (request.Count < 4) unavailable = "reweighting needs at least 4 samples";
        else if (!samples.LogDensity.All(double.IsFinite)) unavailable = "a log-density is not finite";
        else weights = ImportanceWeights.Apply(model.Target, samples, request.Seed ^ ImportanceWeights.ChainStream);
        return new SampleGenerationOutcome(samples, generated, magnetisations, weights, unavailable, clock.Elapsed.TotalSeconds);
    }

    private static ModelEstimates Nan(out double[] magnetisations, int count)
    {
        magnetisations = Enumerable.Repeat(double.NaN, count).ToArray();
        var nan = new Stats(double.NaN, double.NaN);
        return new ModelEstimates(nan, nan, nan, nan, nan, nan, nan, count);
    }

    /// <summary>The summary: settings, observables with z-scores against the reference, histogram distance, weights.</summary>
    public static JsonObject Summary(SampleGenerationRequest request, SampleGenerationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        var observables = new JsonObject();
        foreach (var (name, value) in outcome.Generated.Named)
        {
            var entry = new JsonObject { ["value"] = Number(value.Mean), ["error"] = Number(value.Error) };
            if (request.Reference?.GetValueOrDefault(name) is { Value: { } reference } r)
            {
                entry["reference"] = reference;
                entry["reference_error"] = r.Error;
                double combined = Math.Sqrt(value.Error * value.Error + (r.Error ?? 0) * (r.Error ?? 0));
                entry["z"] = Number((value.Mean - reference) / combined);
            }
            if (outcome.Weights is { } w)
            {
                var reweighted = w.Reweighted.Named.First(p => p.Name == name).Value;
                var chain = w.Metropolis.Named.First(p => p.Name == name).Value;
                entry["reweighted"] = Number(reweighted.Mean);
                entry["reweighted_error"] = Number(reweighted.Error);
                entry["chain"] = Number(chain.Mean);
                entry["chain_error"] = Number(chain.Error);
                if (request.Reference?.GetValueOrDefault(name) is { Value: { } rv, Error: var re })
                    entry["reweighted_z"] = Number((reweighted.Mean - rv) / Math.Sqrt(reweighted.Error * reweighted.Error + (re ?? 0) * (re ?? 0)));
            }
            observables[name] = entry;
        }
        var w2 = outcome.Weights;
        return new JsonObject
        {
            ["trainer"] = "samples",
            ["arch"] = request.Model.Spec.Name,
            ["model"] = JsonFormats.SerializeToNode(ModelDescription.Of(request.Model.Target)),
            ["sampler"] = request.Settings.Scheme.ToString(),
            ["steps"] = request.Settings.Steps,
            ["t_max"] = request.Settings.FinalTime,
            ["t_min"] = request.Settings.MinTime,
            ["interp"] = request.Interpolate,
            ["n"] = request.Count,
            ["seed"] = request.Seed,
            ["reference"] = request.ReferenceSource,
            ["observables"] = observables,
            ["m_histogram_distance"] = request.ReferenceMagnetisations is { } m
                ? Number(NonlinearStudy.HistogramDistance(outcome.Magnetisations, m))
                : null,
            ["log_density"] = outcome.Samples.LogDensity is { } logq ? new JsonObject
            {
                ["mean"] = Number(logq.Average()),
                ["min"] = Number(logq.Min()),
                ["max"] = Number(logq.Max()),
            } : null,
            ["reweighting"] = w2 is null ? new JsonObject { ["available"] = false, ["why"] = outcome.WeightsUnavailable } : new JsonObject
            {
                ["available"] = true,
                ["ess_fraction"] = Number(w2.EffectiveSampleFraction),
                ["ess"] = Number(w2.EffectiveSampleFraction * w2.Count),
                ["low_ess"] = w2.LowEss,
                ["low_ess_threshold"] = ImportanceWeights.LowEssFraction,
                ["low_ess_min_ess"] = ImportanceWeights.LowEssCount,
                ["action_density"] = Number(w2.ActionDensity.Mean),
                ["action_density_err"] = Number(w2.ActionDensity.Error),
                ["metropolis_acceptance"] = Number(w2.MetropolisAcceptance),
            },
            ["warnings"] = new JsonArray(Warnings(outcome).Select(s => (JsonNode?)s).ToArray()),
            ["wall_seconds"] = outcome.WallSeconds,
        };
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
        if (!Usable(outcome.Samples.Samples)) list.Add($"generated samples are not finite or beyond |x| = {MaxSampleMagnitude:G1}: the trained score diverged");
        return list;
    }

    private static JsonNode? Number(double x) => double.IsFinite(x) ? x : null;

    private static JsonNode? Number(double? x) => x is { } v && double.IsFinite(v) ? v : null;
}
