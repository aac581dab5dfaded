using System.Text.Json;

namespace CritDiff.Persistence;

/// <summary>
/// The one resume mechanism of CritDiff's studies: a finished job is one JSON file, written atomically (a half-written
/// file cannot exist) under a name that its settings determine; a rerun that finds the file reads it back instead of
/// recomputing the job. <see cref="ExperimentFolder"/> (a sweep's jobs/KEY.json) and <see cref="KeyedResult"/> (a study's
/// NAME-HASH.json pieces) are the two file layouts built on it; they differ only in how a file is named and what a file
/// that does not belong to the job asked for means (an error to fix, or a piece to recompute).
/// </summary>
public static class JobFile
{
    /// <summary>Writes a finished job atomically (text of <paramref name="json"/> plus a newline), creating its folder.</summary>
    public static void Write<T>(string path, T value, JsonSerializerOptions json)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(path, JsonFiles.Serialize(value, json) + "\n");
    }

    /// <summary>
    /// The job stored at <paramref name="path"/>, or null when there is no file. The text passes through
    /// <paramref name="upgrade"/> first (old key names, see <see cref="LegacyKeys"/>). Throws <see cref="JsonException"/>
    /// when the file does not read as <typeparamref name="T"/>; the caller decides what an unreadable file means.
    /// </summary>
    public static T? Read<T>(string path, JsonSerializerOptions json, Func<string, string>? upgrade = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) return default;
        string text = File.ReadAllText(path);
        return JsonFiles.Deserialize<T>(upgrade is null ? text : upgrade(text), json);
    }

    /// <summary>Whether a job file exists at <paramref name="path"/> (it is finished: writes are atomic).</summary>
    public static bool IsFinished(string path) => File.Exists(path);
}
