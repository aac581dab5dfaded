using System.Diagnostics;
using System.Text.Json.Serialization;
using CritDiff.Diffusion;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>
/// A stability scan (issue 7): for each lattice size, the largest stable learning rate of one time slice
/// (<see cref="StabilityFinder"/>) and the training time at <see cref="Fraction"/> of it.
/// </summary>
public sealed record StabilitySpec
{
    /// <summary>The field family, one field per L.</summary>
    public required ModelFamily Family { get; init; }

    /// <summary>Spatial dimension d.</summary>
    public required int Dimension { get; init; }

    /// <summary>Lattice sizes L.</summary>
    public required IReadOnlyList<int> Sizes { get; init; }

    /// <summary>The network, any of the <see cref="NetworkCatalog"/> (stored by name, <see cref="NetworkNameConverter"/>).</summary>
    public required ScoreModelSpec Architecture { get; init; }

    /// <summary>Forward process: vp or ve.</summary>
    public string Schedule { get; init; } = "vp";

    /// <summary>Diffusion time t of the slice.</summary>
    public double Time { get; init; } = 0.1;

    /// <summary>Population (exact gradient) or empirical (minibatch) training on moments (ignored when <see cref="Samples"/>).</summary>
    public TrainingMode Mode { get; init; } = TrainingMode.Empirical;

    /// <summary>
    /// Train by denoising score matching on exact Gaussian samples (<see cref="SampleTrainer"/>) instead of on moments: any
    /// network. A probe is unstable when its validation loss becomes non-finite or exceeds its initial value within the budget;
    /// the training time uses <see cref="StudyTraining.Rule"/>. Absent from the stored key when false, so moment scans keep theirs.
    /// </summary>
    [JsonPropertyName("samples")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Samples { get; init; }

    /// <summary>gd (population), sgd or adam.</summary>
    public string Optimizer { get; init; } = "sgd";

    /// <summary>Parameter basis of full layers.</summary>
    public ParameterBasis Basis { get; init; } = ParameterBasis.Kernel;

    /// <summary>The start (see <see cref="NetworkStart.Parse"/>).</summary>
    public string Start { get; init; } = "balanced";

    /// <summary>Minibatch size B.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Search settings: step budget per probe, bisection tolerance, seeds.</summary>
    public StabilitySettings Search { get; init; } = new();

    /// <summary>
    /// The training time is measured at this fraction of the rate stable for every seed (default 0.1: at
    /// 0.5, minibatch noise stalls two-layer SGD at L = 8 near eps, and Adam at a fixed rate does not settle).
    /// </summary>
    public double Fraction { get; init; } = 0.1;

    /// <summary>Stopping threshold eps of the training time.</summary>
    public double Eps { get; init; } = 1e-2;

    /// <summary>Step cap of the training-time runs.</summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>Root seed.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        Family.CheckLattices(Dimension, Sizes);
        if (Architecture is null) throw new ArgumentException("give a network (architecture is missing)");
        _ = ForwardProcess.Parse(Schedule);
        var start = NetworkStart.Parse(Start);
        if (!(Time > 0 && double.IsFinite(Time))) throw new ArgumentException($"t must be > 0 (got {Time})");
        if (!(Fraction > 0 && Fraction <= 1)) throw new ArgumentException($"fraction must be in (0, 1] (got {Fraction})");
        Search.Validate();
        if (Samples)
        {
            if (start != NetworkStart.Balanced)
                throw new ArgumentException($"start: {Start} applies to moment training; on samples every network starts from its own initialization");
            if (Basis != ParameterBasis.Kernel) throw new ArgumentException("basis fourier applies to moment training: on samples use basis kernel");
            StudyTraining.Validate(SampleConfig(Adam.AutoLearningRate, 0));
            return;
        }
        if (!Architecture.HasMomentObjective) throw new ArgumentException(StudyTraining.NeedsSamples(Architecture));
        if (Mode == TrainingMode.Population && Optimizer == "sgd") throw new ArgumentException("sgd needs empirical mode");
        if (Mode == TrainingMode.Empirical && Optimizer == "gd") throw new ArgumentException("gd uses the population gradient: use sgd or adam for empirical mode");
        Config().Validate();
    }

    /// <summary>
    /// The training settings on samples at <paramref name="rate"/> of seed index <paramref name="seedIndex"/> (seeds as in
    /// <see cref="StabilityFinder.SeedConfig"/>): the training-time run's; a probe caps them at the search budget.
    /// </summary>
    public SampleTrainingConfig SampleConfig(double rate, int seedIndex) => new()
    {
        Optimizer = Training.Optimizer.Parse(Optimizer),
        LearningRate = rate,
        BatchSize = BatchSize,
        MaxSteps = MaxSteps,
        Eps = Eps,
        Seed = Seed + (ulong)seedIndex * 0x9E3779B97F4A7C15UL,
    };

    /// <summary>The training settings (seed index 0; see <see cref="StabilityFinder.SeedConfig"/>).</summary>
    public TrainingConfig Config(double? rate = null) => new()
    {
        Mode = Mode,
        Optimizer = Training.Optimizer.Parse(Optimizer),
        LearningRate = rate,
        Start = NetworkStart.Parse(Start),
        Eps = Eps,
        MaxSteps = MaxSteps,
        BatchSize = BatchSize,
        Seed = Seed,
    };
}

/// <summary>One lattice size of a stability scan.</summary>
/// <param name="Length">L.</param>
/// <param name="Parameters">Parameters of the network.</param>
/// <param name="Stability">The per-seed brackets of the stable rate.</param>
/// <param name="TrainingRate">Rate of the training-time runs: fraction x the rate stable for every seed.</param>
/// <param name="SeedSteps">Training time per seed.</param>
/// <param name="Converged">True when every seed's run met the stopping rule.</param>
/// <param name="Diverged">True when some seed's run diverged.</param>
/// <param name="OptimumGap">Reachable optimum minus the exact one, per site (seed 0).</param>
public sealed record StabilityRow(int Length, long Parameters, StabilityResult Stability, double TrainingRate,
    IReadOnlyList<int> SeedSteps, bool Converged, bool Diverged, double OptimumGap)
{
    /// <summary>Mean training time over seeds, with its standard error (NaN for one seed).</summary>
    public Stats Steps => Stats.FromSamples(SeedSteps.Select(s => (double)s).ToArray());

    /// <summary>Mean steps over seeds with the standard error (NaN when no run was trained, error NaN for one seed); not stored.</summary>
    [JsonIgnore]
    public Stats TrainedSteps => SeedSteps.Count > 0 ? Steps : new Stats(double.NaN, double.NaN);

    /// <summary>One line on a finished size: the stable rate and the training time with its outcome.</summary>
    public string Describe()
    {
        var steps = TrainedSteps;
        string state = SeedSteps.Count == 0 ? "no stable rate found" : Diverged ? "diverged" : Converged ? "converged" : "not converged: step cap";
        return $"L={Length}: stable_lr {Stats.Format(Stability.StableRate, Stability.StableRateError)}, " +
               $"steps {Stats.Format(steps.Mean, SeedSteps.Count > 1 ? steps.Error : double.NaN)} ({state})";
    }
}

/// <summary>
/// The rows of a scan, with fits of the stable rate (bracketed sizes) and of the steps (sizes where every
/// seed converged) against L; a fit is null with fewer than 2 such sizes.
/// </summary>
public sealed record StabilityScanResult(StabilitySpec Spec, IReadOnlyList<StabilityRow> Rows, ScalingFit? RateFit, ScalingFit? StepsFit,
    double WallSeconds)
{
    /// <summary>True when the rows were read from a finished earlier run of the same spec instead of computed.</summary>
    public bool Reused { get; init; }

    /// <summary>The stopping rule of the training-time runs on samples (null for moment training: the exact excess).</summary>
    public string? StoppingRule { get; init; }
}

/// <summary>
/// Runs a <see cref="StabilitySpec"/> (<see cref="IStudy{TSpec, TResult}"/>); (L, seed) pairs run in parallel, results do not
/// depend on the thread count. With a folder the finished scan is kept there (<see cref="KeyedResult"/>, keyed by the spec)
/// and a rerun with the same spec reuses it instead of scanning again (the result's <see cref="StabilityScanResult.Reused"/>).
/// </summary>
public sealed class StabilityScan : IStudy<StabilitySpec, StabilityScanResult>
{
    private StabilityScan()
    {
    }

    /// <summary>The study.</summary>
    public static StabilityScan Study { get; } = new();

    /// <inheritdoc />
    public int Jobs(StabilitySpec spec, string? folder) => StepCount(spec);

    /// <summary>
    /// Runs the scan; the progress sink hears of every rate search and training run as it starts and ends
    /// (<see cref="StepCount"/> of each, named "L=8 seed 2 rate search"; the last run of a size ends with the size's line,
    /// <see cref="StabilityRow.Describe"/>).
    /// </summary>
    public StabilityScanResult Run(StabilitySpec spec, StudyRun run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        spec.Validate();
        run.Validate();
        bool named = Seeds(spec) > 1;
        string Name(StabilityStep step) => $"L={step.Length}{(named ? $" seed {step.Seed + 1}" : "")} {step.Phase}";
        var rowLines = new System.Collections.Concurrent.ConcurrentDictionary<int, string>();
        string name = $"scan-{spec.Architecture.Name}-{spec.Optimizer}", key = KeyedResult.KeyOf(JsonFormats.Keyed, spec);
        string? pieces = Pieces(run.Folder, name, key);
        var (rows, wall, reused) = KeyedResult.GetOrCompute(JsonFormats.Keyed, run.Folder, name, key,
            () => Rows(spec, run, pieces, step =>
            {
                if (!step.Done) run.Started(Name(step));
                else run.Finished(Name(step), (step.Reused ? "reused" : "") +
                    (step.Phase == StabilityStep.TrainingPhase && rowLines.TryRemove(step.Length, out var line) ? (step.Reused ? "; " : "") + line : ""));
            }, row => rowLines[row.Length] = row.Describe()));
        if (pieces is not null && Directory.Exists(pieces)) Directory.Delete(pieces, recursive: true); // the whole scan is kept now
        return new StabilityScanResult(spec, rows, RateFit(rows), StepsFit(rows), wall)
        {
            Reused = reused,
            StoppingRule = spec.Samples ? StudyTraining.Rule(spec.Architecture, spec.Family.Build(new Lattice(spec.Dimension, spec.Sizes[0]))).Name : null,
        };
    }

    /// <summary>Seeds a scan uses: one where training is deterministic (population GD from a non-random start), else the spec's.</summary>
    public static int Seeds(StabilitySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return !spec.Samples && StabilityFinder.IsDeterministic(spec.Config()) ? 1 : spec.Search.Seeds;
    }

    /// <summary>Rate searches and training runs a scan does: 2 x sizes x <see cref="Seeds"/>.</summary>
    public static int StepCount(StabilitySpec spec) => 2 * spec.Sizes.Count * Seeds(spec);

    /// <summary>
    /// Where an unfinished scan keeps its finished rate searches and training runs, so that a rerun after an interruption
    /// reuses them: FOLDER/NAME-HASH.parts/ (the hash of the spec's key, as the whole scan's file), removed once the whole
    /// scan is kept. Null without a folder.
    /// </summary>
    private static string? Pieces(string? folder, string name, string key) => folder is null ? null : Path.Combine(folder,
        $"{new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray())}-" +
        $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..12]}.parts");

    private static StabilityRow[] Rows(StabilitySpec spec, StudyRun run, string? pieces, Action<StabilityStep> steps, Action<StabilityRow> rowDone)
    {
        int seeds = Seeds(spec);
        var cancellation = run.Cancellation;
        string key = KeyedResult.KeyOf(JsonFormats.Keyed, spec);
        (T Value, bool Reused) Piece<T>(string name, Func<T> compute)
        {
            if (pieces is null) return (compute(), false);
            var (value, _, reused) = KeyedResult.GetOrCompute(JsonFormats.Keyed, pieces, name, $"{key}|{name}", compute);
            return (value, reused);
        }
        var sizes = spec.Sizes.Select(l => spec.Samples ? (SizeScan)new SampleScan(spec, l) : new MomentScan(spec, l)).ToArray();

        // Largest pairs first: L = 128 dominates the cost.
        var pairs = Enumerable.Range(0, sizes.Length).SelectMany(i => Enumerable.Range(0, seeds).Select(s => (i, s)))
            .OrderByDescending(p => spec.Sizes[p.i]).ToArray();
        var boundaries = new SeedBoundary[sizes.Length, seeds];
        Parallel.ForEach(pairs, run.Parallel, p =>
        {
            steps(new StabilityStep(spec.Sizes[p.i], p.s, StabilityStep.SearchPhase, false));
            var (boundary, reused) = Piece($"L{spec.Sizes[p.i]}-s{p.s}-search", () => sizes[p.i].Search(p.s, cancellation));
            boundaries[p.i, p.s] = boundary;
            steps(new StabilityStep(spec.Sizes[p.i], p.s, StabilityStep.SearchPhase, true, reused));
        });

        var results = new TrainedRun?[sizes.Length, seeds]; // null where no stable rate was found
        var stability = Enumerable.Range(0, sizes.Length)
            .Select(i => new StabilityResult(Enumerable.Range(0, seeds).Select(s => boundaries[i, s]).ToArray())).ToArray();
        var rows = new StabilityRow?[sizes.Length];
        var remaining = Enumerable.Range(0, sizes.Length).Select(_ => seeds).ToArray();
        Parallel.ForEach(pairs, run.Parallel, p =>
        {
            double rate = spec.Fraction * stability[p.i].SafeRate;
            steps(new StabilityStep(spec.Sizes[p.i], p.s, StabilityStep.TrainingPhase, false));
            bool reused = false;
            if (rate > 0) (results[p.i, p.s], reused) = Piece($"L{spec.Sizes[p.i]}-s{p.s}-training", () => sizes[p.i].Train(rate, p.s, cancellation));
            if (Interlocked.Decrement(ref remaining[p.i]) == 0)
            {
                rows[p.i] = Row(spec.Sizes[p.i], sizes[p.i].Parameters, stability[p.i], rate, Enumerable.Range(0, seeds).Select(s => results[p.i, s]).ToArray());
                rowDone(rows[p.i]!);
            }
            steps(new StabilityStep(spec.Sizes[p.i], p.s, StabilityStep.TrainingPhase, true, reused));
        });
        return rows.Select(r => r!).ToArray();
    }

    /// <summary>What a row keeps of one training-time run (stored as a piece of an unfinished scan).</summary>
    internal sealed record TrainedRun(int Steps, bool Converged, bool Diverged, double OptimumGap);

    /// <summary>One lattice size of a scan: its rate search and training-time run per seed.</summary>
    private abstract class SizeScan
    {
        public abstract long Parameters { get; }

        public abstract SeedBoundary Search(int seed, CancellationToken cancellation);

        public abstract TrainedRun Train(double rate, int seed, CancellationToken cancellation);
    }

    /// <summary>Moment training (population or empirical): <see cref="StabilityFinder"/> and <see cref="SliceTrainer"/>.</summary>
    private sealed class MomentScan(StabilitySpec spec, int length) : SizeScan
    {
        private readonly TrainingProblem _problem = new(spec.Family.Build(new Lattice(spec.Dimension, length)),
            ForwardProcess.Parse(spec.Schedule), TimeGrid.Single(spec.Time), spec.Architecture.MomentArchitecture!, spec.Basis);

        public override long Parameters => _problem.Architecture.ParameterCount(_problem.Lattice);

        public override SeedBoundary Search(int seed, CancellationToken cancellation) =>
            StabilityFinder.FindForSeed(_problem, StabilityFinder.SeedConfig(spec.Config(), seed), spec.Search, 0, seed, cancellation);

        public override TrainedRun Train(double rate, int seed, CancellationToken cancellation)
        {
            var result = SliceTrainer.Train(_problem, StabilityFinder.SeedConfig(spec.Config(rate), seed), 0, cancellation);
            return new TrainedRun(result.Steps, result.Converged, result.Diverged, result.Moments!.OptimumGapToExact);
        }
    }

    /// <summary>
    /// Training on exact Gaussian samples (<see cref="SampleTrainer"/>): a probe trains <see cref="StabilitySettings.Budget"/>
    /// steps at a fixed rate without stopping rule and is stable when every validation loss is finite and at most the initial
    /// one; the search starts from Adam's default rate. The training time uses <see cref="StudyTraining.Rule"/>.
    /// </summary>
    private sealed class SampleScan : SizeScan
    {
        private readonly StabilitySpec _spec;
        private readonly Fields.GaussianField _field;
        private readonly ScoreModel _model;
        private readonly ForwardProcess _process;

        public SampleScan(StabilitySpec spec, int length)
        {
            _spec = spec;
            _field = spec.Family.Build(new Lattice(spec.Dimension, length));
            _model = spec.Architecture.Create(_field.Lattice, _field.Components, 1);
            _process = ForwardProcess.Parse(spec.Schedule);
        }

        public override long Parameters => _spec.Architecture.ParameterCount(_field.Lattice, _field.Components);

        public override SeedBoundary Search(int seed, CancellationToken cancellation)
        {
            var source = new GaussianSource(_field);
            return StabilityFinder.Search(rate =>
            {
                var config = _spec.SampleConfig(rate, seed) with { MaxSteps = _spec.Search.Budget };
                var probe = SampleTrainer.TrainSlice(_model.Replica(), source, _process, _spec.Time, config, 0, new FixedBudgetRule(), cancellation);
                return !probe.Diverged && probe.History.All(h => double.IsFinite(h.Loss) && h.Loss <= probe.Samples!.InitialValidationLoss);
            }, Adam.AutoLearningRate, _spec.Search, seed);
        }

        public override TrainedRun Train(double rate, int seed, CancellationToken cancellation)
        {
            var result = SampleTrainer.TrainSlice(_model.Replica(), new GaussianSource(_field), _process, _spec.Time, _spec.SampleConfig(rate, seed), 0,
                StudyTraining.Rule(_spec.Architecture, _field), cancellation);
            return new TrainedRun(result.StepsToEps ?? result.StepsRun, result.Converged, result.Diverged, double.NaN);
        }
    }

    private static StabilityRow Row(int length, long parameters, StabilityResult stability, double rate, TrainedRun?[] runs)
    {
        if (runs.Any(r => r is null)) // no stable rate was found: nothing to train
            return new StabilityRow(length, parameters, stability, rate, [], false, true, double.NaN);
        return new StabilityRow(length, parameters, stability, rate, runs.Select(r => r!.Steps).ToArray(),
            runs.All(r => r!.Converged), runs.Any(r => r!.Diverged), runs[0]!.OptimumGap);
    }

    private static ScalingFit? RateFit(IReadOnlyList<StabilityRow> rows)
    {
        var usable = rows.Where(r => r.Stability.Bracketed).ToArray();
        if (usable.Length < 2) return null;
        return ScalingFit.Of(usable.Select(r => (double)r.Length).ToArray(), usable.Select(r => r.Stability.StableRate).ToArray(),
            usable.Select(r => r.Stability.StableRateError).ToArray());
    }

    private static ScalingFit? StepsFit(IReadOnlyList<StabilityRow> rows)
    {
        var usable = rows.Where(r => r.Converged && !r.Diverged && r.Steps.Mean > 0).ToArray(); // capped runs are lower bounds
        if (usable.Length < 2) return null;
        var errors = usable.Select(r => r.Steps.Error).ToArray();
        return ScalingFit.Of(usable.Select(r => (double)r.Length).ToArray(), usable.Select(r => r.Steps.Mean).ToArray(),
            errors.All(e => e > 0 && double.IsFinite(e)) ? errors : null);
    }
}
