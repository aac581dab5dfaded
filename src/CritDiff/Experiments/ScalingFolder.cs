using System.Text.Json.Nodes;
using CritDiff.Persistence;

namespace CritDiff.Experiments;

/// <summary>
/// A sweep's run folder (STYLE.md principle 12), an <see cref="ExperimentFolder"/>: <c>config.json</c> (the
/// <see cref="ScalingSpec"/>), <c>jobs/{key}.json</c> (one <see cref="JobResult"/> per finished job, written atomically),
/// and the summary and report files rebuilt from those alone. A job whose file exists is finished; a rerun skips it, so an
/// interrupted sweep loses nothing already written.
/// </summary>
public static class ScalingFolder
{
    /// <summary>Writes config.json, or checks that the folder already holds the same experiment.</summary>
    public static void Prepare(string folder, ScalingSpec spec) => ExperimentFolder.Prepare(folder, spec, JsonFormats.Folder, upgrade: Upgrade);

    /// <summary>Reads a folder's config.json (also one written with the old key names, see <see cref="LegacyKeys"/>).</summary>
    public static ScalingSpec ReadSpec(string folder) => ExperimentFolder.ReadSpec<ScalingSpec>(folder, JsonFormats.Folder, upgrade: Upgrade);

    /// <summary>The path of a job's result file.</summary>
    public static string JobPath(string folder, ScalingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return ExperimentFolder.JobPath(folder, job.Key);
    }

    /// <summary>Writes a finished job atomically.</summary>
    public static void WriteJob(string folder, ScalingJob job, JobResult result)
    {
        ArgumentNullException.ThrowIfNull(job);
        ExperimentFolder.WriteJob(folder, job.Key, result, JsonFormats.Folder);
    }

    /// <summary>The finished result of a job, or null (no file yet); a file that is corrupt or holds another job is an error naming it.</summary>
    public static JobResult? ReadJob(string folder, ScalingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return ExperimentFolder.ReadJob<JobResult>(folder, job.Key, JsonFormats.Folder, result =>
            result.Index != job.Index || result.Architecture != job.Architecture.Name || result.Length != job.Length || result.SeedIndex != job.SeedIndex
                ? $"job {result.Index} ({result.Architecture}, L = {result.Length}, seed {result.SeedIndex}), not job {job.Index} " +
                  $"({job.Architecture.Name}, L = {job.Length}, seed {job.SeedIndex})"
                : null);
    }

    /// <summary>Every finished job of the folder's experiment, in job order.</summary>
    public static IReadOnlyList<JobResult> ReadJobs(string folder, ScalingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Jobs().Select(j => ReadJob(folder, j)).OfType<JobResult>().ToArray();
    }

    /// <summary>A sweep's summary as the commands print it: summary.json's object with the folder it lives in ("out") last.</summary>
    public static JsonObject SummaryJson(ScalingSummary summary, string folder)
    {
        var node = JsonFormats.SerializeToNode(summary, JsonFormats.Folder)!.AsObject();
        node["out"] = folder;
        return node;
    }

    private static string Upgrade(string text) => LegacyKeys.Upgrade(text, LegacyKeys.ScalingSpec);
}
