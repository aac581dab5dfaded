using System.Text.Json;

namespace CritDiff.Persistence;

/// <summary>
/// A run folder of independent jobs (STYLE.md principle 12): <c>config.json</c> (the spec of the experiment) and
/// <c>jobs/KEY.json</c>, one <see cref="JobFile"/> per finished job. A job whose file exists is finished; a rerun skips it,
/// so an interrupted experiment loses nothing already written. A job file that cannot be read, or that describes another
/// job than its name says, is an error naming the file (delete it to rerun that job), never silently recomputed. The
/// settings <c>json</c> of each method are the run-folder preset of the caller's layer (Experiments.JsonFormats.Folder).
/// </summary>
public static class ExperimentFolder
{
    /// <summary>Writes config.json, or checks that the folder already holds the same experiment; creates jobs/.</summary>
    public static void Prepare<TSpec>(string folder, TSpec spec, JsonSerializerOptions json, string kind = "sweep", Func<string, string>? upgrade = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string path = Path.Combine(folder, "config.json");
        string text = JsonFiles.Serialize(spec, json) + "\n";
        if (File.Exists(path))
        {
            var existing = ReadSpec<TSpec>(folder, json, kind, upgrade);
            if (JsonFiles.Serialize(existing, json) + "\n" != text)
                throw new InvalidDataException($"'{folder}' holds a different experiment (its config.json differs): use another output folder");
            Directory.CreateDirectory(Path.Combine(folder, "jobs"));
            return;
        }
        Directory.CreateDirectory(Path.Combine(folder, "jobs"));
        AtomicFile.WriteAllText(path, text);
    }

    /// <summary>Reads a folder's config.json, its text passed through <paramref name="upgrade"/> first (old key names, see <see cref="LegacyKeys"/>).</summary>
    public static TSpec ReadSpec<TSpec>(string folder, JsonSerializerOptions json, string kind = "sweep", Func<string, string>? upgrade = null)
    {
        string path = Path.Combine(folder, "config.json");
        if (!File.Exists(path)) throw new InvalidDataException($"'{folder}' is not a CritDiff {kind} folder (no config.json)");
        try
        {
            return JobFile.Read<TSpec>(path, json, upgrade) ?? throw new InvalidDataException($"'{path}' is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid {kind} configuration: {e.Message}");
        }
    }

    /// <summary>The path of a job's result file: FOLDER/jobs/KEY.json.</summary>
    public static string JobPath(string folder, string key) => Path.Combine(folder, "jobs", key + ".json");

    /// <summary>Whether the job <paramref name="key"/> is finished (its file exists: writes are atomic).</summary>
    public static bool IsFinished(string folder, string key) => JobFile.IsFinished(JobPath(folder, key));

    /// <summary>Writes a finished job atomically.</summary>
    public static void WriteJob<T>(string folder, string key, T result, JsonSerializerOptions json) =>
        JobFile.Write(JobPath(folder, key), result, json);

    /// <summary>
    /// The finished result of job <paramref name="key"/>, or null (no file yet). <paramref name="otherJob"/> says, in words
    /// ("job 3 (...), not job 4 (...)"), how a result read from the file differs from the job its name says, or null when it
    /// is that job: a file edited or copied under the wrong name would otherwise silently stand in for the job.
    /// </summary>
    public static T? ReadJob<T>(string folder, string key, JsonSerializerOptions json, Func<T, string?> otherJob, Func<string, string>? upgrade = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(otherJob);
        string path = JobPath(folder, key);
        if (!File.Exists(path)) return null;
        try
        {
            var result = JobFile.Read<T>(path, json, upgrade)
                ?? throw new InvalidDataException($"'{path}' is empty (null); delete it to rerun that job");
            if (otherJob(result) is { } difference)
                throw new InvalidDataException($"'{path}' holds {difference} as its name says; delete it to rerun that job");
            return result;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is corrupt ({e.Message}); delete it to rerun that job");
        }
    }
}
