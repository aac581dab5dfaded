using System.Text.Json;
using System.Text.Json.Serialization;
using CritDiff.Persistence;

namespace CritDiff.Experiments;

/// <summary>
/// A sweep's run folder (STYLE.md principle 12): <c>config.json</c> (the <see cref="ScalingSpec"/>),
/// <c>jobs/{key}.json</c> (one <see cref="JobResult"/> per finished job, written atomically), and the
/// summary and report files rebuilt from those alone. A job whose file exists is finished; a rerun
/// skips it, so an interrupted sweep loses nothing already written.
/// </summary>
public static class ExperimentFolder
{
    /// <summary>Serializer settings for run-folder files (indented; nulls kept; enums as text).</summary>
    public static readonly JsonSerializerOptions Json = JsonFormats.Freeze(new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    }, enumsAsText: true, enumNaming: JsonNamingPolicy.SnakeCaseLower);

    /// <summary>Writes config.json, or checks that the folder already holds the same experiment.</summary>
    public static void Prepare(string folder, ScalingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string path = Path.Combine(folder, "config.json");
        string text = JsonFormats.Serialize(spec, Json) + "\n";
        if (File.Exists(path))
        {
            var existing = ReadSpec(folder);
            if (JsonFormats.Serialize(existing, Json) + "\n" != text)
                throw new InvalidDataException($"'{folder}' holds a different experiment (its config.json differs): use another output folder");
            Directory.CreateDirectory(Path.Combine(folder, "jobs"));
            return;
        }
        Directory.CreateDirectory(Path.Combine(folder, "jobs"));
        Checkpoint.WriteAtomic(path, text);
    }

    /// <summary>Reads a folder's config.json (also one written with the old key names, see <see cref="LegacyKeys"/>).</summary>
    public static ScalingSpec ReadSpec(string folder)
    {
        string path = Path.Combine(folder, "config.json");
        if (!File.Exists(path)) throw new InvalidDataException($"'{folder}' is not a CritDiff sweep folder (no config.json)");
        try
        {
            return JsonFormats.Deserialize<ScalingSpec>(LegacyKeys.Upgrade(File.ReadAllText(path), LegacyKeys.ScalingSpec), Json)
                   ?? throw new InvalidDataException($"'{path}' is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid sweep configuration: {e.Message}");
        }
    }

    /// <summary>The path of a job's result file.</summary>
    public static string JobPath(string folder, ScalingJob job) => Path.Combine(folder, "jobs", job.Key + ".json");

    /// <summary>Writes a finished job atomically.</summary>
    public static void WriteJob(string folder, ScalingJob job, JobResult result) =>
        Checkpoint.WriteAtomic(JobPath(folder, job), JsonFormats.Serialize(result, Json) + "\n");

    /// <summary>The finished result of a job, or null (no file yet; a half-written file cannot exist: writes are atomic).</summary>
    public static JobResult? ReadJob(string folder, ScalingJob job)
    {
        string path = JobPath(folder, job);
        if (!File.Exists(path)) return null;
        try
        {
            var result = JsonFormats.Deserialize<JobResult>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"'{path}' is empty (null); delete it to rerun that job");
            // The file name is the job key; a file whose contents describe another job (edited, or copied
            // under the wrong name) would silently stand in for this one.
            if (result.Index != job.Index || result.Architecture != job.Architecture.Name || result.Length != job.Length || result.SeedIndex != job.SeedIndex)
                throw new InvalidDataException(
                    $"'{path}' holds job {result.Index} ({result.Architecture}, L = {result.Length}, seed {result.SeedIndex}), not job {job.Index} " +
                    $"({job.Architecture.Name}, L = {job.Length}, seed {job.SeedIndex}) as its name says; delete it to rerun that job");
            return result;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is corrupt ({e.Message}); delete it to rerun that job");
        }
    }

    /// <summary>Every finished job of the folder's experiment, in job order.</summary>
    public static IReadOnlyList<JobResult> ReadJobs(string folder, ScalingSpec spec) =>
        spec.Jobs().Select(j => ReadJob(folder, j)).OfType<JobResult>().ToArray();
}
