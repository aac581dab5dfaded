using System.Diagnostics;
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

    /// <summary>Architecture name (see <see cref="Architecture.Parse"/>).</summary>
    public required string Architecture { get; init; }

    /// <summary>Forward process: vp or ve.</summary>
    public string Schedule { get; init; } = "vp";

    /// <summary>Diffusion time t of the slice.</summary>
    public double Time { get; init; } = 0.1;

    /// <summary>Population (exact gradient) or empirical (minibatch) training.</summary>
    public TrainingMode Mode { get; init; } = TrainingMode.Empirical;

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
        _ = Networks.Architecture.Parse(Architecture);
        _ = ForwardProcess.Parse(Schedule);
        _ = NetworkStart.Parse(Start);
        if (!(Time > 0 && double.IsFinite(Time))) throw new ArgumentException($"t must be > 0 (got {Time})");
        if (!(Fraction > 0 && Fraction <= 1)) throw new ArgumentException($"fraction must be in (0, 1] (got {Fraction})");
        if (Mode == TrainingMode.Population && Optimizer == "sgd") throw new ArgumentException("sgd needs empirical mode");
        if (Mode == TrainingMode.Empirical && Optimizer == "gd") throw new ArgumentException("gd uses the population gradient: use sgd or adam for empirical mode");
        Search.Validate();
        Config().Validate();
    }

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
}

/// <summary>Runs a <see cref="StabilitySpec"/>; (L, seed) pairs run in parallel, results do not depend on the thread count.</summary>
public static class StabilityScan
{
    /// <summary>
    /// Runs the scan; <paramref name="progress"/> hears of each finished size. With <paramref name="folder"/> the
    /// finished rows are kept there (<see cref="KeyedResult"/>, keyed by the spec) and a rerun with the same spec
    /// reuses them instead of scanning again (the result's <see cref="StabilityScanResult.Reused"/> says so).
    /// <paramref name="steps"/> hears of every rate search and training run as it starts and ends (<see cref="StepCount"/> of each).
    /// </summary>
    public static StabilityScanResult Run(StabilitySpec spec, IProgress<StabilityRow>? progress = null, int maxDegreeOfParallelism = -1,
        CancellationToken cancellation = default, string? folder = null, IProgress<StabilityStep>? steps = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        var (rows, wall, reused) = KeyedResult.GetOrCompute(JsonFormats.Keyed, folder, $"scan-{spec.Architecture}-{spec.Optimizer}", KeyedResult.KeyOf(JsonFormats.Keyed, spec),
            () => Rows(spec, progress, maxDegreeOfParallelism, cancellation, steps));
        return new StabilityScanResult(spec, rows, RateFit(rows), StepsFit(rows), wall) { Reused = reused };
    }

    /// <summary>Seeds a scan uses: one where training is deterministic (population GD from a non-random start), else the spec's.</summary>
    public static int Seeds(StabilitySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return StabilityFinder.IsDeterministic(spec.Config()) ? 1 : spec.Search.Seeds;
    }

    /// <summary>Rate searches and training runs a scan does: 2 x sizes x <see cref="Seeds"/>.</summary>
    public static int StepCount(StabilitySpec spec) => 2 * spec.Sizes.Count * Seeds(spec);

    private static StabilityRow[] Rows(StabilitySpec spec, IProgress<StabilityRow>? progress, int maxDegreeOfParallelism,
        CancellationToken cancellation, IProgress<StabilityStep>? steps)
    {
        var config = spec.Config();
        int seeds = Seeds(spec);
        var architecture = Architecture.Parse(spec.Architecture);
        var problems = spec.Sizes.Select(l => new TrainingProblem(spec.Family.Build(new Lattice(spec.Dimension, l)),
            ForwardProcess.Parse(spec.Schedule), TimeGrid.Single(spec.Time), architecture, spec.Basis)).ToArray();
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellation };

        // Largest pairs first: L = 128 dominates the cost.
        var pairs = Enumerable.Range(0, problems.Length).SelectMany(i => Enumerable.Range(0, seeds).Select(s => (i, s)))
            .OrderByDescending(p => spec.Sizes[p.i]).ToArray();
        var boundaries = new SeedBoundary[problems.Length, seeds];
        Parallel.ForEach(pairs, options, p =>
        {
            steps?.Report(new StabilityStep(spec.Sizes[p.i], p.s, StabilityStep.SearchPhase, false));
            boundaries[p.i, p.s] = StabilityFinder.FindForSeed(problems[p.i], StabilityFinder.SeedConfig(config, p.s), spec.Search, 0, p.s, cancellation);
            steps?.Report(new StabilityStep(spec.Sizes[p.i], p.s, StabilityStep.SearchPhase, true));
        });

        var results = new SliceResult?[problems.Length, seeds]; // null where no stable rate was found
        var stability = Enumerable.Range(0, problems.Length)
            .Select(i => new StabilityResult(Enumerable.Range(0, seeds).Select(s => boundaries[i, s]).ToArray())).ToArray();
        var rows = new StabilityRow?[problems.Length];
        var remaining = Enumerable.Range(0, problems.Length).Select(_ => seeds).ToArray();
        Parallel.ForEach(pairs, options, p =>
        {
            double rate = spec.Fraction * stability[p.i].SafeRate;
            steps?.Report(new StabilityStep(spec.Sizes[p.i], p.s, StabilityStep.TrainingPhase, false));
            results[p.i, p.s] = rate > 0
                ? SliceTrainer.Train(problems[p.i], StabilityFinder.SeedConfig(spec.Config(rate), p.s), 0, cancellation)
                : null;
            steps?.Report(new StabilityStep(spec.Sizes[p.i], p.s, StabilityStep.TrainingPhase, true));
            if (Interlocked.Decrement(ref remaining[p.i]) == 0)
            {
                rows[p.i] = Row(problems[p.i], stability[p.i], rate, Enumerable.Range(0, seeds).Select(s => results[p.i, s]).ToArray());
                progress?.Report(rows[p.i]!);
            }
        });
        return rows.Select(r => r!).ToArray();
    }

    private static StabilityRow Row(TrainingProblem problem, StabilityResult stability, double rate, SliceResult?[] runs)
    {
        var lattice = problem.Field.Lattice;
        long parameters = problem.Architecture.ParameterCount(lattice);
        if (runs.Any(r => r is null)) // no stable rate was found: nothing to train
            return new StabilityRow(lattice.Length, parameters, stability, rate, [], false, true, double.NaN);
        return new StabilityRow(lattice.Length, parameters, stability, rate, runs.Select(r => r!.Steps).ToArray(),
            runs.All(r => r!.Converged), runs.Any(r => r!.Diverged), runs[0]!.Moments!.OptimumGapToExact);
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
