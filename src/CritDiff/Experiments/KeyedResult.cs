using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CritDiff.Persistence;

namespace CritDiff.Experiments;

/// <summary>
/// A finished piece of a study kept in a folder so that a rerun after a kill reuses it: FOLDER/NAME-HASH.json
/// holds the settings' key (the JSON of the spec that produced it), the value and its wall time, written
/// atomically. A file whose key differs from the settings asked for, or that cannot be read, is recomputed.
/// </summary>
public static class KeyedResult
{
    internal static readonly JsonSerializerOptions Options = JsonFormats.Freeze(new JsonSerializerOptions
    {
        WriteIndented = true,
        Converters = { new FiniteOrNullConverter() }, // NaN as null (docs/json.md); "NaN" of older files still reads
    }, enumsAsText: true);

    /// <summary>A stored piece: its key, value and wall time (each value type is listed in <see cref="JsonMetadata"/>).</summary>
    internal sealed record Stored<T>(string Key, T Value, double WallSeconds);

    /// <summary>The key of a settings object: its JSON (same settings, same key). The type must be listed in <see cref="JsonMetadata"/>.</summary>
    public static string KeyOf<TSpec>(TSpec spec) => JsonFormats.Serialize(spec, Options);

    /// <summary>
    /// The value stored under <paramref name="key"/> in <paramref name="folder"/>, or the result of
    /// <paramref name="compute"/> (then stored). <paramref name="folder"/> null: always computes, stores nothing.
    /// </summary>
    public static (T Value, double WallSeconds, bool Reused) GetOrCompute<T>(string? folder, string name, string key, Func<T> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        if (folder is null)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            return (compute(), clock.Elapsed.TotalSeconds, false);
        }
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];
        string path = Path.Combine(folder, $"{Safe(name)}-{hash}.json");
        if (Read<T>(path, key) is { } stored) return (stored.Value, stored.WallSeconds, true);
        var timer = System.Diagnostics.Stopwatch.StartNew();
        var value = compute();
        double wall = timer.Elapsed.TotalSeconds;
        Directory.CreateDirectory(folder);
        Checkpoint.WriteAtomic(path, JsonFormats.Serialize(new Stored<T>(key, value, wall), Options) + "\n");
        return (value, wall, false);
    }

    private static Stored<T>? Read<T>(string path, string key)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var stored = JsonFormats.Deserialize<Stored<T>>(File.ReadAllText(path), Options);
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
