using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Persistence;
using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// A typed request to generate from a score that offers its Fourier multiplier (<see cref="IFourierMultiplier"/>: the exact
/// score, continuous or on slices, or a linear convolution checkpoint) for a Gaussian target: the exact generated law of the
/// sampler, and with <see cref="GenerationRequest.Count"/> &gt; 0 samples from it, measured and optionally reweighted.
/// </summary>
/// <param name="Field">The Gaussian target (its spectrum C(k) is the data law).</param>
/// <param name="Process">The forward process.</param>
/// <param name="Score">The score's multiplier m(k, t).</param>
/// <param name="Settings">Sampler and time steps.</param>
/// <param name="Count">Samples N (0: the exact law only).</param>
/// <param name="Seed">Seed of the samples and of the independence-Metropolis chain.</param>
public sealed record GenerationRequest(GaussianField Field, ForwardProcess Process, IFourierMultiplier Score, GenerationSettings Settings,
    int Count, ulong Seed)
{
    /// <summary>Exact importance weights towards the target (needs N &gt;= 4).</summary>
    public bool Reweight { get; init; }

    /// <summary>Where to write the samples as .npy [N, L, ..., L], or null.</summary>
    public string? SamplesPath { get; init; }
}

/// <summary>What <see cref="GenerationRun.Run"/> produced.</summary>
/// <param name="Law">The exact generated law v(k).</param>
/// <param name="ScoreEvaluations">Score evaluations per sample of the sampler.</param>
/// <param name="Measured">Observables of the samples (N &gt;= 2), or null.</param>
/// <param name="Corrected">Reweighted observables and the independence-Metropolis chain, or null.</param>
/// <param name="WallSeconds">Wall time.</param>
public sealed record GenerationOutcome(GeneratedLaw Law, int ScoreEvaluations, FieldMeasurement? Measured, ReweightingResult? Corrected,
    double WallSeconds);

/// <summary>Runs a <see cref="GenerationRequest"/> (the exact per-mode law, samples, reweighting) and builds its summary.</summary>
public static class GenerationRun
{
    /// <summary>The observables of the tables and summaries, in order.</summary>
    private static readonly string[] ObservableNames = ["chi", "xi2", "energy"];

    /// <summary>Computes the exact law and, for N &gt; 0, draws, writes, measures and reweights the samples.</summary>
    public static GenerationOutcome Run(GenerationRequest request, int threads)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var lattice = request.Field.Lattice;
        var reverse = new ReverseProcess(lattice, request.Process, request.Score, request.Settings);
        var law = new GeneratedLaw(lattice, reverse.GeneratedVariance());
        FieldMeasurement? measured = null;
        ReweightingResult? corrected = null;
        int n = request.Count;
        if (n > 0)
        {
            var samples = reverse.Generate(n, request.Seed, threads);
            if (request.SamplesPath is { } path) NpyFile.Write(path, samples, [n, .. lattice.Shape]);
            if (n >= 2) measured = FieldMeasurement.Measure(lattice, samples, n);
            if (request.Reweight)
                corrected = Reweighting.Apply(lattice, samples, n, law.Variance, request.Field.SpectrumTable(), request.Seed);
        }
        return new GenerationOutcome(law, reverse.ScoreEvaluations, measured, corrected, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The run's warnings: a low effective sample size of the importance weights (<see cref="ImportanceWeights.LowEssWarning"/>),
    /// and measured chi, xi2 or energy off the target's exact value by more than <see cref="GeneratedTwoPoint.WarningZ"/> standard
    /// errors (reweighted ones too, unless the ESS is low).
    /// </summary>
    public static IReadOnlyList<string> Warnings(GenerationRequest request, GenerationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        string? low = outcome.Corrected is { } c ? ImportanceWeights.LowEssWarning(c.EffectiveSampleFraction, request.Count) : null;
        var field = request.Field;
        double[] exact = [field.Susceptibility, field.SecondMomentCorrelationLength, field.Energy];
        var rows = new List<SampleObservableRow>();
        for (int i = 0; i < ObservableNames.Length; i++)
        {
            if (outcome.Measured is not { } m) break;
            var measured = Pick(m, i);
            var row = new SampleObservableRow(ObservableNames[i], measured.Mean, measured.Error)
            {
                HasReference = true, Reference = exact[i], ReferenceError = 0, Z = (measured.Mean - exact[i]) / measured.Error,
            };
            if (outcome.Corrected is { } corrected)
            {
                var reweighted = Pick(corrected.Reweighted, i);
                row = row with
                {
                    HasWeights = true, Reweighted = reweighted.Mean, ReweightedError = reweighted.Error,
                    ReweightedZ = (reweighted.Mean - exact[i]) / reweighted.Error,
                };
            }
            rows.Add(row);
        }
        var list = new List<string>();
        if (low is not null) list.Add(low);
        // The reverse grid against the data's largest per-mode variance (issue 22).
        if (request.Settings.DataScaleWarning(request.Process, request.Field.SpectrumTable().Max()) is { } grid) list.Add(grid);
        list.AddRange(GeneratedTwoPoint.OffReferenceWarnings(rows, low is not null));
        return list;
    }

    /// <summary>
    /// The summary (the keys and values `generate --json` has always printed): settings, KL per site of the exact law
    /// against the law at t_min and against the data, r(k) = v(k)/C(k) range, exact / generated-law / measured /
    /// reweighted / chain observables, ESS per sample, the model and the warnings.
    /// </summary>
    public static JsonObject Summary(GenerationRequest request, GenerationOutcome outcome, double wallSeconds)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        var field = request.Field;
        var law = outcome.Law;
        var data = field.SpectrumTable();
        var ratio = law.Ratio(data);
        var corrected = outcome.Corrected;
        return new JsonObject
        {
            ["sampler"] = request.Settings.Sampler.Name,
            ["steps"] = request.Settings.Steps,
            ["n"] = request.Count,
            ["out"] = request.SamplesPath,
            ["t_max"] = request.Settings.FinalTime,
            ["t_min"] = request.Settings.MinTime,
            ["schedule"] = request.Process.Name,
            ["grid"] = request.Settings.Grid.Name,
            ["sigma_min"] = (request.Process as GeometricVarianceExploding)?.SigmaMin,
            ["sigma_max"] = (request.Process as GeometricVarianceExploding)?.SigmaMax,
            ["score_evaluations_per_sample"] = outcome.ScoreEvaluations,
            ["kl_per_site"] = Number(law.KlPerSite(request.Process.NoisedSpectrumTable(data, request.Settings.MinTime))),
            ["kl_per_site_vs_data"] = Number(law.KlPerSite(data)),
            ["r_min"] = ratio.Min(),
            ["r_max"] = ratio.Max(),
            ["exact"] = Observables(field.Susceptibility, field.SecondMomentCorrelationLength, field.Energy),
            ["generated_law"] = Observables(law.Susceptibility, law.SecondMomentLength, law.Energy),
            ["measured"] = Measured(outcome.Measured),
            ["ess_per_sample"] = Number(law.EffectiveSampleFraction(data)),
            ["ess_per_sample_measured"] = Number(corrected?.EffectiveSampleFraction),
            ["metropolis_acceptance"] = Number(corrected?.MetropolisAcceptance),
            ["reweighted"] = corrected is null ? null : Measured(corrected.Reweighted),
            ["metropolis"] = corrected is null ? null : Measured(corrected.Metropolis),
            ["model"] = TargetSummary.Gaussian(field),
            ["warnings"] = new JsonArray(Warnings(request, outcome).Select(w => (JsonNode?)w).ToArray()),
            ["wall_seconds"] = wallSeconds,
        };
    }

    /// <summary>
    /// The scalar results as (quantity, text) rows, six significant digits: sampler, steps, n, t_max, t_min, the KLs, the
    /// r(k) range, ESS per sample (exact and measured) and the chain's acceptance; "-" where a value is missing.
    /// </summary>
    public static IReadOnlyList<(string Quantity, string Value)> ScalarRows(GenerationRequest request, GenerationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        var data = request.Field.SpectrumTable();
        var ratio = outcome.Law.Ratio(data);
        var settings = request.Settings;
        return
        [
            ("sampler", settings.Sampler.Name),
            ("steps", settings.Steps.ToString(CultureInfo.InvariantCulture)),
            ("n", request.Count.ToString(CultureInfo.InvariantCulture)),
            ("t_max", Stats.FormatValue(settings.FinalTime)),
            ("t_min", Stats.FormatValue(settings.MinTime)),
            ("kl_per_site", Text(outcome.Law.KlPerSite(request.Process.NoisedSpectrumTable(data, settings.MinTime)))),
            ("kl_per_site_vs_data", Text(outcome.Law.KlPerSite(data))),
            ("r_min", Stats.FormatValue(ratio.Min())),
            ("r_max", Stats.FormatValue(ratio.Max())),
            ("ess_per_sample", Text(outcome.Law.EffectiveSampleFraction(data))),
            ("ess_per_sample_measured", Text(outcome.Corrected?.EffectiveSampleFraction)),
            ("metropolis_acceptance", Text(outcome.Corrected?.MetropolisAcceptance)),
        ];
    }

    /// <summary>Column headers of <see cref="ObservableRows"/>.</summary>
    public static IReadOnlyList<string> ObservableColumns { get; } = ["observable", "exact", "generated law", "measured", "reweighted", "chain"];

    /// <summary>One row per observable (chi, xi2, energy): exact, generated law, measured, reweighted and chain values as value +- error.</summary>
    public static IReadOnlyList<string[]> ObservableRows(GenerationRequest request, GenerationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        var field = request.Field;
        var law = outcome.Law;
        double[] exact = [field.Susceptibility, field.SecondMomentCorrelationLength, field.Energy];
        double[] generated = [law.Susceptibility, law.SecondMomentLength, law.Energy];
        var measured = new[] { outcome.Measured, outcome.Corrected?.Reweighted, outcome.Corrected?.Metropolis };
        return ObservableNames.Select((name, i) => new[] { name, Cell(exact[i], double.NaN), Cell(generated[i], double.NaN) }
            .Concat(measured.Select(m => m is null ? "-" : Cell(Pick(m, i).Mean, Pick(m, i).Error))).ToArray()).ToArray();
    }

    private static Stats Pick(FieldMeasurement m, int index) => index switch
    {
        0 => m.Susceptibility,
        1 => m.SecondMomentLength,
        _ => m.Energy,
    };

    /// <summary>value +- error; "-" for a value that is not finite; a non-finite error is dropped.</summary>
    private static string Cell(double value, double error) =>
        double.IsFinite(value) ? Stats.Format(value, double.IsFinite(error) ? error : double.NaN) : "-";

    private static string Text(double? value) => value is { } v && double.IsFinite(v) ? Stats.FormatValue(v) : "-";

    private static JsonObject Observables(double chi, double xi2, double energy) => new()
    {
        ["chi"] = Number(chi),
        ["xi2"] = Number(xi2),
        ["energy"] = Number(energy),
    };

    private static JsonObject? Measured(FieldMeasurement? m) => m is null ? null : new JsonObject
    {
        ["chi"] = Number(m.Susceptibility.Mean),
        ["chi_err"] = Number(m.Susceptibility.Error),
        ["xi2"] = Number(m.SecondMomentLength.Mean),
        ["xi2_err"] = Number(m.SecondMomentLength.Error),
        ["energy"] = Number(m.Energy.Mean),
        ["energy_err"] = Number(m.Energy.Error),
    };

    private static JsonNode? Number(double value) => JsonNumber.Of(value);

    private static JsonNode? Number(double? value) => JsonNumber.Of(value);
}
