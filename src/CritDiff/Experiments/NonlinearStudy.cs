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

/// <summary>The Monte Carlo ensemble of one size in one replica: its observables (the reference for generated samples).</summary>
public sealed record NonlinearEnsembleRow
{
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("replica")] public int Replica { get; init; }
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

/// <summary>Training time of one network under one optimizer at one (L, t) in one replica.</summary>
public sealed record NonlinearTrainingRow
{
    [JsonPropertyName("arch")] public required string Architecture { get; init; }

    /// <summary>"adam", or "sgd" for the plain-SGD control.</summary>
    [JsonPropertyName("optimizer")] public required string Optimizer { get; init; }

    [JsonPropertyName("replica")] public int Replica { get; init; }
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("t")] public required double Time { get; init; }
    [JsonPropertyName("parameters")] public required long Parameters { get; init; }
    [JsonPropertyName("lr")] public double? LearningRate { get; init; }

    /// <summary>The stopping rule in words (exact data excess, or a converged reference).</summary>
    [JsonPropertyName("rule")] public string? Rule { get; init; }

    /// <summary>The step cap of the run reported (for reference-rule networks the larger budget, 4B).</summary>
    [JsonPropertyName("max_steps")] public int? MaxSteps { get; init; }

    /// <summary>Steps until excess &lt;= eps x initial; null when not reached within the cap (then steps_run is a lower bound).</summary>
    [JsonPropertyName("steps")] public int? Steps { get; init; }

    [JsonPropertyName("steps_run")] public required int StepsRun { get; init; }
    [JsonPropertyName("converged")] public required bool Converged { get; init; }
    [JsonPropertyName("diverged")] public required bool Diverged { get; init; }
    [JsonPropertyName("initial_excess")] public double? InitialExcess { get; init; }
    [JsonPropertyName("final_excess")] public double? FinalExcess { get; init; }
    [JsonPropertyName("reference_loss")] public double? ReferenceLoss { get; init; }
    [JsonPropertyName("reference_uncertainty")] public double? ReferenceUncertainty { get; init; }
    [JsonPropertyName("initial_validation_loss")] public double? InitialValidationLoss { get; init; }

    /// <summary>Steps of each reference run at the length used (reference rule only).</summary>
    [JsonPropertyName("reference_steps")] public int? ReferenceSteps { get; init; }

    /// <summary>The reference's last change between doublings over the initial excess (reference rule only).</summary>
    [JsonPropertyName("reference_drift")] public double? ReferenceDrift { get; init; }

    [JsonPropertyName("reference_converged")] public bool? ReferenceConverged { get; init; }

    /// <summary>The budget-invariance check (reference rule only): the smaller budget B, and the run's outcome there.</summary>
    [JsonPropertyName("check_budget")] public int? CheckBudget { get; init; }

    [JsonPropertyName("check_steps")] public int? CheckSteps { get; init; }
    [JsonPropertyName("check_steps_run")] public int? CheckStepsRun { get; init; }
    [JsonPropertyName("check_converged")] public bool? CheckConverged { get; init; }

    /// <summary>True when the times at B and 4B agree (<see cref="NonlinearStudy.BudgetAgrees"/>); null where no check is needed (exact rule).</summary>
    [JsonPropertyName("budget_agrees")] public bool? BudgetAgrees { get; init; }

    /// <summary>The network's label: its name, with " (sgd)" for the SGD control.</summary>
    [JsonIgnore] public string Network => NonlinearStudy.NetworkLabel(Architecture, Optimizer);

    /// <summary>The steps, or the steps run when unconverged (a lower bound); null when diverged.</summary>
    [JsonIgnore] public int? StepsOrBound => Diverged ? null : Converged ? Steps : StepsRun;
}

/// <summary>Generation with one network trained a fixed budget on every slice, at one L in one replica.</summary>
public sealed record NonlinearGenerationRow
{
    [JsonPropertyName("arch")] public required string Architecture { get; init; }
    [JsonPropertyName("replica")] public int Replica { get; init; }
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("budget")] public required int Budget { get; init; }
    [JsonPropertyName("samples")] public required int Samples { get; init; }
    [JsonPropertyName("chi_generated")] public required ValueWithError GeneratedSusceptibility { get; init; }
    [JsonPropertyName("binder_generated")] public required ValueWithError GeneratedBinder { get; init; }

    /// <summary>chi of the replica's own Monte Carlo ensemble (the reference of this row).</summary>
    [JsonPropertyName("chi_mc")] public double? MonteCarloSusceptibility { get; init; }

    /// <summary>ln(chi_generated / chi_MC), null where either is missing or not positive.</summary>
    [JsonPropertyName("log_chi_ratio")] public double? LogChiRatio { get; init; }

    /// <summary>Total-variation distance between the histograms of M of generated and Monte Carlo configurations (0..1).</summary>
    [JsonPropertyName("m_histogram_distance")] public double? MagnetisationDistance { get; init; }

    /// <summary>Slices that did not stay finite during the budget (their samples are then meaningless).</summary>
    [JsonPropertyName("diverged_slices")] public required int DivergedSlices { get; init; }
}

/// <summary>
/// The training time of one network at one L over replicas: mean +- standard error of each replica's steps (its slowest slice),
/// the steps run standing in for unconverged replicas (then the mean is a lower bound, <see cref="LowerBound"/>).
/// </summary>
public sealed record NonlinearTrainingSummary
{
    [JsonPropertyName("arch")] public required string Architecture { get; init; }
    [JsonPropertyName("optimizer")] public required string Optimizer { get; init; }
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("parameters")] public required long Parameters { get; init; }
    [JsonPropertyName("steps")] public required ReplicaMean Steps { get; init; }

    /// <summary>Replicas that reached eps (the others count with their steps run: a lower bound).</summary>
    [JsonPropertyName("converged_replicas")] public required int ConvergedReplicas { get; init; }

    [JsonPropertyName("diverged_replicas")] public required int DivergedReplicas { get; init; }
    [JsonPropertyName("lower_bound")] public required bool LowerBound { get; init; }

    /// <summary>False when a replica's budget check failed: the time then depends on the budget and is not measured.</summary>
    [JsonPropertyName("budget_invariant")] public required bool BudgetInvariant { get; init; }

    /// <summary>False when a replica's reference did not converge within its doublings (reference rule only).</summary>
    [JsonPropertyName("reference_converged")] public required bool ReferenceConverged { get; init; }

    /// <summary>Measured: no replica diverged, every reference converged and the budget check held (lower bounds count as measured bounds).</summary>
    [JsonIgnore] public bool Measured => BudgetInvariant && ReferenceConverged && DivergedReplicas == 0;

    [JsonIgnore] public string Network => NonlinearStudy.NetworkLabel(Architecture, Optimizer);
}

/// <summary>
/// The growth of a network's training time with L: a power law fitted to each replica's own steps against L, and the mean +-
/// standard error of those exponents (and of the slopes of a + b ln L).
/// </summary>
public sealed record NonlinearTrainingFit
{
    [JsonPropertyName("arch")] public required string Architecture { get; init; }
    [JsonPropertyName("optimizer")] public required string Optimizer { get; init; }
    [JsonPropertyName("power_exponent")] public required ReplicaMean PowerExponent { get; init; }
    [JsonPropertyName("log_slope")] public required ReplicaMean LogSlope { get; init; }

    /// <summary>Each replica's fitted exponent.</summary>
    [JsonPropertyName("replica_exponents")] public required double[] ReplicaExponents { get; init; }

    /// <summary>Some point is a lower bound (unconverged replica): the exponent is then not the network's.</summary>
    [JsonPropertyName("has_bounds")] public required bool HasBounds { get; init; }

    /// <summary>Every size measured (no divergence, budget check held).</summary>
    [JsonPropertyName("measured")] public required bool Measured { get; init; }

    [JsonIgnore] public string Network => NonlinearStudy.NetworkLabel(Architecture, Optimizer);
}

/// <summary>Generation of one network at one L over replicas: ln(chi_gen / chi_MC) (each replica against its own ensemble) and the M-histogram distance.</summary>
public sealed record NonlinearGenerationSummary
{
    [JsonPropertyName("arch")] public required string Architecture { get; init; }
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("log_chi_ratio")] public required ReplicaMean LogChiRatio { get; init; }
    [JsonPropertyName("chi_generated")] public required ReplicaMean GeneratedSusceptibility { get; init; }
    [JsonPropertyName("chi_mc")] public required ReplicaMean MonteCarloSusceptibility { get; init; }
    [JsonPropertyName("m_histogram_distance")] public required ReplicaMean MagnetisationDistance { get; init; }
    [JsonPropertyName("diverged_slices")] public required int DivergedSlices { get; init; }

    /// <summary>exp(mean ln(chi_gen / chi_MC)), the geometric mean of the replicas' ratios.</summary>
    [JsonIgnore] public double? ChiRatio => LogChiRatio.Mean is { } m ? Math.Exp(m) : null;
}

/// <summary>Everything the nonlinear study measured.</summary>
public sealed record NonlinearResult(NonlinearSpec Spec, IReadOnlyList<NonlinearEnsembleRow> Ensembles,
    IReadOnlyList<NonlinearTrainingRow> Training, IReadOnlyList<NonlinearGenerationRow> Generation, double WallSeconds, int Reused)
{
    /// <summary>The networks in the order of the spec: (architecture, optimizer), the Adam ones then the SGD control.</summary>
    public IReadOnlyList<(string Architecture, string Optimizer)> Networks() =>
        [.. Spec.Architectures.Select(a => (a, NonlinearStudy.AdamName)), .. Spec.SgdArchitectures.Select(a => (a, NonlinearStudy.SgdName))];

    /// <summary>The slowest slice of each (network, L, replica): the training time of the network at that size in that replica (unconverged slices are the slowest).</summary>
    public IReadOnlyList<NonlinearTrainingRow> Slowest() =>
        Training.GroupBy(r => (r.Architecture, r.Optimizer, r.Length, r.Replica))
            .Select(g => g.OrderByDescending(r => r.Diverged ? int.MaxValue : r.Converged ? r.Steps ?? 0 : int.MaxValue - 1).First())
            .OrderBy(r => NetworkIndex(r.Architecture, r.Optimizer)).ThenBy(r => r.Length).ThenBy(r => r.Replica).ToArray();

    private int NetworkIndex(string architecture, string optimizer)
    {
        var networks = Networks();
        for (int i = 0; i < networks.Count; i++)
            if (networks[i].Architecture == architecture && networks[i].Optimizer == optimizer) return i;
        return networks.Count;
    }

    /// <summary>Per (network, L): the replicas' slowest-slice steps aggregated (<see cref="NonlinearTrainingSummary"/>).</summary>
    public IReadOnlyList<NonlinearTrainingSummary> Summaries() =>
        Slowest().GroupBy(r => (r.Architecture, r.Optimizer, r.Length)).Select(g => Summarize(g.ToArray())).ToArray();

    /// <summary>Aggregates the replicas of one (network, L) (their slowest slices).</summary>
    public static NonlinearTrainingSummary Summarize(IReadOnlyList<NonlinearTrainingRow> replicas)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        var first = replicas[0];
        return new NonlinearTrainingSummary
        {
            Architecture = first.Architecture,
            Optimizer = first.Optimizer,
            Length = first.Length,
            Parameters = first.Parameters,
            Steps = ReplicaMean.Of(replicas.Where(r => r.StepsOrBound is not null).Select(r => (double)r.StepsOrBound!.Value)),
            ConvergedReplicas = replicas.Count(r => r.Converged),
            DivergedReplicas = replicas.Count(r => r.Diverged),
            LowerBound = replicas.Any(r => !r.Converged && !r.Diverged),
            BudgetInvariant = replicas.All(r => r.BudgetAgrees is not false),
            ReferenceConverged = replicas.All(r => r.ReferenceConverged is not false),
        };
    }

    /// <summary>
    /// The power-law growth of a network's time: fitted per replica to its own steps (steps run where unconverged) against L,
    /// then the mean +- SE of the replicas' exponents; null with fewer than two sizes or no replica with every size.
    /// </summary>
    public NonlinearTrainingFit? Fit(string architecture, string optimizer = NonlinearStudy.AdamName)
    {
        var rows = Slowest().Where(r => r.Architecture == architecture && r.Optimizer == optimizer).ToArray();
        var summaries = Summaries().Where(s => s.Architecture == architecture && s.Optimizer == optimizer).ToArray();
        var fits = rows.GroupBy(r => r.Replica).Select(g => g.OrderBy(r => r.Length).ToArray())
            .Where(g => g.Length >= 2 && g.All(r => r.StepsOrBound is > 0))
            .Select(g => ScalingFit.Of(g.Select(r => (double)r.Length).ToArray(), g.Select(r => (double)r.StepsOrBound!.Value).ToArray()))
            .ToArray();
        if (fits.Length == 0) return null;
        return new NonlinearTrainingFit
        {
            Architecture = architecture,
            Optimizer = optimizer,
            PowerExponent = ReplicaMean.Of(fits.Select(f => f.PowerExponent)),
            LogSlope = ReplicaMean.Of(fits.Select(f => f.LogSlope)),
            ReplicaExponents = fits.Select(f => f.PowerExponent).ToArray(),
            HasBounds = summaries.Any(s => s.LowerBound),
            Measured = summaries.All(s => s.Measured) && fits.Length == rows.Select(r => r.Replica).Distinct().Count(),
        };
    }

    /// <summary>Per (generation network, L): the replicas aggregated (<see cref="NonlinearGenerationSummary"/>).</summary>
    public IReadOnlyList<NonlinearGenerationSummary> GenerationSummaries() =>
        Generation.GroupBy(g => (g.Architecture, g.Length))
            .OrderBy(g => Spec.GenerationArchitectures.ToList().IndexOf(g.Key.Architecture)).ThenBy(g => g.Key.Length)
            .Select(g => new NonlinearGenerationSummary
            {
                Architecture = g.Key.Architecture,
                Length = g.Key.Length,
                LogChiRatio = ReplicaMean.Of(g.Where(r => r.LogChiRatio is not null).Select(r => r.LogChiRatio!.Value)),
                GeneratedSusceptibility = ReplicaMean.Of(g.Where(r => r.GeneratedSusceptibility.Value is not null).Select(r => r.GeneratedSusceptibility.Value!.Value)),
                MonteCarloSusceptibility = ReplicaMean.Of(g.Where(r => r.MonteCarloSusceptibility is not null).Select(r => r.MonteCarloSusceptibility!.Value)),
                MagnetisationDistance = ReplicaMean.Of(g.Where(r => r.MagnetisationDistance is not null).Select(r => r.MagnetisationDistance!.Value)),
                DivergedSlices = g.Sum(r => r.DivergedSlices),
            }).ToArray();

    /// <summary>The Monte Carlo observables of each L over replicas (chi, Binder U, tau_int).</summary>
    public IReadOnlyList<(int Length, ReplicaMean Chi, ReplicaMean Binder, ReplicaMean TauInt)> EnsembleSummaries() =>
        Ensembles.GroupBy(e => e.Length).OrderBy(g => g.Key).Select(g => (g.Key,
            ReplicaMean.Of(g.Where(e => e.Susceptibility.Value is not null).Select(e => e.Susceptibility.Value!.Value)),
            ReplicaMean.Of(g.Where(e => e.Binder.Value is not null).Select(e => e.Binder.Value!.Value)),
            ReplicaMean.Of(g.Select(e => e.TauInt)))).ToArray();
}

/// <summary>
/// Runs <see cref="NonlinearSpec"/> as resumable keyed jobs in a folder: per replica r and size L one Wolff ensemble
/// (FOLDER/ensembles/phi4-L{L}-r{r}.npy with its side-car), one training-time job per (network, L, t) and one generation job
/// per (network, L), each written atomically as it finishes (<see cref="KeyedResult"/>).
/// </summary>
public sealed class NonlinearStudy : IStudy<NonlinearSpec, NonlinearResult>
{
    private NonlinearStudy()
    {
    }

    /// <summary>The study (<see cref="IStudy{TSpec, TResult}"/>).</summary>
    public static NonlinearStudy Study { get; } = new();

    /// <summary>The optimizer names of the training rows.</summary>
    public const string AdamName = "adam", SgdName = "sgd";

    /// <summary>A network's label in tables: its name, with " (sgd)" for the SGD control.</summary>
    public static string NetworkLabel(string architecture, string optimizer) => optimizer == AdamName ? architecture : $"{architecture} ({optimizer})";

    /// <inheritdoc />
    public int Jobs(NonlinearSpec spec, string? folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Replicas * spec.Sizes.Count * (1 + (spec.Architectures.Count + spec.SgdArchitectures.Count) * spec.Times.Count + spec.GenerationArchitectures.Count);
    }

    /// <summary>
    /// Runs (or resumes) the study; the sink hears each finished job as its one line (the job's name, e.g.
    /// "L=8 r=0 two-layer t=0.1: 120 steps (1.0 s)", with an empty detail), from the thread that finished it.
    /// </summary>
    public NonlinearResult Run(NonlinearSpec spec, StudyRun run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        run.Validate();
        spec.Validate();
        return Run(spec, run.Folder, run.Threads, new StudyProgressAdapter<string>(line => run.Finished(line, "")), run.Cancellation);
    }

    /// <summary>
    /// The budget-invariance check of one (network, L, replica): the run at budget B (steps <paramref name="stepsB"/> of
    /// <paramref name="runB"/>) against the run at 4B. Both converged: |ln(t_B / t_4B)| &lt;= <paramref name="tolerance"/> or
    /// |t_B - t_4B| &lt;= 2 evaluation intervals. B unconverged: its steps run are a lower bound, which holds when t_4B &gt;=
    /// B - 2 intervals (or the 4B run is unconverged too). B converged but 4B not, or a divergence: they disagree.
    /// </summary>
    public static bool BudgetAgrees(int? stepsB, int runB, bool divergedB, int? steps4B, bool diverged4B, double tolerance, int evalInterval)
    {
        if (divergedB || diverged4B) return false;
        return (stepsB, steps4B) switch
        {
            ({ } b, { } four) => Math.Abs(Math.Log((double)b / four)) <= tolerance || Math.Abs(b - four) <= 2 * evalInterval,
            (null, { } four) => four >= runB - 2 * evalInterval,
            ({ }, null) => false,
            (null, null) => true,
        };
    }

    private static NonlinearResult Run(NonlinearSpec spec, string? folder, int threads, IProgress<string> progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        int reused = 0;
        var ensembles = new List<NonlinearEnsembleRow>();
        var training = new List<NonlinearTrainingRow>();
        var generation = new List<NonlinearGenerationRow>();
        var process = new VariancePreserving();
        var networks = new NonlinearResult(spec, [], [], [], 0, 0).Networks();
        for (int i = 0; i < spec.Sizes.Count; i++)
        {
            int length = spec.Sizes[i];
            var lattice = new Lattice(spec.Dimension, length);
            var target = new Phi4Model(lattice, spec.Components, spec.Kappa, spec.Lambda);
            // Every job of this size, all replicas, runs at once (up to the thread count): each is keyed, written when it finishes,
            // and independent of the others, so the results do not depend on the order or the number of threads.
            var jobs = new List<Action>();
            var trainingRows = new NonlinearTrainingRow[spec.Replicas * networks.Count * spec.Times.Count];
            var generationRows = new NonlinearGenerationRow[spec.Replicas * spec.GenerationArchitectures.Count];
            var gate = new Lock();
            for (int r = 0; r < spec.Replicas; r++)
            {
                int replica = r;
                ulong seed = spec.SeedOf(i, r);
                var (data, ensemble) = Ensemble(spec, target, replica, seed, folder, threads, cancellation, ref reused);
                ensembles.Add(ensemble);
                progress.Report(string.Create(CultureInfo.InvariantCulture,
                    $"L={length} r={replica}: {ensemble.Configurations} configurations, chi = {Stats.Format(ensemble.Susceptibility.Value ?? double.NaN, ensemble.Susceptibility.Error)}, U = {ensemble.Binder.Value:F3}"));
                var source = new DataSetSource(lattice, spec.Components, data, ensemble.Configurations);
                double sgdRate = double.NaN;
                if (spec.SgdArchitectures.Count > 0)
                {
                    var spectrum = MeasuredSpectrum.Measure(lattice, data, ensemble.Configurations, spec.Components, "training data");
                    sgdRate = spec.Times.Min(t => SgdRate(spec, process, spectrum.Mean, t));
                }
                for (int a = 0; a < networks.Count; a++)
                    for (int j = 0; j < spec.Times.Count; j++)
                    {
                        var (arch, optimizer) = networks[a];
                        double t = spec.Times[j];
                        int slot = (replica * networks.Count + a) * spec.Times.Count + j, slice = j;
                        jobs.Add(() =>
                        {
                            bool sgd = optimizer == SgdName;
                            string key = KeyedResult.KeyOf(JsonFormats.Keyed, new NonlinearTrainingKeyV2(2, spec.Dimension, spec.Components, spec.Kappa, spec.Lambda, length,
                                arch, optimizer, t, spec.Configurations, spec.Algorithm, spec.Thermalization, spec.PilotSweeps, spec.BatchSize,
                                sgd ? spec.SgdRateFraction : spec.LearningRate, sgd ? spec.SgdMaxSteps : spec.MaxSteps, spec.ReferenceBudget, spec.BudgetCheckFactor,
                                spec.ReferenceDrift, spec.MaxReferenceDoublings, spec.Eps, spec.EvalInterval, spec.ValidationSize, spec.ReferenceLengthFactor, seed));
                            string name = string.Create(CultureInfo.InvariantCulture, $"{arch}{(sgd ? "-sgd" : "")}-L{length}-t{t:G4}-r{replica}");
                            var (row, wall, wasReused) = KeyedResult.GetOrCompute(JsonFormats.Keyed, Sub(folder, "training"), name, key,
                                () => TrainingTime(spec, source, process, arch, optimizer, sgd ? sgdRate : spec.LearningRate, t, slice, replica, seed, cancellation));
                            trainingRows[slot] = row;
                            lock (gate)
                            {
                                if (wasReused) reused++;
                                progress.Report(string.Create(CultureInfo.InvariantCulture,
                                    $"L={length} r={replica} {row.Network} t={t:G3}: {(row.Converged ? $"{row.Steps} steps" : row.Diverged ? "diverged" : $"not converged in {row.StepsRun}")}{(row.BudgetAgrees is { } agrees ? $", budget check {row.CheckSteps?.ToString(CultureInfo.InvariantCulture) ?? $">{row.CheckStepsRun}"} at {row.CheckBudget}: {(agrees ? "agrees" : "DISAGREES")}" : "")} ({wall:F1} s{(wasReused ? ", reused" : "")})"));
                            }
                        });
                    }
                for (int a = 0; a < spec.GenerationArchitectures.Count; a++)
                {
                    string arch = spec.GenerationArchitectures[a];
                    int slot = replica * spec.GenerationArchitectures.Count + a;
                    jobs.Add(() =>
                    {
                        string key = KeyedResult.KeyOf(JsonFormats.Keyed, new NonlinearGenerationKey(2, spec.Dimension, spec.Components, spec.Kappa, spec.Lambda, length, arch,
                            spec.Configurations, spec.Algorithm, spec.Thermalization, spec.PilotSweeps, spec.BatchSize, spec.LearningRate, spec.GenerationSlices,
                            spec.GenerationBudget, spec.GenerationSamples, spec.ReverseSteps, spec.MinTime, seed));
                        var (row, wall, wasReused) = KeyedResult.GetOrCompute(JsonFormats.Keyed, Sub(folder, "generation"), $"{arch}-L{length}-r{replica}", key,
                            () => Generate(spec, target, source, ensemble, process, arch, replica, seed, cancellation));
                        generationRows[slot] = row;
                        lock (gate)
                        {
                            if (wasReused) reused++;
                            progress.Report(string.Create(CultureInfo.InvariantCulture,
                                $"L={length} r={replica} {arch} generation after {spec.GenerationBudget} steps per slice: chi generated {row.GeneratedSusceptibility.Value:G4} (MC {ensemble.Susceptibility.Value:G4}), M-histogram distance {row.MagnetisationDistance:F2} ({wall:F1} s{(wasReused ? ", reused" : "")})"));
                        }
                    });
                }
            }
            Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellation }, job => job());
            training.AddRange(trainingRows);
            generation.AddRange(generationRows);
        }
        return new NonlinearResult(spec, ensembles, training, generation, clock.Elapsed.TotalSeconds, reused);
    }

    /// <summary>
    /// The SGD control's rate at diffusion time <paramref name="time"/>: <see cref="NonlinearSpec.SgdRateFraction"/> / S_max with
    /// S_max = a^2 max_k G(k) + b^2 from the measured spectrum G(k) of the training data (the top curvature of the population loss
    /// is 2 S_max: gradient descent is stable below 1 / S_max).
    /// </summary>
    public static double SgdRate(NonlinearSpec spec, ForwardProcess process, IReadOnlyList<double> spectrum, double time)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(spectrum);
        double a = process.SignalScale(time);
        return spec.SgdRateFraction / (a * a * spectrum.Max() + process.NoiseVariance(time));
    }

    private static string? Sub(string? folder, string name) => folder is null ? null : Path.Combine(folder, name);

    private static (double[] Data, NonlinearEnsembleRow Row) Ensemble(NonlinearSpec spec, Phi4Model target, int replica, ulong seed, string? folder,
        int threads, CancellationToken cancellation, ref int reused)
    {
        int length = target.Lattice.Length;
        string name = $"phi4-L{length}-r{replica}";
        string? path = folder is null ? null : Path.Combine(folder, "ensembles", name + ".npy");
        string key = KeyedResult.KeyOf(JsonFormats.Keyed, new NonlinearEnsembleKey(1, ModelDescription.Of(target), spec.Configurations, spec.Algorithm, spec.Thermalization,
            spec.PilotSweeps, seed));
        double[]? data = null;
        var (row, _, wasReused) = KeyedResult.GetOrCompute(JsonFormats.Keyed, Sub(folder, "ensembles"), name, key, () =>
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
                Replica = replica,
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
        ReferenceDrift = spec.ReferenceDrift,
        MaxReferenceDoublings = spec.MaxReferenceDoublings,
        Seed = seed,
    };

    /// <summary>
    /// The training time of <paramref name="architecture"/> under <paramref name="optimizer"/> (<see cref="AdamName"/> at the spec's
    /// rate, or <see cref="SgdName"/> at <see cref="SgdRate"/> of the data) on the data of <paramref name="source"/> at diffusion time
    /// <paramref name="time"/> (VP), slice 0, as one job of the study measures it (see the private overload).
    /// </summary>
    public static NonlinearTrainingRow MeasureTrainingTime(NonlinearSpec spec, DataSetSource source, string architecture, string optimizer,
        double time, int replica, ulong seed, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(source);
        var process = new VariancePreserving();
        double rate = optimizer == SgdName
            ? SgdRate(spec, process, MeasuredSpectrum.Measure(source.Lattice, source.Configurations, source.Count, source.Components, "training data").Mean, time)
            : spec.LearningRate;
        return TrainingTime(spec, source, process, architecture, optimizer, rate, time, 0, replica, seed, cancellation);
    }

    /// <summary>
    /// The training time of one network at one (L, t) in one replica. Linear networks with a closed-form optimum on the data's
    /// spectrum (<see cref="StoppingRules.ForData"/>) are measured by their exact excess, which does not depend on the budget: one
    /// run with the cap. Every other network is measured against a converged reference at budget B and at 4B, the row reporting the
    /// run at 4B and the check (<see cref="BudgetAgrees"/>).
    /// </summary>
    private static NonlinearTrainingRow TrainingTime(NonlinearSpec spec, SampleSource source, ForwardProcess process, string arch, string optimizer,
        double rate, double t, int sliceIndex, int replica, ulong seed, CancellationToken cancellation)
    {
        var modelSpec = NetworkCatalog.Parse(arch);
        var exact = StoppingRules.ForData(modelSpec, source);
        bool sgd = optimizer == SgdName;
        var config = TrainingConfig(spec, seed, sgd ? spec.SgdMaxSteps : spec.MaxSteps) with
        {
            Optimizer = sgd ? new GradientDescent(SgdName) : new Adam(),
            LearningRate = rate,
        };
        SliceResult Train(SampleTrainingConfig c) =>
            SampleTrainer.TrainSlice(modelSpec.Create(source.Lattice, spec.Components), source, process, t, c, sliceIndex, exact ?? new ValidationExcessRule(), cancellation);
        SliceResult? check = null;
        SliceResult result;
        if (exact is not null) result = Train(config);
        else
        {
            check = Train(config with { MaxSteps = spec.ReferenceBudget });
            result = Train(config with { MaxSteps = spec.BudgetCheckFactor * spec.ReferenceBudget });
        }
        var details = result.Samples!;
        return new NonlinearTrainingRow
        {
            Architecture = arch,
            Optimizer = optimizer,
            Replica = replica,
            Length = source.Lattice.Length,
            Time = t,
            Parameters = modelSpec.ParameterCount(source.Lattice, spec.Components),
            LearningRate = rate,
            Rule = details.StoppingRule,
            MaxSteps = exact is null ? spec.BudgetCheckFactor * spec.ReferenceBudget : config.MaxSteps,
            Steps = result.StepsToEps,
            StepsRun = result.StepsRun,
            Converged = result.Converged,
            Diverged = result.Diverged,
            InitialExcess = ValueWithError.Finite(result.InitialExcess),
            FinalExcess = ValueWithError.Finite(result.FinalExcess),
            ReferenceLoss = details.ReferenceLoss is { } r ? ValueWithError.Finite(r) : null,
            ReferenceUncertainty = details.ReferenceUncertainty is { } u ? ValueWithError.Finite(u) : null,
            InitialValidationLoss = ValueWithError.Finite(details.InitialValidationLoss),
            ReferenceSteps = details.ReferenceSteps,
            ReferenceDrift = details.ReferenceDrift is { } d ? ValueWithError.Finite(d) : null,
            ReferenceConverged = details.ReferenceConverged,
            CheckBudget = check is null ? null : spec.ReferenceBudget,
            CheckSteps = check?.StepsToEps,
            CheckStepsRun = check?.StepsRun,
            CheckConverged = check?.Converged,
            BudgetAgrees = check is null ? null
                : BudgetAgrees(check.StepsToEps, check.StepsRun, check.Diverged, result.StepsToEps, result.Diverged, spec.BudgetTolerance, spec.EvalInterval),
        };
    }

    /// <summary>
    /// Trains every slice of a log-spaced grid in [t_min, T] for exactly the budget (no stopping rule), then draws samples
    /// with the probability-flow ODE (Heun) and compares chi and the histogram of M with the replica's Monte Carlo ensemble.
    /// </summary>
    private static NonlinearGenerationRow Generate(NonlinearSpec spec, Phi4Model target, SampleSource source, NonlinearEnsembleRow ensemble,
        ForwardProcess process, string arch, int replica, ulong seed, CancellationToken cancellation)
    {
        var lattice = target.Lattice;
        var modelSpec = NetworkCatalog.Parse(arch);
        var model = modelSpec.Create(lattice, spec.Components);
        double chi = ensemble.Susceptibility.Value ?? 1;
        double finalTime = process.AutoFinalTime(chi, 1e-3);
        var grid = TimeGrid.LogSpaced(spec.GenerationSlices, spec.MinTime, finalTime);
        // A fixed budget needs no validation loss: evaluating only at the start and the end leaves the trained parameters as they are
        // (the validation set has its own stream) and saves a sixth of the cost.
        var config = TrainingConfig(spec, seed, spec.GenerationBudget) with { ReferenceDrift = null, EvalInterval = spec.GenerationBudget };
        var slices = SampleTrainer.TrainSlices(model, source, process, grid, config, new FixedBudgetRule(), 1, cancellation);
        var parameters = slices.Select(s => s.Parameters).ToArray();
        int diverged = slices.Count(s => s.Diverged || !s.Parameters.IsFinite());
        var score = TimeScore.Sliced(model, grid.Times, parameters, interpolate: true);
        var settings = new GenerationSettings(Samplers.Heun, spec.ReverseSteps, finalTime, spec.MinTime);
        var samples = RealSpaceSampler.Generate(score, process, settings, spec.GenerationSamples, seed ^ 0x6E4E5241UL, null, 1);
        var raw = SampleEstimates(target, samples.Samples, samples.Count, out double[] magnetisations);
        var generated = ValueWithError.Of(raw.Susceptibility);
        double? mc = ensemble.Susceptibility.Value;
        return new NonlinearGenerationRow
        {
            Architecture = arch,
            Replica = replica,
            Length = lattice.Length,
            Budget = spec.GenerationBudget,
            Samples = samples.Count,
            GeneratedSusceptibility = generated,
            GeneratedBinder = ValueWithError.Of(raw.Binder),
            MonteCarloSusceptibility = mc,
            LogChiRatio = generated.Value is > 0 && mc is > 0 ? ValueWithError.Finite(Math.Log(generated.Value.Value / mc.Value)) : null,
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

internal sealed record NonlinearTrainingKeyV2(
    [property: JsonPropertyName("v")] int Version, int Dimension, int Components, double Kappa, double Lambda,
    [property: JsonPropertyName("length")] int Length, [property: JsonPropertyName("arch")] string Architecture, string Optimizer,
    [property: JsonPropertyName("t")] double Time, int Configurations, string Algorithm, int Thermalization, int PilotSweeps, int BatchSize,
    double Rate, int MaxSteps, int ReferenceBudget, int BudgetCheckFactor, double ReferenceDrift, int MaxReferenceDoublings, double Eps,
    int EvalInterval, int ValidationSize, double ReferenceLengthFactor, [property: JsonPropertyName("seed")] ulong Seed);

internal sealed record NonlinearGenerationKey(
    [property: JsonPropertyName("v")] int Version, int Dimension, int Components, double Kappa, double Lambda,
    [property: JsonPropertyName("length")] int Length, [property: JsonPropertyName("arch")] string Architecture,
    int Configurations, string Algorithm, int Thermalization, int PilotSweeps, int BatchSize, double LearningRate, int GenerationSlices,
    int GenerationBudget, int GenerationSamples, int ReverseSteps, double MinTime, [property: JsonPropertyName("seed")] ulong Seed);

internal sealed record NonlinearEnsembleKey(
    [property: JsonPropertyName("v")] int Version, [property: JsonPropertyName("model")] ModelDescription Model, int Configurations,
    string Algorithm, int Thermalization, int PilotSweeps, [property: JsonPropertyName("seed")] ulong Seed);
