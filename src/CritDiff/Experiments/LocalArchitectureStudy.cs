using System.Diagnostics;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>One network to study: a network with the moment objective (stored by name) and a start name.</summary>
public sealed record ArchitectureCandidate(ScoreModelSpec Architecture, string Start = "balanced")
{
    /// <summary>"arch (start)".</summary>
    public string Label => $"{Architecture.Name} ({Start})";

    /// <summary>Same network name and start (a network read back from a file is another instance of the same network).</summary>
    public bool Equals(ArchitectureCandidate? other) =>
        other is not null && other.Architecture.Name == Architecture.Name && other.Start == Start;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Architecture.Name, Start);
}

/// <summary>
/// The claim-C4 study (issue 7): local architectures and starts, each trained by population GD at one
/// time slice for every L; its parameter count, its reachable optimum against the exact score and its
/// training time against L.
/// </summary>
public sealed record LocalStudySpec
{
    /// <summary>The field family, one field per L.</summary>
    public required ModelFamily Family { get; init; }

    /// <summary>Spatial dimension d.</summary>
    public required int Dimension { get; init; }

    /// <summary>Lattice sizes L.</summary>
    public required IReadOnlyList<int> Sizes { get; init; }

    /// <summary>The networks.</summary>
    public required IReadOnlyList<ArchitectureCandidate> Candidates { get; init; }

    /// <summary>Forward process: vp or ve.</summary>
    public string Schedule { get; init; } = "vp";

    /// <summary>Diffusion time t of the slice.</summary>
    public double Time { get; init; } = 0.1;

    /// <summary>Stopping threshold eps.</summary>
    public double Eps { get; init; } = 1e-2;

    /// <summary>Step cap per run.</summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>Seed of the random starts.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        Family.CheckLattices(Dimension, Sizes);
        if (Candidates.Count == 0) throw new ArgumentException("give at least one architecture");
        foreach (var c in Candidates)
        {
            if (c.Architecture is null) throw new ArgumentException("a candidate has no network");
            if (!c.Architecture.HasMomentObjective) throw new ArgumentException(StudyTraining.NeedsSamples(c.Architecture));
            _ = NetworkStart.Parse(c.Start);
        }
        _ = ForwardProcess.Parse(Schedule);
        if (!(Time > 0 && double.IsFinite(Time))) throw new ArgumentException($"t must be > 0 (got {Time})");
        new TrainingConfig { Eps = Eps, MaxSteps = MaxSteps }.Validate();
    }
}

/// <summary>One (network, L) of the study.</summary>
/// <param name="Candidate">The network.</param>
/// <param name="Length">L.</param>
/// <param name="Parameters">Its parameters per slice.</param>
/// <param name="OneLayerParameters">Those of the full one-layer network (V).</param>
/// <param name="Steps">Training time (population GD, auto rate).</param>
/// <param name="Converged">True when the stopping rule was met.</param>
/// <param name="Diverged">True when the run blew up.</param>
/// <param name="OptimumGap">Reachable optimum minus the exact optimum, per site (NaN when diverged).</param>
/// <param name="ClosedForm">True when the optimum is a closed form (single local layer), false when polished from the run.</param>
public sealed record LocalStudyRow(ArchitectureCandidate Candidate, int Length, long Parameters, long OneLayerParameters,
    int Steps, bool Converged, bool Diverged, double OptimumGap, bool ClosedForm);

/// <summary>
/// One network's summary: its fit of steps against L and whether it keeps the speed-up with no more
/// parameters than the one-layer network (the C4 criterion of <see cref="Reporting"/>: at least 3 sizes,
/// every size converged, power exponent below 1, parameters at most V at every L).
/// </summary>
public sealed record LocalStudyFit(ArchitectureCandidate Candidate, ScalingFit? Fit, bool FewerParameters, bool AllConverged,
    double GapAtLargest, long Parameters)
{
    /// <summary>True when the network meets the C4 criterion.</summary>
    public bool KeepsSpeedUp(int minimumSizes = 3) =>
        FewerParameters && AllConverged && Fit is { } f && f.Power.PointCount >= minimumSizes && f.PowerExponent < 1;
}

/// <summary>The study's rows and per-network fits.</summary>
public sealed record LocalStudyResult(LocalStudySpec Spec, IReadOnlyList<LocalStudyRow> Rows, IReadOnlyList<LocalStudyFit> Fits, double WallSeconds)
{
    /// <summary>How many of the (network, L) runs were read from an earlier run with the same settings instead of trained.</summary>
    public int Reused { get; init; }
}

/// <summary>Runs a <see cref="LocalStudySpec"/>; runs are independent and go in parallel, results do not depend on the thread count.</summary>
public sealed class LocalArchitectureStudy : IStudy<LocalStudySpec, LocalStudyResult>
{
    private LocalArchitectureStudy()
    {
    }

    /// <summary>The study (<see cref="IStudy{TSpec, TResult}"/>).</summary>
    public static LocalArchitectureStudy Study { get; } = new();

    /// <inheritdoc />
    public int Jobs(LocalStudySpec spec, string? folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Candidates.Count * spec.Sizes.Count;
    }

    /// <summary>
    /// Runs every (network, L); the sink hears "label L=16" as each run starts and ends (reused runs included). With a
    /// <see cref="StudyRun.Folder"/> each finished run is kept there (<see cref="KeyedResult"/>, keyed by its settings) and a
    /// rerun reuses it; <see cref="LocalStudyResult.Reused"/> counts the runs reused.
    /// </summary>
    public LocalStudyResult Run(LocalStudySpec spec, StudyRun run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        run.Validate();
        spec.Validate();
        var (threads, cancellation, folder) = (run.Threads, run.Cancellation, run.Folder);
        var clock = Stopwatch.StartNew();
        var process = ForwardProcess.Parse(spec.Schedule);
        var fields = spec.Sizes.Select(l => spec.Family.Build(new Lattice(spec.Dimension, l))).ToArray();
        var jobs = spec.Candidates.SelectMany(c => Enumerable.Range(0, fields.Length).Select(i => (c, i))).ToArray();
        var rows = new LocalStudyRow[jobs.Length];
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellation };
        // Largest lattices first, so the slowest runs do not end up alone at the end.
        var order = Enumerable.Range(0, jobs.Length).OrderByDescending(j => spec.Sizes[jobs[j].i]).ToArray();
        int reused = 0;
        Parallel.ForEach(order, options, j =>
        {
            var (candidate, i) = jobs[j];
            string name = $"{candidate.Label} L={spec.Sizes[i]}";
            run.Started(name);
            string key = KeyedResult.KeyOf(JsonFormats.Keyed, spec with { Candidates = [candidate], Sizes = [spec.Sizes[i]] });
            var (row, _, again) = KeyedResult.GetOrCompute(JsonFormats.Keyed, folder, $"{candidate.Architecture.Name}-{candidate.Start}-L{spec.Sizes[i]}", key,
                () => Train(spec, process, fields[i], candidate, cancellation));
            rows[j] = row;
            if (again) Interlocked.Increment(ref reused);
            run.Finished(name, $"{row.Steps} steps{(again ? " (reused)" : "")}");
        });
        var fits = spec.Candidates.Select(c => Summarise(c, rows.Where(r => r.Candidate == c).ToArray())).ToArray();
        return new LocalStudyResult(spec, rows, fits, clock.Elapsed.TotalSeconds) { Reused = reused };
    }

    private static LocalStudyRow Train(LocalStudySpec spec, ForwardProcess process, GaussianField field, ArchitectureCandidate candidate,
        CancellationToken cancellation)
    {
        var architecture = candidate.Architecture.MomentArchitecture!;
        var problem = new TrainingProblem(field, process, TimeGrid.Single(spec.Time), architecture);
        var config = new TrainingConfig { Start = NetworkStart.Parse(candidate.Start), Eps = spec.Eps, MaxSteps = spec.MaxSteps, Seed = spec.Seed };
        var result = SliceTrainer.Train(problem, config, 0, cancellation);
        return new LocalStudyRow(candidate, field.Lattice.Length, architecture.ParameterCount(field.Lattice), field.Lattice.SiteCount,
            result.Steps, result.Converged, result.Diverged, result.Diverged ? double.NaN : result.Moments!.OptimumGapToExact, result.Moments!.OptimumIsClosedForm);
    }

    private static LocalStudyFit Summarise(ArchitectureCandidate candidate, LocalStudyRow[] rows)
    {
        var good = rows.Where(r => r.Converged && !r.Diverged && r.Steps > 0).ToArray();
        var fit = good.Length >= 2 ? ScalingFit.Of(good.Select(r => (double)r.Length).ToArray(), good.Select(r => (double)r.Steps).ToArray()) : null;
        var largest = rows.MaxBy(r => r.Length)!;
        return new LocalStudyFit(candidate, fit, rows.All(r => r.Parameters <= r.OneLayerParameters), rows.All(r => r.Converged && !r.Diverged),
            largest.OptimumGap, largest.Parameters);
    }
}
