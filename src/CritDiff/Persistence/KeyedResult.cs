using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CritDiff.Persistence;

/// <summary>
/// A finished piece of a study kept in a folder so that a rerun after a kill reuses it (a <see cref="JobFile"/>):
/// FOLDER/NAME-HASH.json holds the settings' key (the JSON of the spec that produced it), the value and its wall time,
/// written atomically. A file whose key differs from the settings asked for, or that cannot be read, is recomputed.
/// The settings <c>json</c> of each method are the keyed preset of the caller's layer (Experiments.JsonFormats.Keyed),
/// whose metadata lists <see cref="Stored{T}"/> of each value type.
/// </summary>
public static class KeyedResult
{
    /// <summary>A stored piece: its key, value and wall time.</summary>
    internal sealed record Stored<T>(string Key, T Value, double WallSeconds);

    /// <summary>The key of a settings object: its JSON (same settings, same key).</summary>
    public static string KeyOf<TSpec>(JsonSerializerOptions json, TSpec spec) => JsonFiles.Serialize(spec, json);

    /// <summary>The file that holds the piece <paramref name="name"/> with <paramref name="key"/>: FOLDER/NAME-HASH.json, HASH the first 12 hex digits of SHA-256(key).</summary>
    public static string PathOf(string folder, string name, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];
        return Path.Combine(folder, $"{Safe(name)}-{hash}.json");
    }

    /// <summary>
    /// The value stored under <paramref name="key"/> in <paramref name="folder"/>, or the result of
    /// <paramref name="compute"/> (then stored). <paramref name="folder"/> null: always computes, stores nothing.
    /// </summary>
    public static (T Value, double WallSeconds, bool Reused) GetOrCompute<T>(JsonSerializerOptions json, string? folder, string name, string key,
        Func<T> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        if (folder is null)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            return (compute(), clock.Elapsed.TotalSeconds, false);
        }
        string path = PathOf(folder, name, key);
        if (Read<T>(path, key, json) is { } stored) return (stored.Value, stored.WallSeconds, true);
        var timer = System.Diagnostics.Stopwatch.StartNew();
        var value = compute();
        double wall = timer.Elapsed.TotalSeconds;
        JobFile.Write(path, new Stored<T>(key, value, wall), json);
        return (value, wall, false);
    }

    private static Stored<T>? Read<T>(string path, string key, JsonSerializerOptions json)
    {
        try
        {
            var stored = JobFile.Read<Stored<T>>(path, json);
            return stored?.Key == key && stored.Value is not null ? stored : null;
        }
        catch (JsonException)
        {
            return null; // an unreadable result is recomputed
        }
    }

    private static string Safe(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
