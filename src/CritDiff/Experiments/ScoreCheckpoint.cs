using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Networks;
using CritDiff.Persistence;

namespace CritDiff.Experiments;

/// <summary>
/// A score model trained on samples (any <see cref="ScoreModelSpec"/>, linear or nonlinear): the target it was
/// trained for (a Gaussian field, O(n) spins or phi^4), the process, the architecture and one parameter set per
/// time slice, plus the reference observables of the training data where known (for generation to compare with).
/// </summary>
public sealed record ScoreCheckpointModel(LatticeModel Target, ForwardProcess Process, ScoreModelSpec Spec,
    IReadOnlyList<double> Times, IReadOnlyList<NetworkParameters> Parameters, JsonObject? Summary = null)
{
    /// <summary>Field components n.</summary>
    public int Components => Target.Components;

    /// <summary>A fresh per-slice model of this architecture.</summary>
    public ScoreModel CreateModel() => Spec.Create(Target.Lattice, Target.Components);
}

/// <summary>
/// Saves and loads a <see cref="ScoreCheckpointModel"/> as a folder: <c>model.json</c> (format
/// "critdiff-score-model", target model, n, schedule, architecture, slice times, file list, optional run summary)
/// and one 1-D float64 <c>.npy</c> per slice and parameter array (<c>slice000_array0.npy</c>). Files are written
/// atomically; loading checks everything and throws <see cref="InvalidDataException"/> naming the file at fault.
/// The linear checkpoints of population / moment training (<see cref="Checkpoint"/>) are a different format;
/// <see cref="IsScoreCheckpoint"/> tells them apart.
/// </summary>
public static class ScoreCheckpoint
{
    /// <summary>Format tag written to model.json.</summary>
    public const string Format = "critdiff-score-model";

    /// <summary>Current format version.</summary>
    public const int Version = 1;

    private const string ModelFile = "model.json";

    /// <summary>True when <paramref name="directory"/> holds a model.json of this format.</summary>
    public static bool IsScoreCheckpoint(string directory)
    {
        string path = Path.Combine(directory, ModelFile);
        if (!File.Exists(path)) return false;
        try
        {
            return (string?)(JsonNode.Parse(File.ReadAllText(path)) as JsonObject)?["format"] == Format;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Writes the model into <paramref name="directory"/> (created if needed).</summary>
    public static void Save(string directory, ScoreCheckpointModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Parameters.Count != model.Times.Count)
            throw new ArgumentException("one parameter set per time slice is required", nameof(model));
        Directory.CreateDirectory(directory);
        var files = new JsonArray();
        for (int j = 0; j < model.Parameters.Count; j++)
        {
            var arrays = new JsonArray();
            for (int i = 0; i < model.Parameters[j].Layers.Length; i++)
            {
                string name = string.Create(CultureInfo.InvariantCulture, $"slice{j:000}_array{i}.npy");
                var values = model.Parameters[j].Layers[i];
                NpyFile.Write(Path.Combine(directory, name), values, [values.Length]);
                arrays.Add((JsonNode)name);
            }
            files.Add((JsonNode)arrays);
        }
        var json = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["target"] = JsonFormats.SerializeToNode(ModelDescription.Of(model.Target)),
            ["n"] = model.Components,
            ["schedule"] = model.Process.Name,
            ["arch"] = model.Spec.Name,
            ["parameters_per_slice"] = model.Spec.ParameterCount(model.Target.Lattice, model.Components),
            ["times"] = new JsonArray(model.Times.Select(t => (JsonNode?)t).ToArray()),
            ["files"] = files,
            ["summary"] = model.Summary?.DeepClone(),
        };
        Checkpoint.WriteAtomic(Path.Combine(directory, ModelFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Checkpoint.RemoveUnlistedArrays(directory, files);
    }

    /// <summary>Reads a model folder written by <see cref="Save"/>.</summary>
    public static ScoreCheckpointModel Load(string directory) => Checkpoint.LoadModelJson(directory, (folder, json) =>
        (string?)json["format"] == Format
            ? Parse(folder, json)
            : throw new InvalidDataException($"'{Path.Combine(folder, ModelFile)}' is not a {Format} file"));

    private static ScoreCheckpointModel Parse(string directory, JsonObject json)
    {
        string file = Path.Combine(directory, ModelFile);
        int version = Field(file, json, "version", n => (int)n);
        if (version != Version) throw new InvalidDataException($"'{file}': unknown format version {version} (this build reads {Version})");
        var description = Field(file, json, "target", n => JsonFormats.Deserialize<ModelDescription>(n)!);
        var target = Field(file, json, "target", _ => description.Build());
        CheckTarget(file, json, description, target);
        var process = Field(file, json, "schedule", n => ForwardProcess.Parse((string)n!));
        var spec = Field(file, json, "arch", n =>
        {
            var parsed = ScoreModelSpec.Parse((string)n!);
            parsed.Validate(target.Lattice);
            return parsed;
        });
        var times = Field(file, json, "times", n => n.AsArray().Select(t => (double)t!).ToArray());
        if (times.Length == 0 || times.Any(t => !(t > 0 && double.IsFinite(t))))
            throw new InvalidDataException($"'{ModelFile}': field 'times' must hold diffusion times > 0");
        var model = spec.Create(target.Lattice, target.Components);
        var files = Field(file, json, "files", n => n.AsArray());
        if (files.Count != times.Length) throw new InvalidDataException($"'{ModelFile}': {times.Length} times but {files.Count} file lists");
        var parameters = new List<NetworkParameters>();
        for (int j = 0; j < times.Length; j++)
        {
            var p = model.CreateParameters();
            var arrays = files[j]!.AsArray();
            if (arrays.Count != p.Layers.Length)
                throw new InvalidDataException($"'{ModelFile}': slice {j} lists {arrays.Count} arrays, {spec.Name} has {p.Layers.Length}");
            for (int i = 0; i < p.Layers.Length; i++)
                Checkpoint.ReadParameterArray(Path.Combine(directory, Path.GetFileName((string)arrays[i]!)), p.Layers[i],
                    $"{spec.Name} on {target.Lattice} with n = {target.Components}");
            parameters.Add(p);
        }
        // After the arrays, whose lengths name the file at fault when the architecture was edited.
        long count = spec.ParameterCount(target.Lattice, target.Components);
        if (json["parameters_per_slice"] is not JsonValue stored || !stored.TryGetValue(out long storedCount) || storedCount != count)
            throw new InvalidDataException($"'{file}': field 'parameters_per_slice' is {json["parameters_per_slice"]?.ToJsonString() ?? "missing"}; " +
                                           $"{spec.Name} on {target.Lattice} with n = {target.Components} has {count}");
        CheckSummaryObservables(file, json);
        return new ScoreCheckpointModel(target, process, spec, times, parameters, json["summary"] as JsonObject);
    }

    /// <summary>
    /// The run summary's training-data observables (<c>summary.data.observables.NAME.value</c> and <c>.error</c>, read by
    /// generate for the reference and --t-max auto) must be numbers or null (the writer stores a non-finite value as null);
    /// each level an object or null. Anything else ("NaN" as a string, a number where an object belongs) is refused naming
    /// the field, so readers of <see cref="ScoreCheckpointModel.Summary"/> can cast without a try.
    /// </summary>
    private static void CheckSummaryObservables(string file, JsonObject json)
    {
        JsonObject? Object(JsonNode? node, string field) => node switch
        {
            null => null,
            JsonObject o => o,
            _ => throw new InvalidDataException($"'{file}': field '{field}' must be an object or null (got {Shown(node)})"),
        };
        var observables = Object(Object(Object(json["summary"], "summary")?["data"], "summary.data")?["observables"], "summary.data.observables");
        if (observables is null) return;
        foreach (var (name, entry) in observables)
        {
            string field = "summary.data.observables." + name;
            if (Object(entry, field) is not { } values) continue;
            foreach (var (key, value) in values)
                if (value is not null && !(value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number && v.TryGetValue(out double _)))
                    throw new InvalidDataException($"'{file}': field '{field}.{key}' must be a number or null (got {Shown(value)}; a value that is not a number is stored as null)");
        }
    }

    private static string Shown(JsonNode node)
    {
        string shown = node.ToJsonString();
        return shown.Length > 80 ? shown[..80] + "..." : shown;
    }

    /// <summary>Reads one field of model.json; a missing field or a value that does not read is reported by the file and field.</summary>
    private static T Field<T>(string file, JsonObject json, string name, Func<JsonNode, T> read)
    {
        var node = json[name] ?? throw new InvalidDataException($"'{file}': field '{name}' is missing");
        try
        {
            return read(node) ?? throw new InvalidDataException("null");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or NullReferenceException
                                       or KeyNotFoundException or JsonException or InvalidDataException)
        {
            string shown = node.ToJsonString();
            if (shown.Length > 80) shown = shown[..80] + "...";
            throw new InvalidDataException($"'{file}': field '{name}' has an invalid value ({shown}): {e.Message.Split(" (Parameter")[0].Split('\n')[0]}");
        }
    }

    /// <summary>
    /// The target must agree with every other place model.json states it: the top-level n, the description text written
    /// with it, the run summary's copy, and (Gaussian) the gap equation linking the stored beta to mu2. An edited field
    /// (L 8 -> 16 on a convolution, whose arrays do not depend on L; n 1 -> 2) is refused naming it.
    /// </summary>
    private static void CheckTarget(string file, JsonObject json, ModelDescription description, LatticeModel target)
    {
        if (json["n"] is not JsonValue n || !n.TryGetValue(out int components) || components != target.Components)
            throw new InvalidDataException($"'{file}': field 'n' is {json["n"]?.ToJsonString() ?? "missing"}; field 'target' has n = {target.Components}");
        // The description text rounds couplings; its lattice part is exact.
        if (description.Description is { } text && !text.Contains(target.Lattice.ToString(), StringComparison.Ordinal))
            throw new InvalidDataException($"'{file}': field 'target' (d = {target.Lattice.Dimension}, L = {target.Lattice.Length}) does not match its own description '{text}': the file was edited");
        if (json["summary"] is JsonObject summary && summary["model"] is JsonObject copy
            && JsonFormats.Deserialize<ModelDescription>(copy) is { } trained && trained.Mismatch(target) is not null)
            throw new InvalidDataException($"'{file}': field 'target' ({target.Describe()}) differs from 'summary.model', the model that was trained ({trained.Description ?? trained.Kind}): the file was edited");
        if (target is GaussianField g && description.Beta is { } beta && Math.Abs(g.Beta / beta - 1) > 1e-10)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"'{file}': field 'target.beta' = {beta:R} does not solve the gap equation with target.mu2 = {g.MassSquared:R} (beta = {g.Beta:R})"));
    }
}
