using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Fields;
using CritDiff.MonteCarlo;
using CritDiff.Persistence;

namespace CritDiff.Experiments;

/// <summary>
/// Locates a critical coupling from Binder-cumulant crossings (<see cref="CriticalPointSpec"/>), through a run folder:
/// <c>config.json</c> (the spec), <c>jobs/{key}.json</c> (one <see cref="CriticalPointJobResult"/> per finished Monte
/// Carlo run, written atomically; a rerun skips them) and <c>summary.json</c> (crossings per pair and combined, rewritten
/// after every run). Stage 0 runs the spec's window; refinement s widens it where stage s - 1's crossing lies at or beyond
/// an edge, and otherwise narrows it around stage s - 1's combined estimate (<see cref="NextWindow"/>); its crossings are
/// fitted locally (<see cref="BinderCrossings.Find"/>) to every job of stages &lt;= s inside that window. Windows follow
/// from job files alone, so an interrupted search resumes where it stopped.
/// </summary>
public sealed class CriticalPointFinder : IStudy<CriticalPointSpec, CriticalPointResult>
{
    /// <summary>A search with the defaults; set the options below on an instance made for a call.</summary>
    public CriticalPointFinder()
    {
    }

    /// <summary>The study (<see cref="IStudy{TSpec, TResult}"/>): its jobs in <see cref="StudyRun.Folder"/>, which it needs.</summary>
    public static CriticalPointFinder Study { get; } = new();

    /// <summary>Builds the kernel for a model (null: <see cref="ModelKernels.Create"/> with the spec's algorithm).</summary>
    public Func<LatticeModel, ModelKernel>? KernelFactory { get; init; }

    /// <summary>Most jobs a run does (for tests that simulate an interruption); the result is then incomplete.</summary>
    public int MaxJobs { get; init; } = int.MaxValue;

    /// <summary>Hears, before any job runs, how many finished jobs of an earlier run the folder holds (each is reused, none rerun).</summary>
    public Action<int>? Reused { get; init; }

    /// <summary>Jobs of every stage (a refinement that stops early, or jobs an earlier run finished, leave the run short of it).</summary>
    public int Jobs(CriticalPointSpec spec, string? folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Sizes.Count * spec.Points * (spec.Refinements + 1);
    }

    /// <summary>
    /// Runs the pending jobs (at most <see cref="MaxJobs"/>) in parallel over jobs, each single-threaded, and analyses every
    /// complete stage; the sink hears each job as it starts and ends (<see cref="JobName"/>, from worker threads), with
    /// "U = 0.61(2) (1.0 s)" when it ends.
    /// </summary>
    public CriticalPointResult Run(CriticalPointSpec spec, StudyRun run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        run.Validate();
        string folder = run.Folder ?? throw new ArgumentException("the critical-point search keeps its jobs in a folder: give StudyRun.Folder", nameof(run));
        spec.Validate();
        var (threads, cancellation) = (run.Threads, run.Cancellation);
        Prepare(folder, spec);
        Reused?.Invoke(Directory.GetFiles(Path.Combine(folder, "jobs"), "*.json").Length);
        var kernelFactory = KernelFactory ?? (model => ModelKernels.Create(spec.Algorithm, model));
        var stages = new List<CriticalPointStage>();
        var warnings = new List<string>();
        int budget = MaxJobs;
        bool complete = true;
        (double Lower, double Upper)? window = (spec.Lower, spec.Upper);
        for (int s = 0; s <= spec.Refinements && window is { } w; s++)
        {
            var couplings = Grid(w.Lower, w.Upper, spec.Points);
            var jobs = spec.Sizes.SelectMany(l => couplings.Select((g, i) => new CriticalPointJob(s, l, i, g))).ToArray();
            var pending = jobs.Where(j => !File.Exists(JobPath(folder, j))).OrderByDescending(j => j.Length).ToArray();
            var batch = pending.Take(budget).ToArray();
            budget -= batch.Length;
            Parallel.ForEach(batch, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellation },
                job =>
                {
                    run.Started(JobName(spec, job));
                    var result = RunJob(spec, job, kernelFactory, cancellation);
                    ExperimentFolder.WriteJob(folder, job.Key, result, JsonFormats.Folder);
                    run.Finished(JobName(spec, job), string.Create(CultureInfo.InvariantCulture,
                        $"U = {Statistics.Stats.Format(result.Binder.Value ?? double.NaN, result.Binder.Error)} ({result.WallSeconds:F1} s)"));
                });
            if (batch.Length < pending.Length)
            {
                complete = false;
                break;
            }
            var stage = Analyse(spec, folder, s, w, couplings, warnings);
            stages.Add(stage);
            window = s < spec.Refinements ? NextWindow(stage, w, warnings) : null;
        }
        var result = new CriticalPointResult(spec, stages, ReadJobs(folder), warnings, complete);
        if (complete && !result.Found)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"no crossing found in the final window [{result.Final?.Lower:G6}, {result.Final?.Upper:G6}]: the coupling is null (see the per-pair warnings; widen the window or add --refine)"));
        Checkpoint.WriteAtomic(Path.Combine(folder, "summary.json"), Summary(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return result;
    }

    /// <summary>A job's name for progress displays: "stage 0 L=8 beta=0.440687".</summary>
    public static string JobName(CriticalPointSpec spec, CriticalPointJob job)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(job);
        return string.Create(CultureInfo.InvariantCulture, $"stage {job.Stage} L={job.Length} {spec.CouplingName}={job.Coupling:G6}");
    }

    /// <summary>Runs one job: Monte Carlo at (L, coupling) with the job's own seed.</summary>
    public static CriticalPointJobResult RunJob(CriticalPointSpec spec, CriticalPointJob job, Func<LatticeModel, ModelKernel> kernelFactory,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(kernelFactory);
        ulong seed = job.SeedFrom(spec.Seed);
        var r = ModelMcmc.Run(kernelFactory(spec.Build(job.Length, job.Coupling)), spec.RunSettings(seed), cancellation);
        var e = r.Estimates;
        return new CriticalPointJobResult
        {
            Stage = job.Stage, Length = job.Length, Index = job.Index, Coupling = job.Coupling,
            Binder = ValueWithError.Of(e.Binder), Susceptibility = ValueWithError.Of(e.Susceptibility),
            SecondMomentLengthOverSize = ValueWithError.Of(e.SecondMomentLength with { Mean = e.SecondMomentLength.Mean / job.Length, Error = e.SecondMomentLength.Error / job.Length }),
            Magnetisation = ValueWithError.Of(e.Magnetisation), Energy = ValueWithError.Of(e.Energy),
            TauMagnetisationSquared = ValueWithError.Finite(r.TauMagnetisationSquared.Mean), TauEnergy = ValueWithError.Finite(r.TauEnergy.Mean),
            Acceptance = ValueWithError.Finite(r.Acceptance), Seed = seed, SiteUpdates = r.SiteUpdates, WallSeconds = r.WallSeconds,
            Valid = r.IsValid, Warnings = r.Warnings,
        };
    }

    /// <summary>n evenly spaced couplings from <paramref name="lower"/> to <paramref name="upper"/>, both included.</summary>
    public static double[] Grid(double lower, double upper, int points) =>
        Enumerable.Range(0, points).Select(i => i == points - 1 ? upper : lower + (upper - lower) * i / (points - 1)).ToArray();

    /// <summary>Path of a job's result file.</summary>
    public static string JobPath(string folder, CriticalPointJob job) => ExperimentFolder.JobPath(folder, job.Key);

    /// <summary>Every finished job in the folder, ordered by stage, L and index.</summary>
    public static IReadOnlyList<CriticalPointJobResult> ReadJobs(string folder)
    {
        string jobs = Path.Combine(folder, "jobs");
        if (!Directory.Exists(jobs)) return [];
        return Directory.GetFiles(jobs, "*.json").Select(ReadJob).OrderBy(j => j.Stage).ThenBy(j => j.Length).ThenBy(j => j.Index).ToArray();
    }

    private static CriticalPointJobResult ReadJob(string path)
    {
        try
        {
            return JobFile.Read<CriticalPointJobResult>(path, JsonFormats.Folder, text => LegacyKeys.Upgrade(text, LegacyKeys.CriticalPointJob))
                   ?? throw new InvalidDataException($"'{path}' is empty; delete it to rerun that job");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is corrupt ({e.Message}); delete it to rerun that job");
        }
    }

    private static CriticalPointStage Analyse(CriticalPointSpec spec, string folder, int stage, (double Lower, double Upper) window,
        double[] couplings, List<string> warnings)
    {
        double slack = 1e-12 * (window.Upper - window.Lower);
        var jobs = ReadJobs(folder).Where(j => j.Stage <= stage && j.Coupling >= window.Lower - slack && j.Coupling <= window.Upper + slack).ToArray();
        foreach (var bad in jobs.Where(j => !j.Valid))
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"stage {stage}: L = {bad.Length}, {spec.CouplingName} = {bad.Coupling:G8}: {string.Join("; ", bad.Warnings)}"));
        BinderPoint[] Points(int l) => jobs.Where(j => j.Length == l && j.Binder is { Value: not null, Error: > 0 })
            .Select(j => new BinderPoint(j.Coupling, j.Binder.Value!.Value, j.Binder.Error!.Value)).ToArray();
        var crossings = new List<BinderCrossing>();
        for (int i = 1; i < spec.Sizes.Count; i++)
        {
            int l1 = spec.Sizes[i - 1], l2 = spec.Sizes[i];
            var c = BinderCrossings.Find(l1, Points(l1), l2, Points(l2), window.Lower, window.Upper, spec.FitDegree, spec.Resamples, spec.Seed + (ulong)stage);
            if (c.Warning is { } w) warnings.Add($"stage {stage}: L = {l1}, {l2}: {w}");
            crossings.Add(c);
        }
        var (g, u, chi2) = BinderCrossings.Combine(crossings);
        return new CriticalPointStage(stage, window.Lower, window.Upper, couplings, crossings, g, u, chi2);
    }

    /// <summary>
    /// The next stage's window. When a pair's sign change lies in the window's lowest or highest interval, or the data do
    /// not cross and say on which side the crossing lies (<see cref="BinderCrossing.Edge"/>), the window widens on that side
    /// by half its width (couplings stay positive) and keeps the other end. Otherwise it narrows around the combined g0 +- sigma
    /// to half-width min(h / 2, max(4 sigma, h / 8)), but never past the measured couplings that bracket any pair's sign
    /// change, so the crossing stays inside. Null (no refinement) when no crossing was found and no side is known.
    /// </summary>
    public static (double Lower, double Upper)? NextWindow(CriticalPointStage stage, (double Lower, double Upper) window, List<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(warnings);
        double width = window.Upper - window.Lower;
        bool below = stage.Crossings.Any(c => c.Edge < 0), above = stage.Crossings.Any(c => c.Edge > 0);
        if (below || above)
        {
            double lower = below ? Math.Max(window.Lower - width / 2, window.Lower / 2) : window.Lower;
            double upper = above ? window.Upper + width / 2 : window.Upper;
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"stage {stage.Stage}: the crossing is at or beyond the window's {(below && above ? "both ends" : below ? "lower end" : "upper end")}: the next stage widens to [{lower:G6}, {upper:G6}]"));
            return (lower, upper);
        }
        var g = stage.Coupling;
        if (!double.IsFinite(g.Mean) || !double.IsFinite(g.Error))
        {
            warnings.Add($"stage {stage.Stage} found no crossing: no refinement");
            return null;
        }
        double half = width / 2;
        double next = Math.Min(half / 2, Math.Max(4 * g.Error, half / 8));
        foreach (var c in stage.Crossings.Where(c => double.IsFinite(c.BracketLower) && double.IsFinite(c.BracketUpper)))
            next = Math.Max(next, Math.Max(g.Mean - c.BracketLower, c.BracketUpper - g.Mean));
        return (Math.Max(g.Mean - next, g.Mean / 2), g.Mean + next); // couplings stay positive
    }

    /// <summary>A config.json written with the old key names, in today's form (null if it cannot be read).</summary>
    private static string? ReadSpec(string path)
    {
        try
        {
            var spec = JsonFormats.Deserialize<CriticalPointSpec>(LegacyKeys.Upgrade(File.ReadAllText(path), LegacyKeys.MonteCarloSettings), JsonFormats.Folder);
            return spec is null ? null : JsonFormats.Serialize(spec, JsonFormats.Folder) + "\n";
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Prepare(string folder, CriticalPointSpec spec)
    {
        string path = Path.Combine(folder, "config.json");
        string text = JsonFormats.Serialize(spec, JsonFormats.Folder) + "\n";
        bool existed = File.Exists(path);
        // Refuse a different search before writing anything into its folder.
        if (existed && File.ReadAllText(path) != text && ReadSpec(path) != text)
            throw new InvalidDataException($"'{folder}' holds a different critical-point search (its config.json differs): use another folder");
        Directory.CreateDirectory(Path.Combine(folder, "jobs"));
        if (!existed) Checkpoint.WriteAtomic(path, text);
    }

    /// <summary>
    /// The result as the JSON object written to summary.json (stages, crossings, combined coupling and U*, warnings):
    /// <c>coupling</c> and <c>binder</c> are null and <c>complete</c> false when no crossing was found.
    /// </summary>
    public static JsonObject Summary(CriticalPointResult result)
    {
        static JsonObject Value(Statistics.Stats s) => new() { ["value"] = ValueWithError.Finite(s.Mean), ["error"] = ValueWithError.Finite(s.Error) };
        var stages = new JsonArray();
        foreach (var s in result.Stages)
            stages.Add((JsonNode)new JsonObject
            {
                ["stage"] = s.Stage, ["lower"] = s.Lower, ["upper"] = s.Upper,
                ["couplings"] = new JsonArray(s.Couplings.Select(c => (JsonNode?)c).ToArray()),
                ["crossings"] = new JsonArray(s.Crossings.Select(c => (JsonNode?)new JsonObject
                {
                    ["L1"] = c.SmallerSize, ["L2"] = c.LargerSize, ["coupling"] = Value(c.Coupling), ["binder"] = Value(c.BinderAtCrossing),
                    ["points"] = c.Points, ["failed_resamples"] = c.FailedResamples, ["warning"] = c.Warning,
                    ["chi2_per_dof"] = ValueWithError.Finite(c.ChiSquarePerDof), ["dof"] = c.DegreesOfFreedom, ["fit_quality"] = c.FitQuality,
                    ["fit_lower"] = ValueWithError.Finite(c.FitLower), ["fit_upper"] = ValueWithError.Finite(c.FitUpper),
                }).ToArray()),
                ["coupling"] = Value(s.Coupling), ["binder"] = Value(s.BinderAtCrossing), ["chi2_per_dof"] = ValueWithError.Finite(s.FitChiSquarePerDof),
                ["fit_quality"] = s.FitQuality, ["pairs_chi2_per_dof"] = ValueWithError.Finite(s.ChiSquarePerDof),
            });
        return new JsonObject
        {
            ["coupling_name"] = result.Spec.CouplingName, ["complete"] = result.Complete && result.Found,
            ["coupling"] = result.Found ? Value(result.Coupling) : null, ["binder"] = result.Found ? Value(result.BinderAtCrossing) : null,
            ["chi2_per_dof"] = ValueWithError.Finite(result.Final?.FitChiSquarePerDof ?? double.NaN), ["fit_quality"] = result.Final?.FitQuality ?? "none",
            ["stages"] = stages, ["jobs"] = result.Jobs.Count, ["site_updates"] = result.SiteUpdates, ["job_seconds"] = result.JobSeconds,
            ["warnings"] = new JsonArray(result.Warnings.Select(w => (JsonNode?)w).ToArray()),
        };
    }
}
