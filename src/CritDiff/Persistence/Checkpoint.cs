using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CritDiff.Persistence;

/// <summary>
/// The file-level pieces of a checkpoint folder (the format itself: <c>Experiments/ModelCheckpoint</c>, docs/checkpoint.md):
/// reading <c>model.json</c> with errors that name it, reading one flat parameter array with its checks, removing the
/// arrays an earlier model left, and atomic text writes. Loading throws <see cref="InvalidDataException"/> naming the file at fault.
/// </summary>
public static class Checkpoint
{
    private const string ModelFile = "model.json";

    /// <summary>Deletes the slice arrays of an earlier model in the folder that model.json no longer lists (it had more slices).</summary>
    internal static void RemoveUnlistedArrays(string directory, JsonArray files) =>
        RunFolderFiles.RemoveUnlisted(directory, "slice*.npy", files.SelectMany(list => list!.AsArray()).Select(name => (string)name!));

    /// <summary>
    /// Reads <c>DIRECTORY/model.json</c> and hands it to <paramref name="parse"/>: a missing folder or file, invalid JSON, or a
    /// parse that fails on a missing or ill-typed field throws <see cref="InvalidDataException"/> naming model.json.
    /// </summary>
    internal static T LoadModelJson<T>(string directory, Func<string, JsonObject, T> parse)
    {
        if (!Directory.Exists(directory)) throw new InvalidDataException($"model folder '{directory}' does not exist");
        string path = Path.Combine(directory, ModelFile);
        if (!File.Exists(path)) throw new InvalidDataException($"'{path}' is missing: not a CritDiff model folder");
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException("not a JSON object");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message.Split('\n')[0]}");
        }
        try
        {
            return parse(directory, json);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or NullReferenceException
                                       or KeyNotFoundException or JsonException)
        {
            throw new InvalidDataException($"'{path}' is corrupt: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>
    /// Largest |parameter| a checkpoint may hold: trained multipliers stay below ~1/b(t_min)^2 ~ 1e3, and beyond 1e50 a
    /// score overflows doubles after a few layers.
    /// </summary>
    public const double MaxParameterMagnitude = 1e50;

    /// <summary>
    /// Reads a 1-D parameter array into <paramref name="destination"/>: a missing or unreadable file, a rank other than 1, a wrong length (the
    /// model needs <paramref name="what"/>'s layout) or a non-finite or huge value throws <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    internal static void ReadParameterArray(string file, double[] destination, string what)
    {
        if (!File.Exists(file)) throw new InvalidDataException($"'{file}' is missing");
        NpyArray array;
        try
        {
            array = NpyFile.Read(file);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{file}': {e.Message}");
        }
        if (array.Shape.Length != 1)
            throw new InvalidDataException($"'{file}' has shape ({string.Join(", ", array.Shape)}); parameter arrays are 1-D (flat)");
        if (array.Data.Length != destination.Length)
            throw new InvalidDataException($"'{file}' holds {array.Data.Length} values; {what} needs {destination.Length}");
        int bad = Array.FindIndex(array.Data, x => !double.IsFinite(x));
        if (bad >= 0)
            throw new InvalidDataException($"'{file}': value {bad} is {array.Data[bad]}; kernels must be finite, as every parameter must (the run diverged or the file is damaged)");
        bad = Array.FindIndex(array.Data, x => Math.Abs(x) > MaxParameterMagnitude);
        if (bad >= 0)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"'{file}': value {bad} is {array.Data[bad]:G4}; parameters must have |w| <= {MaxParameterMagnitude:G1} (the file is damaged)"));
        array.Data.CopyTo(destination, 0);
    }

    /// <summary>Writes text to a temporary file in the same folder, then renames it into place (<see cref="AtomicFile"/>).</summary>
    public static void WriteAtomic(string path, string text) => AtomicFile.WriteAllText(path, text);
}
