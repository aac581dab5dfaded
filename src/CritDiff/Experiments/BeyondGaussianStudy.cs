using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>Training time of one architecture on one measured spectrum.</summary>
/// <param name="Architecture">Architecture name.</param>
/// <param name="Steps">Population-GD steps to excess &lt;= eps x initial.</param>
/// <param name="StepsError">Half the spread of the steps when G(0) moves by +- its standard error (the dominant uncertainty:
/// the slowest direction is set by S_max = a^2 G(0) + b^2).</param>
/// <param name="PredictedSteps">The per-mode theory on the same spectrum (docs/science.md section 6).</param>
/// <param name="Converged">True when the stopping rule was met.</param>
public sealed record BeyondGaussianSteps(
    [property: JsonPropertyName("arch")] string Architecture,
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("steps_err")] double StepsError,
    [property: JsonPropertyName("predicted_steps")] int? PredictedSteps,
    [property: JsonPropertyName("converged")] bool Converged);

/// <summary>One (series, L) point of the study: the ensemble's observables and the training times on its spectrum.</summary>
public sealed record BeyondGaussianPoint
{
    [JsonPropertyName("series")] public required string Series { get; init; }
    [JsonPropertyName("n")] public required int Components { get; init; }
    [JsonPropertyName("d")] public required int Dimension { get; init; }
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("configurations")] public required int Configurations { get; init; }
    [JsonPropertyName("chi")] public required ValueWithError Susceptibility { get; init; }
    [JsonPropertyName("binder")] public ValueWithError? Binder { get; init; }
    [JsonPropertyName("xi2")] public ValueWithError? SecondMomentLength { get; init; }
    [JsonPropertyName("tau_int")] public double? TauInt { get; init; }
    [JsonPropertyName("spacing")] public int? Spacing { get; init; }
    [JsonPropertyName("noised_condition_number")] public required double ConditionNumber { get; init; }
    [JsonPropertyName("training")] public required IReadOnlyList<BeyondGaussianSteps> Training { get; init; }
    [JsonPropertyName("ensemble_seconds")] public double EnsembleSeconds { get; init; }
    [JsonPropertyName("wall_seconds")] public double WallSeconds { get; init; }
    [JsonPropertyName("key")] public required string Key { get; init; }
}

/// <summary>
/// Runs the "beyond Gaussian" study as a resumable list of (series, L) jobs: each finished point is written atomically to
/// FOLDER/points/SERIES-L{L}.json with a key of its settings, and its spectrum to FOLDER/spectra/SERIES-L{L}.npy
/// ([2, L, ..., L]: G(k), error); a rerun reuses every point whose key matches.
/// </summary>
public sealed class BeyondGaussianStudy : IStudy<BeyondGaussianSpec, IReadOnlyList<BeyondGaussianPoint>>
{
    private BeyondGaussianStudy()
    {
    }

    /// <summary>The study (<see cref="IStudy{TSpec, TResult}"/>): its points in <see cref="StudyRun.Folder"/>, which it needs.</summary>
    public static BeyondGaussianStudy Study { get; } = new();

    /// <inheritdoc />
    public int Jobs(BeyondGaussianSpec spec, string? folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Series.Sum(s => s.Sizes.Count);
    }

    /// <summary>
    /// Runs (or resumes) the study; the sink hears "series L=16" as each point ends, with what it found:
    /// "chi = 12.3, steps two-layer 120 (1.0 s)" (<see cref="Describe"/>).
    /// </summary>
    public IReadOnlyList<BeyondGaussianPoint> Run(BeyondGaussianSpec spec, StudyRun run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        run.Validate();
        string folder = run.Folder ?? throw new ArgumentException("the beyond-Gaussian study keeps its points in a folder: give StudyRun.Folder", nameof(run));
        spec.Validate();
        var (threads, cancellation) = (run.Threads, run.Cancellation);
        Directory.CreateDirectory(Path.Combine(folder, "points"));
        Directory.CreateDirectory(Path.Combine(folder, "spectra"));
        Checkpoint.WriteAtomic(Path.Combine(folder, "config.json"), JsonFormats.Serialize(spec, Json));
        var points = new List<BeyondGaussianPoint>();
        for (int s = 0; s < spec.Series.Count; s++)
        {
            var series = spec.Series[s];
            for (int i = 0; i < series.Sizes.Count; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                ulong seed = spec.Seed + 1000UL * (ulong)s + (ulong)i;
                string key = Key(spec, series, series.Sizes[i], seed);
                string path = Path.Combine(folder, "points", $"{series.Name}-L{series.Sizes[i]}.json");
                var point = Read(path, key) ?? Compute(spec, series, series.Sizes[i], seed, key, folder, threads, cancellation);
                Checkpoint.WriteAtomic(path, JsonFormats.Serialize(point, Json));
                points.Add(point);
                run.Finished($"{point.Series} L={point.Length}", Describe(point));
            }
        }
        return points;
    }

    /// <summary>What a point found, in a line: "chi = 12.3, steps two-layer 120 (1.0 s)".</summary>
    public static string Describe(BeyondGaussianPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        return string.Create(CultureInfo.InvariantCulture,
            $"chi = {point.Susceptibility.Value:G4}, steps {string.Join(", ", point.Training.Select(t => $"{t.Architecture} {t.Steps}"))} ({point.WallSeconds:F1} s)");
    }

    private static readonly JsonSerializerOptions Json = JsonFormats.Freeze(new JsonSerializerOptions { WriteIndented = true, Converters = { new FiniteOrNullConverter() } });

    /// <summary>The point of one series at one L (no files).</summary>
    public static BeyondGaussianPoint Compute(BeyondGaussianSpec spec, BeyondGaussianSeries series, int length, ulong seed,
        string key, string? folder, int threads, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(series);
        var clock = Stopwatch.StartNew();
        var lattice = new Lattice(series.Dimension, length);
        MeasuredSpectrum spectrum;
        Ensemble? ensemble = null;
        if (series.Components == 0)
            spectrum = MeasuredSpectrum.Exact(GaussianField.AtCriticalPoint(lattice).SpectrumTable(), "exact C(k), n -> inf at beta_c");
        else
        {
            var model = SpinModel.AtCriticalPoint(lattice, series.Components);
            var settings = new EnsembleSettings(spec.Configurations, spec.Thermalization, spec.PilotSweeps, spec.Chains, seed, threads);
            ensemble = EnsembleGenerator.Generate(ModelKernels.Create(spec.Algorithm, model), settings, cancellation);
            spectrum = MeasuredSpectrum.Measure(lattice, ensemble.Configurations, ensemble.Count, series.Components,
                $"{spec.Algorithm} ensemble of {model.Describe()}");
        }
        double ensembleSeconds = clock.Elapsed.TotalSeconds;
        if (folder is not null)
            NpyFile.Write(Path.Combine(folder, "spectra", $"{series.Name}-L{length}.npy"), [.. spectrum.Mean, .. spectrum.Error], [2, .. lattice.Shape]);

        var process = new VariancePreserving();
        var noised = process.NoisedSpectrumTable(spectrum.Mean, spec.Time);
        var training = spec.Architectures.Select(arch => Train(spec, lattice, process, spectrum, arch, cancellation)).ToArray();
        return new BeyondGaussianPoint
        {
            Series = series.Name,
            Components = series.Components,
            Dimension = series.Dimension,
            Length = length,
            Configurations = ensemble?.Count ?? 0,
            Susceptibility = new ValueWithError(spectrum.Susceptibility, series.Components == 0 ? 0 : spectrum.SusceptibilityError),
            Binder = ensemble is null ? null : ValueWithError.Of(ensemble.Estimates.Binder),
            SecondMomentLength = ensemble is null ? null : ValueWithError.Of(ensemble.Estimates.SecondMomentLength),
            TauInt = ensemble is null ? null : Math.Max(ensemble.TauMagnetisationSquared.Mean, ensemble.TauEnergy.Mean),
            Spacing = ensemble?.Spacing,
            ConditionNumber = noised.Max() / noised.Min(),
            Training = training,
            EnsembleSeconds = ensembleSeconds,
            WallSeconds = clock.Elapsed.TotalSeconds,
            Key = key,
        };
    }

    /// <summary>
    /// Population GD at the auto rate on the spectrum, and on the spectrum with G(0) moved by +- its error (the steps' error).
    /// </summary>
    private static BeyondGaussianSteps Train(BeyondGaussianSpec spec, Lattice lattice, ForwardProcess process, MeasuredSpectrum spectrum,
        string arch, CancellationToken cancellation)
    {
        var architecture = NetworkCatalog.Parse(arch).MomentArchitecture
            ?? throw new ArgumentException(StudyTraining.NeedsSamples(NetworkCatalog.Parse(arch)), nameof(arch));
        var config = new TrainingConfig { Eps = spec.Eps };
        var carrier = GaussianField.FreeField(lattice, 1); // lattice only: the measured spectrum is the target
        SliceResult Slice(MeasuredSpectrum g) =>
            Trainer.Train(new TrainingProblem(carrier, process, TimeGrid.Single(spec.Time), architecture) { TargetSpectrum = g },
                config, null, 1, cancellation).Slices[0];
        var central = Slice(spectrum);
        double error = spectrum.Error[0];
        double spread = 0;
        if (error > 0 && double.IsFinite(error) && spectrum.Mean[0] - error > 0)
        {
            MeasuredSpectrum Shift(double sign)
            {
                var mean = (double[])spectrum.Mean.Clone();
                mean[0] += sign * error;
                return new MeasuredSpectrum(mean, spectrum.Error, spectrum.Samples, spectrum.Components, spectrum.Source);
            }
            spread = Math.Abs(Slice(Shift(+1)).Steps - Slice(Shift(-1)).Steps) / 2.0;
        }
        return new BeyondGaussianSteps(arch, central.Steps, spread, central.Moments!.PredictedSteps, central.Converged);
    }

    /// <summary>Fits of steps (per architecture) and of chi against L for one series.</summary>
    public static (IReadOnlyDictionary<string, ScalingFit?> Steps, ScalingFit? Susceptibility) Fit(IReadOnlyList<BeyondGaussianPoint> points, string series)
    {
        var rows = points.Where(p => p.Series == series).OrderBy(p => p.Length).ToArray();
        var sizes = rows.Select(p => (double)p.Length).ToArray();
        var fits = new Dictionary<string, ScalingFit?>();
        foreach (string arch in rows.SelectMany(p => p.Training.Select(t => t.Architecture)).Distinct())
        {
            var steps = rows.Select(p => p.Training.First(t => t.Architecture == arch)).ToArray();
            fits[arch] = rows.Length >= 2 && steps.All(t => t.Steps > 0)
                ? ScalingFit.Of(sizes, steps.Select(t => (double)t.Steps).ToArray(), steps.Select(t => Math.Max(t.StepsError, 0.5)).ToArray())
                : null;
        }
        var chi = rows.Length >= 2 && rows.All(p => p.Susceptibility.Value > 0)
            ? ScalingFit.Of(sizes, rows.Select(p => p.Susceptibility.Value!.Value).ToArray(),
                rows.Select(p => Math.Max(p.Susceptibility.Error ?? 0, 1e-9 * p.Susceptibility.Value!.Value)).ToArray())
            : null;
        return (fits, chi);
    }

    private static string Key(BeyondGaussianSpec spec, BeyondGaussianSeries series, int length, ulong seed) =>
        FormattableString.Invariant($"v1;{series.Dimension};{series.Components};{length};{spec.Configurations};{spec.Algorithm};{spec.Thermalization};{spec.PilotSweeps};{spec.Chains};{spec.Time:R};{string.Join('+', spec.Architectures)};{spec.Eps:R};{seed}");

    private static BeyondGaussianPoint? Read(string path, string key)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var point = JsonFormats.Deserialize<BeyondGaussianPoint>(File.ReadAllText(path), Json);
            return point?.Key == key ? point : null;
        }
        catch (JsonException)
        {
            return null; // an unreadable point is recomputed
        }
    }
}
