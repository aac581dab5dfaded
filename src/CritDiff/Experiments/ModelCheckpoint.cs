using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Persistence;

namespace CritDiff.Experiments;

/// <summary>
/// The one checkpoint format of every trained network (docs/checkpoint.md): a folder with <c>model.json</c> (format
/// "critdiff-score-model" version 2: the real target, lattice, n, process, network, basis, training mode, slice times,
/// file list, run summary) and one 1-D float64 <c>.npy</c> per slice and parameter array (<c>slice000_array0.npy</c>). A
/// time-conditioned network (issue 22) is written as version 3: one raw parameter set (<c>slice000_array{i}.npy</c>), its
/// moving average (<c>ema_array{i}.npy</c>), the EMA decay and the time range it was trained on; per-slice networks stay
/// version 2, byte for byte as before.
/// Files are written atomically. <see cref="Load(string)"/> also reads, read-only, the two formats written before issue 21:
/// "critdiff-checkpoint" v1 (moment training: a Gaussian field, or the free-field stand-in of a finite-n target) and
/// "critdiff-score-model" v1 (training on samples). Loading checks everything and throws
/// <see cref="InvalidDataException"/> naming the file and field at fault.
/// </summary>
public static class ModelCheckpoint
{
    /// <summary>Format tag written to model.json.</summary>
    public const string Format = "critdiff-score-model";

    /// <summary>Current format version of per-slice networks.</summary>
    public const int Version = 2;

    /// <summary>Format version of a time-conditioned network (one parameter set for every t, with its moving average).</summary>
    public const int ConditionedVersion = 3;

    /// <summary>The tag of the linear checkpoints of moment training before issue 21 (version 1, read only).</summary>
    public const string LegacyLinearFormat = "critdiff-checkpoint";

    private const string ModelFile = "model.json";

    /// <summary>Which layout a model.json has.</summary>
    private enum Layout
    {
        Current,
        Conditioned,
        LegacySamples,
        LegacyLinear,
    }

    /// <summary>Writes the model into <paramref name="directory"/> (created if needed) in the current format.</summary>
    public static void Save(string directory, TrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(directory);
        if (model.IsTimeConditioned)
        {
            SaveConditioned(directory, model);
            return;
        }
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
        var lattice = model.Target.Lattice;
        var json = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["target"] = JsonFormats.SerializeToNode(ModelDescription.Of(model.Target)),
            ["lattice"] = new JsonObject { ["d"] = lattice.Dimension, ["L"] = lattice.Length },
            ["n"] = model.Components,
            ["schedule"] = model.Process.Name,
            ["arch"] = model.Spec.Name,
            ["basis"] = model.Spec is LinearModelSpec linear ? linear.Basis.ToString().ToLowerInvariant() : null,
            ["mode"] = model.Mode,
            ["parameters_per_slice"] = model.Spec.ParameterCount(lattice, model.Components),
            ["times"] = new JsonArray(model.Times.Select(t => (JsonNode?)t).ToArray()),
            ["files"] = files,
            ["summary"] = model.Summary?.DeepClone(),
        };
        Checkpoint.WriteAtomic(Path.Combine(directory, ModelFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Checkpoint.RemoveUnlistedArrays(directory, files);
    }

    /// <summary>
    /// Version 3: the raw weights as slice 0 (<c>files</c>: one list), the averaged ones as <c>ema_files</c> (null when no
    /// average was kept), <c>ema_decay</c>, <c>time_conditioned</c> and <c>t_range</c> [t_min, T] in place of <c>times</c>.
    /// </summary>
    private static void SaveConditioned(string directory, TrainedModel model)
    {
        JsonArray Write(NetworkParameters parameters, string prefix)
        {
            var arrays = new JsonArray();
            for (int i = 0; i < parameters.Layers.Length; i++)
            {
                string name = string.Create(CultureInfo.InvariantCulture, $"{prefix}_array{i}.npy");
                NpyFile.Write(Path.Combine(directory, name), parameters.Layers[i], [parameters.Layers[i].Length]);
                arrays.Add((JsonNode)name);
            }
            return arrays;
        }
        var files = new JsonArray(Write(model.Parameters[0], "slice000"));
        var average = model.EmaParameters is { } ema ? new JsonArray(Write(ema, "ema")) : null;
        var lattice = model.Target.Lattice;
        var json = new JsonObject
        {
            ["format"] = Format,
            ["version"] = ConditionedVersion,
            ["target"] = JsonFormats.SerializeToNode(ModelDescription.Of(model.Target)),
            ["lattice"] = new JsonObject { ["d"] = lattice.Dimension, ["L"] = lattice.Length },
            ["n"] = model.Components,
            ["schedule"] = model.Process.Name,
            ["arch"] = model.Spec.Name,
            ["basis"] = null,
            ["mode"] = model.Mode,
            ["time_conditioned"] = true,
            ["parameters_per_slice"] = model.Spec.ParameterCount(lattice, model.Components),
            ["t_range"] = new JsonArray(model.Times[0], model.Times[1]),
            ["ema_decay"] = model.EmaDecay,
            ["files"] = files,
            ["ema_files"] = average,
            ["summary"] = model.Summary?.DeepClone(),
        };
        Checkpoint.WriteAtomic(Path.Combine(directory, ModelFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Checkpoint.RemoveUnlistedArrays(directory, files);
        RunFolderFiles.RemoveUnlisted(directory, "ema_*.npy", average?.SelectMany(list => list!.AsArray()).Select(n => (string)n!) ?? []);
    }

    /// <summary>Reads a model folder of the current format or of either format written before issue 21.</summary>
    public static TrainedModel Load(string directory) => Load(directory, ScoreModelSpec.Parse);

    /// <summary>
    /// <see cref="Load(string)"/> with the network names read by <paramref name="parse"/> (tests: a network outside the
    /// catalog).
    /// </summary>
    internal static TrainedModel Load(string directory, Func<string, ScoreModelSpec> parse) =>
        Checkpoint.LoadModelJson(directory, (folder, json) => Parse(folder, json, parse));

    private static TrainedModel Parse(string directory, JsonObject json, Func<string, ScoreModelSpec> parseSpec)
    {
        string file = Path.Combine(directory, ModelFile);
        string? format = json["format"] is JsonValue tag && tag.TryGetValue(out string? text) ? text : null;
        if (format is not (Format or LegacyLinearFormat))
            throw new InvalidDataException($"'{file}' is not a CritDiff model file (format {json["format"]?.ToJsonString() ?? "missing"}; expected {Format})");
        int version = Field(file, json, "version", n => (int)n);
        var layout = (format, version) switch
        {
            (Format, Version) => Layout.Current,
            (Format, ConditionedVersion) => Layout.Conditioned,
            (Format, 1) => Layout.LegacySamples,
            (LegacyLinearFormat, 1) => Layout.LegacyLinear,
            _ => throw new InvalidDataException($"'{file}': unknown format version {version} (this build reads {Format} 1, {Version} and {ConditionedVersion}, {LegacyLinearFormat} 1)"),
        };
        var target = layout == Layout.LegacyLinear ? LegacyGaussianTarget(file, json) : Target(file, json, layout);
        var process = Field(file, json, "schedule", n => ForwardProcess.Parse((string)n!));
        var spec = Field(file, json, "arch", n =>
        {
            var parsed = parseSpec((string)n!);
            parsed.Validate(target.Lattice);
            return parsed;
        });
        if (spec is LinearModelSpec linear && json["basis"] is not null)
            spec = linear with { Basis = Field(file, json, "basis", n => Enum.Parse<ParameterBasis>((string)n!, ignoreCase: true)) };
        string mode = layout switch
        {
            Layout.Current or Layout.Conditioned => Field(file, json, "mode", n => TrainedModel.Modes.Contains((string)n!) ? (string)n! : throw new FormatException("unknown mode")),
            Layout.LegacySamples => "samples",
            // Moment training recorded its mode in the run summary only.
            _ => json["summary"]?["mode"] is JsonValue m && m.TryGetValue(out string? stored) && stored is "empirical" ? "empirical" : "population",
        };
        if (spec.IsTimeConditioned != (layout == Layout.Conditioned))
            throw new InvalidDataException(spec.IsTimeConditioned
                ? $"'{file}': field 'arch' ({spec.Name}) is a time-conditioned network, but version {version} stores per-slice networks (version {ConditionedVersion} stores time-conditioned ones)"
                : $"'{file}': field 'arch' ({spec.Name}) is a per-slice network, but version {version} stores a time-conditioned one");
        if (layout == Layout.Conditioned) return ParseConditioned(directory, file, json, target, process, spec, mode);
        var times = Field(file, json, "times", n => n.AsArray().Select(t => (double)t!).ToArray());
        if (times.Length == 0 || times.Any(t => !(t > 0 && double.IsFinite(t))))
            throw new InvalidDataException($"'{file}': field 'times' must hold diffusion times > 0");
        var parameters = ReadParameters(directory, file, json, spec, target, times.Length);
        // After the arrays, whose lengths name the file at fault when the architecture was edited.
        if (layout != Layout.LegacyLinear) CheckParameterCount(file, json, spec, target);
        CheckSummaryObservables(file, json);
        return new TrainedModel(target, process, spec, mode, times, parameters, json["summary"] as JsonObject);
    }

    /// <summary>The rest of a version 3 folder: the time range, the raw and the averaged weights, the EMA decay.</summary>
    private static TrainedModel ParseConditioned(string directory, string file, JsonObject json, LatticeModel target, ForwardProcess process,
        ScoreModelSpec spec, string mode)
    {
        if (mode != "samples") throw new InvalidDataException($"'{file}': field 'mode' is '{mode}'; a time-conditioned network trains on samples only");
        var range = Field(file, json, "t_range", n => n.AsArray().Select(t => (double)t!).ToArray());
        if (range.Length != 2 || !(range[0] > 0 && range[1] > range[0] && double.IsFinite(range[1])))
            throw new InvalidDataException($"'{file}': field 't_range' must be [t_min, T] with 0 < t_min < T");
        double decay = Field(file, json, "ema_decay", n => (double)n);
        if (!(decay >= 0 && decay < 1)) throw new InvalidDataException($"'{file}': field 'ema_decay' must be in [0, 1) (got {decay})");
        var raw = ReadParameters(directory, file, json, spec, target, 1)[0];
        NetworkParameters? average = null;
        if (json["ema_files"] is null != (decay == 0))
            throw new InvalidDataException($"'{file}': field 'ema_files' must list the averaged weights when 'ema_decay' > 0 and be null when it is 0");
        if (decay > 0) average = ReadParameters(directory, file, json, spec, target, 1, "ema_files")[0];
        CheckParameterCount(file, json, spec, target);
        CheckSummaryObservables(file, json);
        return TrainedModel.TimeConditioned(target, process, spec, range[0], range[1], raw, average, decay, json["summary"] as JsonObject);
    }

    private static void CheckParameterCount(string file, JsonObject json, ScoreModelSpec spec, LatticeModel target)
    {
        long count = spec.ParameterCount(target.Lattice, target.Components);
        if (json["parameters_per_slice"] is not JsonValue stored || !stored.TryGetValue(out long storedCount) || storedCount != count)
            throw new InvalidDataException($"'{file}': field 'parameters_per_slice' is {json["parameters_per_slice"]?.ToJsonString() ?? "missing"}; " +
                                           $"{spec.Name} on {target.Lattice} with n = {target.Components} has {count}");
    }

    private static List<NetworkParameters> ReadParameters(string directory, string file, JsonObject json, ScoreModelSpec spec,
        LatticeModel target, int slices, string key = "files")
    {
        var model = spec.Create(target.Lattice, target.Components);
        var files = Field(file, json, key, n => n.AsArray());
        if (files.Count != slices) throw new InvalidDataException($"'{file}': field '{key}' has {files.Count} file lists; {slices} expected");
        var parameters = new List<NetworkParameters>();
        for (int j = 0; j < slices; j++)
        {
            var p = model.CreateParameters();
            var arrays = files[j] as JsonArray ?? throw new InvalidDataException($"'{file}': field '{key}[{j}]' must be a list of file names");
            if (arrays.Count != p.Layers.Length)
                throw new InvalidDataException($"'{file}': field '{key}[{j}]' lists {arrays.Count} arrays, {spec.Name} has {p.Layers.Length}");
            for (int i = 0; i < p.Layers.Length; i++)
                Checkpoint.ReadParameterArray(Path.Combine(directory, Path.GetFileName((string)arrays[i]!)), p.Layers[i],
                    $"{spec.Name} on {target.Lattice} with n = {target.Components}");
            parameters.Add(p);
        }
        return parameters;
    }

    /// <summary>
    /// The target of the score-model formats: version 2 rebuilds a Gaussian field exactly as it was made (the coupling its
    /// parameterisation gave is the stored one, the other follows from the gap equation again); version 1 rebuilt every
    /// Gaussian field from mu2 (<see cref="ModelDescription.Build"/>), and its folders still load that way.
    /// </summary>
    private static LatticeModel Target(string file, JsonObject json, Layout layout)
    {
        var description = Field(file, json, "target", n => JsonFormats.Deserialize<ModelDescription>(n)!);
        var target = Field(file, json, "target", _ => layout is Layout.Current or Layout.Conditioned && description.Kind == "gaussian" ? Gaussian(description) : description.Build());
        CheckTarget(file, json, description, target, layout);
        if (layout is Layout.Current or Layout.Conditioned)
        {
            var lattice = Field(file, json, "lattice", n => new Lattice((int)n["d"]!, (int)n["L"]!));
            if (lattice != target.Lattice)
                throw new InvalidDataException($"'{file}': field 'lattice' ({lattice}) differs from field 'target' ({target.Lattice}): the file was edited");
        }
        return target;
    }

    private static GaussianField Gaussian(ModelDescription description)
    {
        var lattice = description.Lattice;
        double mu2 = description.MassSquared ?? throw new InvalidDataException("the model description has no mu2");
        var field = description.FreeField == true ? GaussianField.FreeField(lattice, mu2)
            : description.Parameterisation is "beta" or "critical"
                ? GaussianField.AtBeta(lattice, description.Beta ?? throw new InvalidDataException("the model description has no beta"))
                : GaussianField.AtMassSquared(lattice, mu2);
        return field with { Parameterisation = description.Parameterisation ?? field.Parameterisation };
    }

    /// <summary>The Gaussian field of a "critdiff-checkpoint" v1 folder (field 'lattice' and 'model'), rebuilt as that format's reader did.</summary>
    private static GaussianField LegacyGaussianTarget(string file, JsonObject json)
    {
        var lattice = Field(file, json, "lattice", n => new Lattice((int)n["d"]!, (int)n["L"]!));
        var m = Field(file, json, "model", n => n.AsObject());
        double beta = Field(file, m, "beta", n => (double)n), mu2 = Field(file, m, "mu2", n => (double)n);
        if (!(beta > 0 && double.IsFinite(beta) && mu2 > 0 && double.IsFinite(mu2)))
            throw new InvalidDataException($"'{file}': field 'model' has beta = {beta} and mu2 = {mu2}; both must be > 0 and finite");
        // "free_field" was "gff" before the JSON keys were unified (docs/json.md)
        bool free = Field(file, m, m.ContainsKey("free_field") ? "free_field" : "gff", n => (bool)n);
        var field = free ? GaussianField.FreeField(lattice, mu2) : GaussianField.AtBeta(lattice, beta);
        if (Math.Abs(field.MassSquared / mu2 - 1) > 1e-10)
            throw new InvalidDataException($"'{file}': stored mu2 {mu2} does not solve the gap equation at beta {beta}");
        return field with { Parameterisation = (string?)m["parameterisation"] ?? field.Parameterisation };
    }

    /// <summary>
    /// The run summary's training-data observables (<c>summary.data.observables.NAME.value</c> and <c>.error</c>, read by
    /// generate for the reference and --t-max auto) must be numbers or null (the writer stores a non-finite value as null);
    /// each level an object or null. Anything else ("NaN" as a string, a number where an object belongs) is refused naming
    /// the field, so readers of <see cref="TrainedModel.Summary"/> can cast without a try.
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
                if (value is not null && !(value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double _)))
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
            throw new InvalidDataException($"'{file}': field '{name}' has an invalid value ({Shown(node)}): {e.Message.Split(" (Parameter")[0].Split('\n')[0]}");
        }
    }

    /// <summary>
    /// The target must agree with every other place model.json states it: the top-level n, the description text written
    /// with it, the run summary's copy (training on samples: a model description), and (Gaussian) the gap equation linking
    /// the stored beta to mu2. An edited field (L 8 -> 16 on a convolution, whose arrays do not depend on L; n 1 -> 2) is
    /// refused naming it.
    /// </summary>
    private static void CheckTarget(string file, JsonObject json, ModelDescription description, LatticeModel target, Layout layout)
    {
        if (json["n"] is not JsonValue n || !n.TryGetValue(out int components) || components != target.Components)
            throw new InvalidDataException($"'{file}': field 'n' is {json["n"]?.ToJsonString() ?? "missing"}; field 'target' has n = {target.Components}");
        // The description text rounds couplings; its lattice part is exact.
        if (description.Description is { } text && !text.Contains(target.Lattice.ToString(), StringComparison.Ordinal))
            throw new InvalidDataException($"'{file}': field 'target' (d = {target.Lattice.Dimension}, L = {target.Lattice.Length}) does not match its own description '{text}': the file was edited");
        bool samples = layout == Layout.LegacySamples || json["mode"] is JsonValue mode && mode.TryGetValue(out string? name) && name == "samples";
        if (samples && json["summary"] is JsonObject summary && summary["model"] is JsonObject copy
            && JsonFormats.Deserialize<ModelDescription>(copy) is { } trained && trained.Mismatch(target) is not null)
            throw new InvalidDataException($"'{file}': field 'target' ({target.Describe()}) differs from 'summary.model', the model that was trained ({trained.Description ?? trained.Kind}): the file was edited");
        if (target is GaussianField g && description.Beta is { } beta && Math.Abs(g.Beta / beta - 1) > 1e-10)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"'{file}': field 'target.beta' = {beta:R} does not solve the gap equation with target.mu2 = {g.MassSquared:R} (beta = {g.Beta:R})"));
        if (target is GaussianField h && description.MassSquared is { } mu2 && Math.Abs(h.MassSquared / mu2 - 1) > 1e-10)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"'{file}': field 'target.mu2' = {mu2:R} does not solve the gap equation with target.beta = {h.Beta:R} (mu2 = {h.MassSquared:R})"));
    }
}
