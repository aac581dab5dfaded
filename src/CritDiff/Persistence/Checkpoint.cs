using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;

namespace CritDiff.Persistence;

/// <summary>A trained score model: the target, the process, the architecture and one parameter set per time slice.</summary>
public sealed record CheckpointModel(GaussianField Field, ForwardProcess Process, Architecture Architecture,
    ParameterBasis Basis, IReadOnlyList<double> Times, IReadOnlyList<NetworkParameters> Parameters, JsonObject? Summary = null);

/// <summary>
/// Saves and loads trained models as a folder: <c>model.json</c> (format, lattice, model, schedule,
/// architecture, basis, slice times, file list, optional run summary) and one 1-D float64 <c>.npy</c>
/// per slice and layer (<c>slice000_layer0.npy</c>: the layer's stored parameters in the network's
/// layout). Every file is written to a temporary name and renamed, so a folder never holds a
/// half-written file. Loading checks everything and throws <see cref="InvalidDataException"/> naming
/// the file at fault.
/// </summary>
public static class Checkpoint
{
    /// <summary>Format tag and version written to model.json.</summary>
    public const string Format = "critdiff-checkpoint";

    /// <summary>Current format version.</summary>
    public const int Version = 1;

    private const string ModelFile = "model.json";

    /// <summary>Writes the model into <paramref name="directory"/> (created if needed).</summary>
    public static void Save(string directory, CheckpointModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Parameters.Count != model.Times.Count)
            throw new ArgumentException("one parameter set per time slice is required", nameof(model));
        Directory.CreateDirectory(directory);
        var files = new JsonArray();
        for (int j = 0; j < model.Parameters.Count; j++)
        {
            var layerFiles = new JsonArray();
            for (int i = 0; i < model.Parameters[j].Layers.Length; i++)
            {
                string name = FileName(j, i);
                var values = model.Parameters[j].Layers[i];
                NpyFile.Write(Path.Combine(directory, name), values, [values.Length]);
                layerFiles.Add((JsonNode)name);
            }
            files.Add((JsonNode)layerFiles);
        }
        var lattice = model.Field.Lattice;
        var json = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["lattice"] = new JsonObject { ["d"] = lattice.Dimension, ["L"] = lattice.Length },
            ["model"] = new JsonObject
            {
                ["parameterisation"] = model.Field.Parameterisation,
                ["free_field"] = model.Field.IsFreeField,
                ["beta"] = model.Field.Beta,
                ["mu2"] = model.Field.MassSquared,
            },
            ["schedule"] = model.Process.Name,
            ["arch"] = model.Architecture.Name,
            ["basis"] = model.Basis.ToString().ToLowerInvariant(),
            ["times"] = new JsonArray(model.Times.Select(t => (JsonNode?)t).ToArray()),
            ["files"] = files,
            ["summary"] = model.Summary?.DeepClone(),
        };
        WriteAtomic(Path.Combine(directory, ModelFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        RemoveUnlistedArrays(directory, files);
    }

    /// <summary>Deletes the slice arrays of an earlier model in the folder that model.json no longer lists (it had more slices).</summary>
    internal static void RemoveUnlistedArrays(string directory, JsonArray files) =>
        RunFolderFiles.RemoveUnlisted(directory, "slice*.npy", files.SelectMany(list => list!.AsArray()).Select(name => (string)name!));

    /// <summary>Reads a model folder written by <see cref="Save"/>.</summary>
    public static CheckpointModel Load(string directory) => LoadModelJson(directory, Parse);

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

    private static CheckpointModel Parse(string directory, JsonObject json)
    {
        if ((string?)json["format"] != Format) throw new InvalidDataException($"'{ModelFile}' is not a {Format} file");
        int version = Field(json, "version", n => (int)n);
        if (version != Version) throw new InvalidDataException($"'{ModelFile}': unknown format version {version} (this build reads {Version})");
        var lattice = Field(json, "lattice", n => new Lattice((int)n["d"]!, (int)n["L"]!));
        var m = Field(json, "model", n => n.AsObject());
        double beta = Field(m, "beta", n => (double)n), mu2 = Field(m, "mu2", n => (double)n);
        if (!(beta > 0 && double.IsFinite(beta) && mu2 > 0 && double.IsFinite(mu2)))
            throw new InvalidDataException($"'{ModelFile}': field 'model' has beta = {beta} and mu2 = {mu2}; both must be > 0 and finite");
        // "free_field" was "gff" before the JSON keys were unified (docs/json.md)
        var field = Field(m, m.ContainsKey("free_field") ? "free_field" : "gff", n => (bool)n) ? GaussianField.FreeField(lattice, mu2) : GaussianField.AtBeta(lattice, beta);
        if (Math.Abs(field.MassSquared / mu2 - 1) > 1e-10)
            throw new InvalidDataException($"'{ModelFile}': stored mu2 {mu2} does not solve the gap equation at beta {beta}");
        field = field with { Parameterisation = (string?)m["parameterisation"] ?? field.Parameterisation };
        var process = Field(json, "schedule", n => ForwardProcess.Parse((string)n!));
        var architecture = Field(json, "arch", n => Architecture.Parse((string)n!));
        var basis = Field(json, "basis", n => Enum.Parse<ParameterBasis>((string)n!, ignoreCase: true));
        var times = Field(json, "times", n => n.AsArray().Select(t => (double)t!).ToArray());
        if (times.Any(t => !(t > 0 && double.IsFinite(t))))
            throw new InvalidDataException($"'{ModelFile}': field 'times' must hold diffusion times > 0");
        var network = ScoreNetwork.Create(lattice, architecture, basis);
        var files = Field(json, "files", n => n.AsArray());
        if (files.Count != times.Length) throw new InvalidDataException($"'{ModelFile}': {times.Length} times but {files.Count} file lists");
        var parameters = new List<NetworkParameters>();
        for (int j = 0; j < times.Length; j++)
        {
            var p = network.CreateParameters();
            var layerFiles = files[j]!.AsArray();
            if (layerFiles.Count != p.Layers.Length)
                throw new InvalidDataException($"'{ModelFile}': slice {j} lists {layerFiles.Count} layers, the architecture has {p.Layers.Length}");
            for (int i = 0; i < p.Layers.Length; i++)
                ReadParameterArray(Path.Combine(directory, Path.GetFileName((string)layerFiles[i]!)), p.Layers[i], $"{architecture.Name} on {lattice}");
            parameters.Add(p);
        }
        return new CheckpointModel(field, process, architecture, basis, times, parameters, json["summary"] as JsonObject);
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

    /// <summary>Reads one field of model.json; a missing field or a value of the wrong kind is reported by the field's name.</summary>
    private static T Field<T>(JsonObject json, string name, Func<JsonNode, T> read)
    {
        var node = json[name] ?? throw new InvalidDataException($"'{ModelFile}': field '{name}' is missing");
        try
        {
            return read(node);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or NullReferenceException or KeyNotFoundException)
        {
            throw new InvalidDataException($"'{ModelFile}': field '{name}' has an invalid value ({node.ToJsonString()})");
        }
    }

    private static string FileName(int slice, int layer) =>
        string.Create(CultureInfo.InvariantCulture, $"slice{slice:000}_layer{layer}.npy");

    /// <summary>Writes text to a temporary file in the same folder, then renames it into place (<see cref="AtomicFile"/>).</summary>
    public static void WriteAtomic(string path, string text) => AtomicFile.WriteAllText(path, text);
}
