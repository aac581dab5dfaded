namespace CritDiff.Experiments;

/// <summary>
/// Runs the jobs of a sweep that are not finished yet into its run folder, in parallel over jobs (each
/// job single-threaded and seeded by its own index, so results do not depend on the thread count or
/// the order jobs finish in).
/// </summary>
public sealed class ScalingSweep : IStudy<ScalingSpec, IReadOnlyList<JobResult>>
{
    /// <summary>A sweep with the defaults (every job); set the options below on an instance made for a call.</summary>
    public ScalingSweep()
    {
    }

    /// <summary>The study (<see cref="IStudy{TSpec, TResult}"/>): every job of the sweep in <see cref="StudyRun.Folder"/>, which it needs.</summary>
    public static ScalingSweep Study { get; } = new();

    /// <summary>The jobs this sweep runs: those of one shard of a job array (default: all).</summary>
    public Shard Shard { get; init; } = Shard.All;

    /// <summary>Most jobs a run does (for tests that simulate an interruption).</summary>
    public int MaxJobs { get; init; } = int.MaxValue;

    /// <summary>Jobs of <see cref="Shard"/> a run still has to do (at most <see cref="MaxJobs"/>).</summary>
    public int Jobs(ScalingSpec spec, string? folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return folder is null
            ? Math.Min(MaxJobs, spec.Jobs().Count(j => Shard.Contains(j.Index)))
            : Pending(spec, folder, Shard).Take(MaxJobs).Count();
    }

    /// <summary>
    /// Runs the pending jobs of <see cref="Shard"/> (at most <see cref="MaxJobs"/>) into the folder and returns every finished
    /// job of the folder; the sink hears "arch L=16 seed 0" (<see cref="JobName"/>) as each job starts and ends, with
    /// <see cref="JobResult.Describe"/> when it ends (from worker threads).
    /// </summary>
    public IReadOnlyList<JobResult> Run(ScalingSpec spec, StudyRun run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        run.Validate();
        string folder = run.Folder ?? throw new ArgumentException("a sweep keeps its jobs in a folder: give StudyRun.Folder", nameof(run));
        spec.Validate();
        ScalingFolder.Prepare(folder, spec);
        var pending = Pending(spec, folder, Shard).Take(MaxJobs).ToArray();
        // Largest lattices first: they take longest, so the pool drains evenly.
        var order = pending.OrderByDescending(j => j.Length).ThenBy(j => j.Index).ToArray();
        Parallel.ForEach(order, run.Parallel,
            job =>
            {
                run.Started(JobName(job));
                var result = JobRunner.Run(spec, job, run.Cancellation);
                ScalingFolder.WriteJob(folder, job, result);
                run.Finished(JobName(job), result.Describe());
            });
        return ScalingFolder.ReadJobs(folder, spec);
    }

    /// <summary>A job's name for progress displays: "two-layer L=16 seed 0".</summary>
    public static string JobName(ScalingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return $"{job.Architecture.Name} L={job.Length} seed {job.SeedIndex}";
    }

    /// <summary>The jobs of a shard that have no result file yet.</summary>
    public static IEnumerable<ScalingJob> Pending(ScalingSpec spec, string folder, Shard shard)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(shard);
        return spec.Jobs().Where(j => shard.Contains(j.Index) && !File.Exists(ScalingFolder.JobPath(folder, j)));
    }

    /// <summary>The experiment shared by several shard folders; folders of different experiments are refused.</summary>
    public static ScalingSpec CommonSpec(IReadOnlyList<string> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0) throw new ArgumentException("give at least one folder to merge");
        var spec = ScalingFolder.ReadSpec(sources[0]);
        foreach (string source in sources.Skip(1))
        {
            var other = ScalingFolder.ReadSpec(source);
            if (JsonFormats.Serialize(other, JsonFormats.Folder) != JsonFormats.Serialize(spec, JsonFormats.Folder))
                throw new InvalidDataException($"'{source}' holds a different experiment from '{sources[0]}' (config.json differs)");
        }
        return spec;
    }

    /// <summary>The jobs none of <paramref name="sources"/> has finished (each job file checked against its key).</summary>
    public static IReadOnlyList<ScalingJob> Missing(ScalingSpec spec, IReadOnlyList<string> sources)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(sources);
        return spec.Jobs().Where(job => sources.All(source => ScalingFolder.ReadJob(source, job) is null)).ToArray();
    }

    /// <summary>
    /// Copies the job files of several shard folders of one experiment into <paramref name="target"/>;
    /// refuses folders of different experiments. Returns the merged spec.
    /// </summary>
    public static ScalingSpec Merge(IReadOnlyList<string> sources, string target)
    {
        var spec = CommonSpec(sources);
        ScalingFolder.Prepare(target, spec);
        foreach (var job in spec.Jobs())
            foreach (string source in sources)
                if (ScalingFolder.ReadJob(source, job) is { } result)
                {
                    ScalingFolder.WriteJob(target, job, result);
                    break;
                }
        return spec;
    }
}
