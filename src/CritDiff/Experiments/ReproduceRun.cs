using CritDiff.MonteCarlo;

namespace CritDiff.Experiments;

/// <summary>
/// One run of the reproduce plan: where it writes, how it runs (threads, cancellation, a log sink and the sweep runner the
/// caller supplies, which shows the sweeps' own progress) and the results of the stages run so far. The caller owns it,
/// runs the stages of <see cref="ReproducePlan.Stages"/> in order on it, then builds the report from it
/// (<c>Reporting.ReproduceReport</c>).
/// </summary>
public sealed class ReproduceRun
{
    private readonly Action<string> _note;
    private readonly Func<ScalingSpec, string, ScalingSummary> _runSweep;
    private readonly List<(ScalingSpec Spec, ScalingSummary Summary)> _sweeps = [];

    /// <param name="folder">The output folder.</param>
    /// <param name="quick">Whether this is a --quick run (the report says so).</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="threads">Worker threads of every study (-1: all cores).</param>
    /// <param name="note">Where the stages' log lines go.</param>
    /// <param name="runSweep">Runs the pending jobs of a sweep in its folder and returns the folder's summary.</param>
    /// <param name="cancellation">Stops the run between jobs.</param>
    public ReproduceRun(string folder, bool quick, ulong seed, int threads, Action<string> note,
        Func<ScalingSpec, string, ScalingSummary> runSweep, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(runSweep);
        Folder = folder;
        Quick = quick;
        Seed = seed;
        Threads = threads;
        _note = note;
        _runSweep = runSweep;
        Cancellation = cancellation;
    }

    /// <summary>The output folder.</summary>
    public string Folder { get; }

    /// <summary>Whether this is a --quick run.</summary>
    public bool Quick { get; }

    /// <summary>The run's seed.</summary>
    public ulong Seed { get; }

    /// <summary>Worker threads of every study.</summary>
    public int Threads { get; }

    /// <summary>Stops the run.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Writes a log line.</summary>
    public void Note(string line) => _note(line);

    /// <summary>
    /// How a stage runs its study: finished jobs kept in <paramref name="folder"/>, this run's threads and cancellation, and
    /// each finished job's event given to <paramref name="finished"/> (for the stage's log line), if any.
    /// </summary>
    public StudyRun StudyIn(string folder, Action<StudyProgress>? finished = null) => new()
    {
        Folder = folder,
        Threads = Threads,
        Cancellation = Cancellation,
        Progress = finished is null ? null : new StudyProgressAdapter<StudyProgress>(e => { if (e.Done) finished(e); }),
    };

    /// <summary>The path of <paramref name="relative"/> under the output folder.</summary>
    public string PathOf(string relative) => Path.Combine(Folder, relative);

    /// <summary>The exact-sampler check, once its stage has run.</summary>
    public IReadOnlyList<SamplerCheckRun>? SamplerCheck { get; internal set; }

    /// <summary>The sweeps run so far, in plan order, with their summaries.</summary>
    public IReadOnlyList<(ScalingSpec Spec, ScalingSummary Summary)> Sweeps => _sweeps;

    /// <summary>The stability scans of "C3 under SGD", once their stage has run.</summary>
    public StabilityRuns? Stability { get; internal set; }

    /// <summary>The local-architecture study, once its stage has run.</summary>
    public LocalStudyResult? Local { get; internal set; }

    /// <summary>The SGD stability scans of the local networks, once their stage has run.</summary>
    public IReadOnlyList<StabilityScanResult>? LocalSgd { get; internal set; }

    /// <summary>The Monte Carlo baseline, once its stage has run.</summary>
    public IReadOnlyList<AutocorrelationScan>? McmcBaseline { get; internal set; }

    /// <summary>The beyond-Gaussian study (its spec, folder and points), once its stage has run.</summary>
    public (BeyondGaussianSpec Spec, string Folder, IReadOnlyList<BeyondGaussianPoint> Points)? BeyondGaussian { get; internal set; }

    /// <summary>The nonlinear study (its folder and result), once its stage has run.</summary>
    public (string Folder, NonlinearResult Result)? Nonlinear { get; internal set; }

    /// <summary>The generation-quality study (its folder and result), once its stage has run.</summary>
    public (string Folder, QualityResult Result)? Quality { get; internal set; }

    /// <summary>
    /// The diffusion sampler's cost inputs (one row per size, network and replica), set by the caller or an earlier stage from a
    /// generation study; the cost stage reads them. Null or empty: the cost stage reports Monte Carlo only.
    /// </summary>
    public IReadOnlyList<DiffusionCostInput>? DiffusionCosts { get; set; }

    /// <summary>The cost study (its folder and result), once its stage has run.</summary>
    public (string Folder, CostResult Result)? Cost { get; internal set; }

    internal void RunSweep(ScalingSpec spec, string folder) => _sweeps.Add((spec, _runSweep(spec, folder)));
}
