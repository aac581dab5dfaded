using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>The Monte Carlo ensemble of one size: its observables (the reference for generated samples).</summary>
public sealed record NonlinearEnsembleRow
{
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("configurations")] public required int Configurations { get; init; }
    [JsonPropertyName("tau_int")] public required double TauInt { get; init; }
    [JsonPropertyName("spacing")] public required int Spacing { get; init; }
    [JsonPropertyName("abs_m")] public required ValueWithError AbsMagnetisation { get; init; }
    [JsonPropertyName("chi")] public required ValueWithError Susceptibility { get; init; }
    [JsonPropertyName("binder")] public required ValueWithError Binder { get; init; }
    [JsonPropertyName("energy")] public required ValueWithError Energy { get; init; }

    /// <summary>The magnetisation M of every configuration (for histogram distances).</summary>
    [JsonPropertyName("m")] public required double[] Magnetisations { get; init; }
}

/// <summary>Training time of one network at one (L, t).</summary>
public sealed record NonlinearTrainingRow
{
    [JsonPropertyName("arch")] public required string Architecture { get; init; }
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("t")] public required double Time { get; init; }
    [JsonPropertyName("parameters")] public required long Parameters { get; init; }

    /// <summary>Steps until validation excess &lt;= eps x initial; null when not reached within the cap.</summary>
    [JsonPropertyName("steps")] public int? Steps { get; init; }

    [JsonPropertyName("steps_run")] public required int StepsRun { get; init; }
    [JsonPropertyName("converged")] public required bool Converged { get; init; }
    [JsonPropertyName("diverged")] public required bool Diverged { get; init; }
    [JsonPropertyName("initial_excess")] public double? InitialExcess { get; init; }
    [JsonPropertyName("final_excess")] public double? FinalExcess { get; init; }
    [JsonPropertyName("reference_loss")] public double? ReferenceLoss { get; init; }
    [JsonPropertyName("reference_uncertainty")] public double? ReferenceUncertainty { get; init; }
    [JsonPropertyName("initial_validation_loss")] public double? InitialValidationLoss { get; init; }
}

/// <summary>Generation with one network trained a fixed budget on every slice, at one L.</summary>
public sealed record NonlinearGenerationRow
{
    [JsonPropertyName("arch")] public required string Architecture { get; init; }
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("budget")] public required int Budget { get; init; }
    [JsonPropertyName("samples")] public required int Samples { get; init; }
    [JsonPropertyName("ess_fraction")] public double? EssFraction { get; init; }
    [JsonPropertyName("low_ess")] public required bool LowEss { get; init; }
    [JsonPropertyName("chi_generated")] public required ValueWithError GeneratedSusceptibility { get; init; }
    [JsonPropertyName("binder_generated")] public required ValueWithError GeneratedBinder { get; init; }
    [JsonPropertyName("chi_reweighted")] public required ValueWithError ReweightedSusceptibility { get; init; }
    [JsonPropertyName("binder_reweighted")] public required ValueWithError ReweightedBinder { get; init; }
    [JsonPropertyName("chi_chain")] public required ValueWithError ChainSusceptibility { get; init; }
    [JsonPropertyName("acceptance")] public double? Acceptance { get; init; }

    /// <summary>Total-variation distance between the histograms of M of generated and Monte Carlo configurations (0..1).</summary>
    [JsonPropertyName("m_histogram_distance")] public double? MagnetisationDistance { get; init; }

    /// <summary>Slices that did not stay finite during the budget (their samples are then meaningless).</summary>
    [JsonPropertyName("diverged_slices")] public required int DivergedSlices { get; init; }
}

/// <summary>Everything the nonlinear study measured.</summary>
public sealed record NonlinearResult(NonlinearSpec Spec, IReadOnlyList<NonlinearEnsembleRow> Ensembles,
    IReadOnlyList<NonlinearTrainingRow> Training, IReadOnlyList<NonlinearGenerationRow> Generation, double WallSeconds, int Reused)
{
    /// <summary>The slowest slice of each (architecture, L): the training time of the network at that size (null if any slice missed eps).</summary>
    public IReadOnlyList<NonlinearTrainingRow> Slowest() =>
        Training.GroupBy(r => (r.Architecture, r.Length))
            .Select(g => g.OrderByDescending(r => r.Converged ? r.Steps ?? 0 : int.MaxValue).First())
            .OrderBy(r => Spec.Architectures.ToList().IndexOf(r.Architecture)).ThenBy(r => r.Length).ToArray();

    /// <summary>Fit of the training time against L for one architecture (null unless every size converged).</summary>
    public ScalingFit? Fit(string architecture)
    {
        var rows = Slowest().Where(r => r.Architecture == architecture).OrderBy(r => r.Length).ToArray();
        if (rows.Length < 2 || rows.Any(r => r.Steps is not > 0)) return null;
        return ScalingFit.Of(rows.Select(r => (double)r.Length).ToArray(), rows.Select(r => (double)r.Steps!.Value).ToArray(),
            rows.Select(r => Math.Max(0.5 * Spec.EvalInterval, 0.1 * r.Steps!.Value)).ToArray());
    }
}

/// <summary>
/// Runs <see cref="NonlinearSpec"/> as resumable keyed jobs in a folder: one Wolff ensemble per L
/// (FOLDER/ensembles/phi4-L{L}.npy with its side-car), one training-time job per (network, L, t) and one
/// generation job per (network, L), each written atomically as it finishes (<see cref="KeyedResult"/>).
/// </summary>
public sealed class NonlinearStudy : IStudy<NonlinearSpec, NonlinearResult>
{
    private NonlinearStudy()
    {
    }

    /// <summary>The study (<see cref="IStudy{TSpec, TResult}"/>).</summary>
    public static NonlinearStudy Study { get; } = new();

    /// <inheritdoc />
    public int Jobs(NonlinearSpec spec, string? folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Sizes.Count * (1 + spec.Architectures.Count * spec.Times.Count + spec.GenerationArchitectures.Count);
    }

    /// <summary>
    /// Runs (or resumes) the study; the sink hears each finished job as its one line (the job's name, e.g.
    /// "L=8 two-layer t=0.1: 120 steps (1.0 s)", with an empty detail), from the thread that finished it.
    /// </summary>
    public NonlinearResult Run(NonlinearSpec spec, StudyRun run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        run.Validate();
        spec.Validate();
        return Run(spec, run.Folder, run.Threads, new StudyProgressAdapter<string>(line => run.Finished(line, "")), run.Cancellation);
    }

    private static NonlinearResult Run(NonlinearSpec spec, string? folder, int threads, IProgress<string> progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        int reused = 0;
        var ensembles = new List<NonlinearEnsembleRow>();
        var training = new List<NonlinearTrainingRow>();
        var generation = new List<NonlinearGenerationRow>();
        var process = new VariancePreserving();
        for (int i = 0; i < spec.Sizes.Count; i++)
        {
            int length = spec.Sizes[i];
            var lattice = new Lattice(spec.Dimension, length);
            var target = new Phi4Model(lattice, spec.Components, spec.Kappa, spec.Lambda);
            ulong seed = spec.Seed + 7919UL * (ulong)i;
            var (data, ensemble) = Ensemble(spec, target, seed, folder, threads, cancellation, ref reused);
            ensembles.Add(ensemble);
            progress.Report(string.Create(CultureInfo.InvariantCulture,
                $"L={length}: {ensemble.Configurations} configurations, chi = {Stats.Format(ensemble.Susceptibility.Value ?? double.NaN, ensemble.Susceptibility.Error)}, U = {ensemble.Binder.Value:F3}"));
            var source = new DataSetSource(lattice, spec.Components, data, ensemble.Configurations);
            // Every job of this size runs at once (up to the thread count): each is keyed, written when it finishes, and
            // independent of the others, so the results do not depend on the order or the number of threads.
            var jobs = new List<Action>();
            var trainingRows = new NonlinearTrainingRow[spec.Architectures.Count * spec.Times.Count];
            var generationRows = new NonlinearGenerationRow[spec.GenerationArchitectures.Count];
            var gate = new Lock();
            for (int a = 0; a < spec.Architectures.Count; a++)
                for (int j = 0; j < spec.Times.Count; j++)
                {
                    string arch = spec.Architectures[a];
                    double t = spec.Times[j];
                    int slot = a * spec.Times.Count + j, slice = j;
                    jobs.Add(() =>
                    {
                        string key = KeyedResult.KeyOf(JsonFormats.Keyed, new NonlinearTrainingKey(1, spec.Dimension, spec.Components, spec.Kappa, spec.Lambda, length, arch, t,
                            spec.Configurations, spec.Algorithm, spec.Thermalization, spec.PilotSweeps, spec.BatchSize, spec.LearningRate, spec.MaxSteps,
                            spec.Eps, spec.EvalInterval, spec.ValidationSize, spec.ReferenceLengthFactor, seed));
                        var (row, wall, wasReused) = KeyedResult.GetOrCompute(JsonFormats.Keyed, Sub(folder, "training"), $"{arch}-L{length}-t{t:G4}", key,
                            () => TrainingTime(spec, source, process, arch, t, slice, seed, cancellation));
                        trainingRows[slot] = row;
                        lock (gate)
                        {
                            if (wasReused) reused++;
                            progress.Report(string.Create(CultureInfo.InvariantCulture,
                                $"L={length} {arch} t={t:G3}: {(row.Converged ? $"{row.Steps} steps" : row.Diverged ? "diverged" : $"not converged in {row.StepsRun}")} ({wall:F1} s{(wasReused ? ", reused" : "")})"));
                        }
                    });
                }
            for (int a = 0; a < spec.GenerationArchitectures.Count; a++)
            {
                string arch = spec.GenerationArchitectures[a];
                int slot = a;
                jobs.Add(() =>
                {
                    string key = KeyedResult.KeyOf(JsonFormats.Keyed, new NonlinearGenerationKey(1, spec.Dimension, spec.Components, spec.Kappa, spec.Lambda, length, arch,
                        spec.Configurations, spec.Algorithm, spec.Thermalization, spec.PilotSweeps, spec.BatchSize, spec.LearningRate, spec.GenerationSlices,
                        spec.GenerationBudget, spec.GenerationSamples, spec.ReverseSteps, spec.MinTime, seed));
                    var (row, wall, wasReused) = KeyedResult.GetOrCompute(JsonFormats.Keyed, Sub(folder, "generation"), $"{arch}-L{length}", key,
                        () => Generate(spec, target, source, ensemble, process, arch, seed, cancellation));
                    generationRows[slot] = row;
                    lock (gate)
                    {
                        if (wasReused) reused++;
                        progress.Report(string.Create(CultureInfo.InvariantCulture,
                            $"L={length} {arch} generation after {spec.GenerationBudget} steps per slice: ESS/N = {row.EssFraction:G3}, chi generated {row.GeneratedSusceptibility.Value:G4}, reweighted {row.ReweightedSusceptibility.Value:G4} (MC {ensemble.Susceptibility.Value:G4}) ({wall:F1} s{(wasReused ? ", reused" : "")})"));
                    }
                });
            }
            Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellation }, job => job());
            training.AddRange(trainingRows);
            generation.AddRange(generationRows);
        }
        return new NonlinearResult(spec, ensembles, training, generation, clock.Elapsed.TotalSeconds, reused);
    }

    private static string? Sub(string? folder, string name) => folder is null ? null : Path.Combine(folder, name);

    private static (double[] Data, NonlinearEnsembleRow Row) Ensemble(NonlinearSpec spec, Phi4Model target, ulong seed, string? folder,
        int threads, CancellationToken cancellation, ref int reused)
    {
        int length = target.Lattice.Length;
        string? path = folder is null ? null : Path.Combine(folder, "ensembles", $"phi4-L{length}.npy");
        string key = KeyedResult.KeyOf(JsonFormats.Keyed, new NonlinearEnsembleKey(1, ModelDescription.Of(target), spec.Configurations, spec.Algorithm, spec.Thermalization,
            spec.PilotSweeps, seed));
        double[]? data = null;
        var (row, _, wasReused) = KeyedResult.GetOrCompute(JsonFormats.Keyed, Sub(folder, "ensembles"), $"phi4-L{length}", key, () =>
        {
            var settings = new EnsembleSettings(spec.Configurations, spec.Thermalization, spec.PilotSweeps, 1, seed, threads);
            var ensemble = EnsembleGenerator.Generate(ModelKernels.Create(spec.Algorithm, target), settings, cancellation);
            data = ensemble.Configurations;
            if (path is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                EnsembleFile.Write(path, ensemble);
            }
            var observables = new ModelObservables(target);
            var m = new double[ensemble.Count];
            var mag = new double[spec.Components];
            for (int c = 0; c < ensemble.Count; c++)
            {
                observables.Magnetisation(ensemble.Configurations.AsSpan(c * target.ConfigurationLength, target.ConfigurationLength), mag);
                m[c] = mag[0];
            }
            return new NonlinearEnsembleRow
            {
                Length = length,
                Configurations = ensemble.Count,
                TauInt = Math.Max(ensemble.TauMagnetisationSquared.Mean, ensemble.TauEnergy.Mean),
                Spacing = ensemble.Spacing,
                AbsMagnetisation = ValueWithError.Of(ensemble.Estimates.Magnetisation),
                Susceptibility = ValueWithError.Of(ensemble.Estimates.Susceptibility),
                Binder = ValueWithError.Of(ensemble.Estimates.Binder),
                Energy = ValueWithError.Of(ensemble.Estimates.Energy),
                Magnetisations = m,
            };
        });
        if (wasReused)
        {
            reused++;
            if (path is not null && File.Exists(path))
            {
                var stored = EnsembleFile.Read(path);
                if (stored.Count == row.Configurations && stored.Model?.Mismatch(target) is null) data = stored.Configurations;
            }
        }
        if (data is null)
        {
            // The summary was kept but the configurations were not (or do not match): regenerate them, same seed, same data.
            var settings = new EnsembleSettings(spec.Configurations, spec.Thermalization, spec.PilotSweeps, 1, seed, threads);
            data = EnsembleGenerator.Generate(ModelKernels.Create(spec.Algorithm, target), settings, cancellation).Configurations;
        }
        return (data, row);
    }

    private static SampleTrainingConfig TrainingConfig(NonlinearSpec spec, ulong seed, int maxSteps) => new()
    {
        Optimizer = new Adam(),
        LearningRate = spec.LearningRate,
        BatchSize = spec.BatchSize,
        MaxSteps = maxSteps,
        Eps = spec.Eps,
        EvalInterval = spec.EvalInterval,
        ValidationSize = spec.ValidationSize,
        ReferenceLengthFactor = spec.ReferenceLengthFactor,
        Seed = seed,
    };

    private static NonlinearTrainingRow TrainingTime(NonlinearSpec spec, SampleSource source, ForwardProcess process, string arch, double t,
        int sliceIndex, ulong seed, CancellationToken cancellation)
    {
        var modelSpec = NetworkCatalog.Parse(arch);
        var model = modelSpec.Create(source.Lattice, spec.Components);
        var result = SampleTrainer.TrainSlice(model, source, process, t, TrainingConfig(spec, seed, spec.MaxSteps), sliceIndex, null, cancellation);
        return new NonlinearTrainingRow
        {
            Architecture = arch,
            Length = source.Lattice.Length,
            Time = t,
            Parameters = modelSpec.ParameterCount(source.Lattice, spec.Components),
            Steps = result.StepsToEps,
            StepsRun = result.StepsRun,
            Converged = result.Converged,
            Diverged = result.Diverged,
            InitialExcess = ValueWithError.Finite(result.InitialExcess),
            FinalExcess = ValueWithError.Finite(result.FinalExcess),
            ReferenceLoss = result.Samples!.ReferenceLoss is { } r ? ValueWithError.Finite(r) : null,
            ReferenceUncertainty = result.Samples.ReferenceUncertainty is { } u ? ValueWithError.Finite(u) : null,
            InitialValidationLoss = ValueWithError.Finite(result.Samples.InitialValidationLoss),
        };
    }

    /// <summary>
    /// Trains every slice of a log-spaced grid in [t_min, T] for exactly the budget (no stopping rule), then draws samples
    /// with the probability-flow ODE (Heun, exact divergence) and reweights them towards exp(-S).
    /// </summary>
    private static NonlinearGenerationRow Generate(NonlinearSpec spec, Phi4Model target, SampleSource source, NonlinearEnsembleRow ensemble,
        ForwardProcess process, string arch, ulong seed, CancellationToken cancellation)
    {
        var lattice = target.Lattice;
        var modelSpec = NetworkCatalog.Parse(arch);
        var model = modelSpec.Create(lattice, spec.Components);
        double chi = ensemble.Susceptibility.Value ?? 1;
        double finalTime = process.AutoFinalTime(chi, 1e-3);
        var grid = TimeGrid.LogSpaced(spec.GenerationSlices, spec.MinTime, finalTime);
        var config = TrainingConfig(spec, seed, spec.GenerationBudget);
        var slices = SampleTrainer.TrainSlices(model, source, process, grid, config, new FixedBudgetRule(), 1, cancellation);
        var parameters = slices.Select(s => s.Parameters).ToArray();
        int diverged = slices.Count(s => s.Diverged || !s.Parameters.IsFinite());
        var score = TimeScore.Sliced(model, grid.Times, parameters, interpolate: true);
        var settings = new GenerationSettings(Samplers.Heun, spec.ReverseSteps, finalTime, spec.MinTime);
        var samples = RealSpaceSampler.Generate(score, process, settings, spec.GenerationSamples, seed ^ 0x6E4E5241UL, null, 1,
            RealSpaceOptions.ExactLogDensity);
        var raw = SampleEstimates(target, samples.Samples, samples.Count, out double[] magnetisations);
        ImportanceWeightResult? weights = null;
        if (diverged == 0 && samples.Samples.All(double.IsFinite) && samples.LogDensity is { } logq && logq.All(double.IsFinite))
            weights = ImportanceWeights.Apply(target, samples, seed ^ ImportanceWeights.ChainStream);
        return new NonlinearGenerationRow
        {
            Architecture = arch,
            Length = lattice.Length,
            Budget = spec.GenerationBudget,
            Samples = samples.Count,
            EssFraction = weights is null ? null : ValueWithError.Finite(weights.EffectiveSampleFraction),
            LowEss = weights is null || weights.LowEss,
            GeneratedSusceptibility = ValueWithError.Of(raw.Susceptibility),
            GeneratedBinder = ValueWithError.Of(raw.Binder),
            ReweightedSusceptibility = weights is null ? new ValueWithError(null, null) : ValueWithError.Of(weights.Reweighted.Susceptibility),
            ReweightedBinder = weights is null ? new ValueWithError(null, null) : ValueWithError.Of(weights.Reweighted.Binder),
            ChainSusceptibility = weights is null ? new ValueWithError(null, null) : ValueWithError.Of(weights.Metropolis.Susceptibility),
            Acceptance = weights is null ? null : ValueWithError.Finite(weights.MetropolisAcceptance),
            MagnetisationDistance = ValueWithError.Finite(HistogramDistance(magnetisations, ensemble.Magnetisations)),
            DivergedSlices = diverged,
        };
    }

    /// <summary>Unweighted estimates of configurations (independent samples) and the first component of M of each.</summary>
    public static ModelEstimates SampleEstimates(LatticeModel target, double[] samples, int count, out double[] magnetisations)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(samples);
        var observables = new ModelObservables(target);
        var rows = new double[count, ModelEstimates.ColumnCount];
        var row = new double[ModelEstimates.ColumnCount];
        var mag = new double[target.Components];
        magnetisations = new double[count];
        int length = target.ConfigurationLength;
        for (int i = 0; i < count; i++)
        {
            var x = samples.AsSpan(i * length, length);
            ModelEstimates.Row(observables.Measure(x), row);
            for (int c = 0; c < row.Length; c++) rows[i, c] = row[c];
            observables.Magnetisation(x, mag);
            magnetisations[i] = mag[0];
        }
        return ModelEstimates.FromRows(target.Lattice, target.Components, rows);
    }

    /// <summary>
    /// Total-variation distance (1/2) sum |p_i - q_i| between the histograms of two samples on common bins (Freedman-Diaconis
    /// width of the pooled sample, at most 64 bins over the pooled range). 0 for identical histograms, 1 for disjoint ones.
    /// </summary>
    public static double HistogramDistance(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var a = first.Where(double.IsFinite).ToArray();
        var b = second.Where(double.IsFinite).ToArray();
        if (a.Length == 0 || b.Length == 0) return double.NaN;
        var pooled = a.Concat(b).Order().ToArray();
        double lo = pooled[0], hi = pooled[^1];
        if (!(hi > lo)) return 0;
        double iqr = pooled[(int)(0.75 * (pooled.Length - 1))] - pooled[(int)(0.25 * (pooled.Length - 1))];
        double width = iqr > 0 ? 2 * iqr / Math.Cbrt(pooled.Length) : (hi - lo) / 16;
        int bins = Math.Clamp((int)Math.Ceiling((hi - lo) / width), 4, 64);
        var p = new double[bins];
        var q = new double[bins];
        foreach (double x in a) p[Math.Min(bins - 1, (int)((x - lo) / (hi - lo) * bins))] += 1.0 / a.Length;
        foreach (double x in b) q[Math.Min(bins - 1, (int)((x - lo) / (hi - lo) * bins))] += 1.0 / b.Length;
        return 0.5 * p.Zip(q).Sum(z => Math.Abs(z.First - z.Second));
    }
}

// The keys of the study's stored pieces (KeyedResult): the settings each piece depends on. The JSON names are those of the
// anonymous objects these records replaced (run-time reflection cannot serialize in the native tool), so pieces stored
// earlier are still found.

internal sealed record NonlinearTrainingKey(
    [property: JsonPropertyName("v")] int Version, int Dimension, int Components, double Kappa, double Lambda,
    [property: JsonPropertyName("length")] int Length, [property: JsonPropertyName("arch")] string Architecture,
    [property: JsonPropertyName("t")] double Time, int Configurations, string Algorithm, int Thermalization, int PilotSweeps, int BatchSize,
    double LearningRate, int MaxSteps, double Eps, int EvalInterval, int ValidationSize, double ReferenceLengthFactor,
    [property: JsonPropertyName("seed")] ulong Seed);

internal sealed record NonlinearGenerationKey(
    [property: JsonPropertyName("v")] int Version, int Dimension, int Components, double Kappa, double Lambda,
    [property: JsonPropertyName("length")] int Length, [property: JsonPropertyName("arch")] string Architecture,
    int Configurations, string Algorithm, int Thermalization, int PilotSweeps, int BatchSize, double LearningRate, int GenerationSlices,
    int GenerationBudget, int GenerationSamples, int ReverseSteps, double MinTime, [property: JsonPropertyName("seed")] ulong Seed);

internal sealed record NonlinearEnsembleKey(
    [property: JsonPropertyName("v")] int Version, [property: JsonPropertyName("model")] ModelDescription Model, int Configurations,
    string Algorithm, int Thermalization, int PilotSweeps, [property: JsonPropertyName("seed")] ulong Seed);
