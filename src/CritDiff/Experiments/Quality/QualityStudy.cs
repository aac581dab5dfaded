using System.Diagnostics;
using System.Globalization;
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

/// <summary>
/// Runs <see cref="QualitySpec"/> as resumable keyed jobs in a folder: one Wolff ensemble per (L, replica)
/// (FOLDER/ensembles/phi4-L{L}-r{r}.npy with its side-car and keyed summary) and one job per (network, L, replica)
/// (FOLDER/jobs), each written atomically as it finishes (<see cref="KeyedResult"/>), so a rerun reuses finished pieces.
/// Seeds: ensemble of (size index i, replica r) Seed + 7919 i + 104729 r; a network's training and sampling seeds add
/// 15485863 (a + 1) for network a.
/// </summary>
public sealed class QualityStudy : IStudy<QualitySpec, QualityResult>
{
    private QualityStudy()
    {
    }

    /// <summary>The study (<see cref="IStudy{TSpec, TResult}"/>).</summary>
    public static QualityStudy Study { get; } = new();

    /// <summary>Stream salt of the generated samples.</summary>
    private const ulong SampleSalt = 0x5155414CUL;

    /// <inheritdoc />
    public int Jobs(QualitySpec spec, string? folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Replicas * spec.Sizes.Sum(l => 1 + spec.Networks.Count(n => spec.Runs(n, l)));
    }

    /// <summary>Runs (or resumes) the study; the sink hears one line per finished job.</summary>
    public QualityResult Run(QualitySpec spec, StudyRun run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        run.Validate();
        spec.Validate();
        var clock = Stopwatch.StartNew();
        var gate = new Lock();
        int reused = 0;
        void Done(string line, bool wasReused)
        {
            lock (gate)
            {
                if (wasReused) reused++;
                run.Finished(line, "");
            }
        }

        var cells = spec.Sizes.SelectMany((l, i) => Enumerable.Range(0, spec.Replicas).Select(r => (Index: i, Length: l, Replica: r))).ToArray();
        var ensembles = new (QualityEnsembleRow Row, Func<double[]> Data, QualityEnsembleKey Key)[cells.Length];
        Parallel.For(0, cells.Length, run.Parallel, c =>
        {
            var (i, length, r) = cells[c];
            ensembles[c] = Ensemble(spec, Target(spec, length), EnsembleSeed(spec, i, r), r, run.Folder, run.Cancellation, out bool wasReused);
            var row = ensembles[c].Row;
            Done(string.Create(CultureInfo.InvariantCulture,
                $"L={length} replica {r}: {row.Configurations} configurations, chi = {Stats.Format(row.Susceptibility.Value ?? double.NaN, row.Susceptibility.Error)}, U = {row.Binder.Value:F3}{(wasReused ? " (reused)" : "")}"), wasReused);
        });

        var jobs = cells.SelectMany((cell, c) => spec.Networks.Select((n, a) => (Cell: c, Network: n, NetworkIndex: a)))
            .Where(j => spec.Runs(j.Network, cells[j.Cell].Length)).ToArray();
        var rows = new QualityRow[jobs.Length];
        Parallel.For(0, jobs.Length, run.Parallel, j =>
        {
            var (c, network, a) = jobs[j];
            var (i, length, r) = cells[c];
            var (ensemble, data, ensembleKey) = ensembles[c];
            ulong seed = EnsembleSeed(spec, i, r) + 15485863UL * (ulong)(a + 1);
            int weighted = spec.WeightSamplesAt(i);
            string key = KeyedResult.KeyOf(QualityJson.Keyed, new QualityJobKey(2, ensembleKey, network, spec.LadderOf(network), spec.Slices, spec.BatchSize,
                NetworkCatalog.Parse(network).IsTimeConditioned ? spec.ConditionedLearningRate : spec.LearningRate, spec.RungSamplesAt(i), weighted,
                spec.SamplerAt(length), spec.ReverseSteps, spec.MinTime, spec.ChiTolerance, spec.BinderTolerance, spec.HistogramTolerance, seed));
            var (row, wall, wasReused) = KeyedResult.GetOrCompute(QualityJson.Keyed, Sub(run.Folder, "jobs"), $"{Safe(network)}-L{length}-r{r}", key,
                () => Job(spec, Target(spec, length), ensemble, data(), network, r, spec.RungSamplesAt(i), weighted, seed, run.Cancellation));
            rows[j] = row;
            Done(string.Create(CultureInfo.InvariantCulture,
                $"L={length} {network} replica {r} ({row.Sampler}, {row.LogDensity} log q): quality {(row.QualitySteps is { } q ? $"at {q} steps" : $"not reached by {row.LargestSteps}")}, ESS/N {row.EssFraction:G3} ({wall:F1} s{(wasReused ? ", reused" : "")})"), wasReused);
        });
        return new QualityResult(spec, ensembles.Select(e => e.Row).ToArray(), rows, clock.Elapsed.TotalSeconds, reused);
    }

    private static Phi4Model Target(QualitySpec spec, int length) => new(new Lattice(spec.Dimension, length), 1, spec.Kappa, spec.Lambda);

    private static ulong EnsembleSeed(QualitySpec spec, int sizeIndex, int replica) => spec.Seed + 7919UL * (ulong)sizeIndex + 104729UL * (ulong)replica;

    private static string? Sub(string? folder, string name) => folder is null ? null : Path.Combine(folder, name);

    private static string Safe(string network) => string.Concat(network.Select(ch => char.IsLetterOrDigit(ch) || ch == '-' ? ch : '_'));

    /// <summary>The replica's ensemble: its keyed summary, and its configurations (read from the stored file or regenerated, same seed, same data).</summary>
    private static (QualityEnsembleRow Row, Func<double[]> Data, QualityEnsembleKey Key) Ensemble(QualitySpec spec, Phi4Model target, ulong seed, int replica,
        string? folder, CancellationToken cancellation, out bool wasReused)
    {
        int length = target.Lattice.Length;
        string? path = folder is null ? null : Path.Combine(folder, "ensembles", $"phi4-L{length}-r{replica}.npy");
        var ensembleKey = new QualityEnsembleKey(1, ModelDescription.Of(target), spec.Configurations, spec.Algorithm, spec.Thermalization, spec.PilotSweeps, seed);
        var settings = new EnsembleSettings(spec.Configurations, spec.Thermalization, spec.PilotSweeps, 1, seed, 1);
        double[]? data = null;
        var (row, _, reused) = KeyedResult.GetOrCompute(QualityJson.Keyed, Sub(folder, "ensembles"), $"phi4-L{length}-r{replica}",
            KeyedResult.KeyOf(QualityJson.Keyed, ensembleKey), () =>
            {
                var clock = Stopwatch.StartNew();
                var ensemble = EnsembleGenerator.Generate(ModelKernels.Create(spec.Algorithm, target), settings, cancellation);
                data = ensemble.Configurations;
                if (path is not null)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    EnsembleFile.Write(path, ensemble);
                }
                NonlinearStudy.SampleEstimates(target, ensemble.Configurations, ensemble.Count, out double[] m);
                return new QualityEnsembleRow
                {
                    Length = length,
                    Replica = replica,
                    Configurations = ensemble.Count,
                    TauInt = Math.Max(ensemble.TauMagnetisationSquared.Mean, ensemble.TauEnergy.Mean),
                    Susceptibility = ValueWithError.Of(ensemble.Estimates.Susceptibility),
                    Binder = ValueWithError.Of(ensemble.Estimates.Binder),
                    WallSeconds = clock.Elapsed.TotalSeconds,
                    Magnetisations = m,
                };
            });
        wasReused = reused;
        var kept = data;
        double[] Load()
        {
            if (kept is not null) return kept;
            if (path is not null && File.Exists(path))
            {
                var stored = EnsembleFile.Read(path);
                if (stored.Count == row.Configurations && stored.Model?.Mismatch(target) is null) return kept = stored.Configurations;
            }
            return kept = EnsembleGenerator.Generate(ModelKernels.Create(spec.Algorithm, target), settings, cancellation).Configurations;
        }
        return (row, Load, ensembleKey);
    }

    /// <summary>
    /// One (network, L, replica): train along the ladder, sample at every rung, reweight at the largest with the exact log q of
    /// the row's sampler (<see cref="QualitySpec.SamplerAt"/>: the discrete Heun map's, or the stochastic sampler's path weights).
    /// </summary>
    private static QualityRow Job(QualitySpec spec, Phi4Model target, QualityEnsembleRow ensemble, double[] data, string network, int replica,
        int rungSamples, int weighted, ulong seed, CancellationToken cancellation)
    {
        var lattice = target.Lattice;
        var modelSpec = NetworkCatalog.Parse(network);
        var process = new VariancePreserving();
        var source = new DataSetSource(lattice, 1, data, ensemble.Configurations);
        double chi = ensemble.Susceptibility.Value ?? 1;
        double finalTime = process.AutoFinalTime(chi, 1e-3);
        var ladder = spec.LadderOf(network);
        var trained = modelSpec.IsTimeConditioned
            ? QualityTraining.Conditioned(spec, modelSpec, source, process, finalTime, seed, cancellation)
            : QualityTraining.Sliced(spec, modelSpec, source, process, finalTime, seed, cancellation);
        var sampler = Samplers.Parse(spec.SamplerAt(lattice.Length));
        bool ode = !sampler.CarriesPathWeight;
        var settings = new GenerationSettings(sampler, spec.ReverseSteps, finalTime, spec.MinTime);
        var rungs = new List<QualityRung>();
        RealSpaceSamples? last = null;
        double generationSeconds = 0;
        for (int k = 0; k < ladder.Count; k++)
        {
            cancellation.ThrowIfCancellationRequested();
            bool largest = k == ladder.Count - 1;
            var clock = Stopwatch.StartNew();
            var samples = RealSpaceSampler.Generate(trained.Scores[k], process, settings, largest ? Math.Max(weighted, rungSamples) : rungSamples,
                seed ^ SampleSalt, null, 1, !largest ? RealSpaceOptions.None : ode ? RealSpaceOptions.DiscreteLogDensity : RealSpaceOptions.PathWeightsOnly);
            if (largest)
            {
                generationSeconds = clock.Elapsed.TotalSeconds;
                last = samples;
            }
            rungs.Add(Rung(spec, target, ensemble, ladder[k], samples.Samples.AsSpan(0, rungSamples * target.ConfigurationLength).ToArray(), rungSamples));
        }
        var result = last!;
        NonlinearStudy.SampleEstimates(target, result.Samples, result.Count, out double[] magnetisations);
        ImportanceWeightResult? weights = null;
        double? acceptance = null, tau = null, tauError = null;
        if (result.Samples.All(double.IsFinite) && result.LogDensity is { } logq && logq.All(double.IsFinite))
        {
            weights = ImportanceWeights.Apply(target, result, seed);
            var (a, t, e) = QualityRules.IndependenceChain(weights.LogWeights, magnetisations.Select(m => m * m).ToArray(), seed);
            (acceptance, tau, tauError) = (a, t, e);
        }
        bool measurable = weights is not null && weights.EffectiveSampleFraction * result.Count >= QualityRules.MinimumEss;
        return new QualityRow
        {
            Network = network,
            Length = lattice.Length,
            Replica = replica,
            Parameters = modelSpec.ParameterCount(lattice, 1),
            TimeConditioned = modelSpec.IsTimeConditioned,
            Sampler = sampler.Name,
            LogDensity = ode ? "discrete" : "path",
            Rungs = rungs,
            QualitySteps = QualityRules.FirstMeeting(rungs),
            LargestSteps = ladder[^1],
            TrainingSeconds = trained.Seconds,
            LadderTrainingSeconds = trained.LadderSeconds,
            Diverged = trained.Diverged,
            WeightedSamples = result.Count,
            GenerationSecondsPerSample = generationSeconds / result.Count,
            EssFraction = weights is null ? null : ValueWithError.Finite(weights.EffectiveSampleFraction),
            Measurable = measurable,
            ReweightedSusceptibility = measurable ? ValueWithError.Of(weights!.Reweighted.Susceptibility) : new ValueWithError(null, null),
            ReweightedBinder = measurable ? ValueWithError.Of(weights!.Reweighted.Binder) : new ValueWithError(null, null),
            Acceptance = measurable ? acceptance : null,
            TauInt = measurable ? tau : null,
            TauIntError = measurable ? tauError : null,
            Magnetisations = magnetisations,
        };
    }

    /// <summary>The quality measures of one rung's samples against the replica's Monte Carlo ensemble.</summary>
    private static QualityRung Rung(QualitySpec spec, Phi4Model target, QualityEnsembleRow ensemble, int steps, double[] samples, int count)
    {
        bool finite = samples.All(double.IsFinite);
        var estimates = NonlinearStudy.SampleEstimates(target, samples, count, out double[] m);
        double? chi = finite ? ValueWithError.Finite(estimates.Susceptibility.Mean) : null;
        double? binder = finite ? ValueWithError.Finite(estimates.Binder.Mean) : null;
        double? logChi = chi is { } g && g > 0 && ensemble.Susceptibility.Value is { } mc && mc > 0 ? Math.Abs(Math.Log(g / mc)) : null;
        double? binderError = binder is { } u && ensemble.Binder.Value is { } umc ? Math.Abs(u - umc) : null;
        double? distance = finite ? ValueWithError.Finite(NonlinearStudy.HistogramDistance(m, ensemble.Magnetisations)) : null;
        double? relative = chi is { } c && c > 0 ? ValueWithError.Finite(estimates.Susceptibility.Error / c) : null;
        return new QualityRung
        {
            Steps = steps,
            Samples = count,
            GeneratedSusceptibility = finite ? ValueWithError.Of(estimates.Susceptibility) : new ValueWithError(null, null),
            GeneratedBinder = finite ? ValueWithError.Of(estimates.Binder) : new ValueWithError(null, null),
            LogChiError = logChi,
            BinderError = binderError,
            HistogramDistance = distance,
            Meets = QualityRules.Meets(spec, logChi, binderError, distance),
            ChiRelativeError = relative,
            Resolvable = QualityRules.Resolvable(spec, relative),
        };
    }
}
