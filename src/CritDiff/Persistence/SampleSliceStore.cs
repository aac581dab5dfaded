using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Persistence;

/// <summary>
/// The finished slices of a run of <see cref="Experiments.SampleTrainingRun"/> in its folder, so that an interrupted run resumes:
/// <c>slices/slice{j}_array{i}.npy</c> (the trained parameters, float64, bit-exact) and <c>slices/slice{j}.json</c> (every
/// other field of the <see cref="SliceResult"/> and its history; doubles in shortest round-trip form, so they read
/// back bit-identical), the JSON written last and atomically: a slice is finished when its JSON exists; and, for a slice
/// still training, its finished reference runs and snapshots of its runs (<see cref="Progress"/>). Slices are trained
/// from streams keyed by their index alone, so a reused slice is the one an uninterrupted run would have trained.
/// </summary>
public static class SampleSliceStore
{
    /// <summary>The subfolder of the run folder that holds the finished slices.</summary>
    public const string FolderName = "slices";

    /// <summary>Keys of config.json that may differ between a run and its resumption (they do not change results).</summary>
    public static readonly IReadOnlySet<string> IgnoredConfigKeys = new HashSet<string>(StringComparer.Ordinal) { "command" };

    /// <summary>True when <paramref name="runFolder"/> holds at least one finished slice or reference run.</summary>
    public static bool HasSlices(string runFolder) =>
        Directory.Exists(Path.Combine(runFolder, FolderName)) && Directory.EnumerateFiles(Path.Combine(runFolder, FolderName), "slice*.json").Any();

    /// <summary>
    /// The first top-level key whose value differs between an existing config.json and the one of this run (a key on one
    /// side only counts), skipping <see cref="IgnoredConfigKeys"/>; null when they agree.
    /// </summary>
    public static string? ConfigDifference(JsonObject existing, JsonObject wanted)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(wanted);
        foreach (string key in wanted.Select(p => p.Key).Concat(existing.Select(p => p.Key)).Distinct(StringComparer.Ordinal))
        {
            if (IgnoredConfigKeys.Contains(key)) continue;
            if (!existing.ContainsKey(key) || !wanted.ContainsKey(key)) return key;
            if (!JsonNode.DeepEquals(existing[key], wanted[key])) return key;
        }
        return null;
    }

    /// <summary>Writes slice <paramref name="slice"/>'s result: its arrays first, then its JSON (the mark that it is finished).</summary>
    public static void Save(string runFolder, int slice, SliceResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var details = result.Samples ?? throw new ArgumentException("only slices trained on samples are kept", nameof(result));
        string folder = Path.Combine(runFolder, FolderName);
        Directory.CreateDirectory(folder);
        var layers = result.Parameters.Layers;
        for (int i = 0; i < layers.Length; i++)
            NpyFile.Write(Path.Combine(folder, ArrayName(slice, i)), layers[i], [layers[i].Length]);
        var json = new JsonObject
        {
            ["slice"] = slice, ["time"] = Number(result.Time), ["steps_to_eps"] = result.StepsToEps, ["steps_run"] = result.StepsRun,
            ["converged"] = result.Converged, ["diverged"] = result.Diverged,
            ["initial_validation_loss"] = Number(details.InitialValidationLoss), ["final_validation_loss"] = Number(details.FinalValidationLoss),
            ["initial_excess"] = Number(result.InitialExcess), ["final_excess"] = Number(result.FinalExcess),
            ["reference_loss"] = details.ReferenceLoss is { } r ? Number(r) : null,
            ["reference_uncertainty"] = details.ReferenceUncertainty is { } u ? Number(u) : null,
            ["reference_runs_diverged"] = details.ReferenceRunsDiverged, ["lr"] = Number(result.LearningRate),
            ["lr_rule"] = result.LearningRateRule, ["stopping_rule"] = details.StoppingRule, ["arrays"] = layers.Length,
            ["reference_steps"] = details.ReferenceSteps, ["reference_drift"] = details.ReferenceDrift is { } d ? Number(d) : null,
            ["reference_converged"] = details.ReferenceConverged,
            ["history"] = History(result.History),
        };
        AtomicFile.WriteAllText(JsonPath(runFolder, slice), json.ToJsonString() + "\n");
        RemoveSnapshots(runFolder, string.Create(CultureInfo.InvariantCulture, $"slice{slice:000}_")); // the slice is finished
    }

    /// <summary>
    /// Reads finished slice <paramref name="slice"/> at <paramref name="time"/> for a model shaped like
    /// <paramref name="model"/>; null when it is not finished. A damaged or mismatched file is an
    /// <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static SliceResult? Load(string runFolder, int slice, double time, ScoreModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string path = JsonPath(runFolder, slice);
        if (!File.Exists(path)) return null;
        SliceResult stored;
        int arrays;
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException("empty");
            if ((int)json["slice"]! != slice || Double(json["time"]).CompareTo(time) != 0)
                throw new InvalidDataException($"it is not slice {slice} at t = {time.ToString("R", CultureInfo.InvariantCulture)}");
            arrays = (int)json["arrays"]!;
            int stepsRun = (int)json["steps_run"]!;
            stored = new SliceResult
            {
                Time = time,
                Steps = (int?)json["steps_to_eps"] ?? stepsRun,
                StepsRun = stepsRun,
                Converged = (bool)json["converged"]!,
                Diverged = (bool)json["diverged"]!,
                InitialExcess = Double(json["initial_excess"]),
                FinalExcess = Double(json["final_excess"]),
                LearningRate = Double(json["lr"]),
                LearningRateRule = (string)json["lr_rule"]!,
                History = History(json["history"]),
                Parameters = model.CreateParameters(),
                Samples = new SampleSliceDetails
                {
                    InitialValidationLoss = Double(json["initial_validation_loss"]),
                    FinalValidationLoss = Double(json["final_validation_loss"]),
                    ReferenceLoss = json["reference_loss"] is { } r ? Double(r) : null,
                    ReferenceUncertainty = json["reference_uncertainty"] is { } u ? Double(u) : null,
                    ReferenceRunsDiverged = (int)json["reference_runs_diverged"]!,
                    StoppingRule = (string)json["stopping_rule"]!,
                    ReferenceSteps = (int?)json["reference_steps"],
                    ReferenceDrift = json["reference_drift"] is { } d ? Double(d) : null,
                    ReferenceConverged = (bool?)json["reference_converged"],
                },
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException or InvalidDataException)
        {
            throw new InvalidDataException($"'{path}' is damaged ({e.Message.Split('\n')[0]}); delete it to retrain slice {slice}");
        }
        var parameters = stored.Parameters;
        if (arrays != parameters.Layers.Length)
            throw new InvalidDataException($"'{path}' lists {arrays} arrays; the model has {parameters.Layers.Length}; delete it to retrain slice {slice}");
        for (int i = 0; i < parameters.Layers.Length; i++)
        {
            string file = Path.Combine(runFolder, FolderName, ArrayName(slice, i));
            NpyArray array;
            try
            {
                array = NpyFile.Read(file);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                throw new InvalidDataException($"'{file}': {e.Message.Split('\n')[0]}; delete '{path}' to retrain slice {slice}");
            }
            if (array.Data.Length != parameters.Layers[i].Length)
                throw new InvalidDataException($"'{file}' holds {array.Data.Length} values; the model needs {parameters.Layers[i].Length}; delete '{path}' to retrain slice {slice}");
            array.Data.CopyTo(parameters.Layers[i], 0);
        }
        return stored;
    }

    /// <summary>
    /// A double as JSON: a number (shortest round-trip text, read back bit-identical), null for NaN (as in every other
    /// JSON file, <see cref="FiniteOrNullConverter"/>), and the strings "Infinity" / "-Infinity", which JSON has no number
    /// for: the lowest loss of a run that never evaluated a finite loss is +infinity and must resume as such.
    /// </summary>
    internal static JsonNode? Number(double x) =>
        double.IsFinite(x) ? JsonValue.Create(x) : double.IsNaN(x) ? null : JsonValue.Create(x.ToString(CultureInfo.InvariantCulture));

    /// <summary>Reads <see cref="Number"/>: null as NaN; also the string "NaN" of files written before.</summary>
    internal static double Double(JsonNode? node) => node is null ? double.NaN
        : node.GetValueKind() == JsonValueKind.String ? double.Parse((string)node!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : (double)node;

    /// <summary>
    /// The progress of <paramref name="runFolder"/>'s slices that are still training (<see cref="ISliceProgressStore"/>):
    /// <c>slices/slice{j}_reference{r}.json</c> per finished reference run, and per run in progress a snapshot every
    /// <paramref name="snapshotInterval"/>: <c>slice{j}_{run}.snapshot.json</c> (written last, atomically) and its arrays
    /// <c>slice{j}_{run}.snapshot-s{step}-{p|b}....npy</c> (named by step, so the JSON never points at a newer array).
    /// </summary>
    public static ISliceProgressStore Progress(string runFolder, TimeSpan snapshotInterval) => new SliceProgressFiles(runFolder, snapshotInterval);

    /// <summary>Wall time between snapshots of a long run in the CLI's run folders.</summary>
    public static readonly TimeSpan DefaultSnapshotInterval = TimeSpan.FromMinutes(1);

    /// <summary>Deletes a snapshot's JSON and arrays (<paramref name="name"/>: slice{j}_{run}.snapshot, or slice{j}_ for all runs of a slice).</summary>
    internal static void RemoveSnapshots(string runFolder, string name)
    {
        string folder = Path.Combine(runFolder, FolderName);
        if (!Directory.Exists(folder)) return;
        foreach (string file in Directory.GetFiles(folder, name + "*"))
            if (Path.GetFileName(file).Contains(".snapshot", StringComparison.Ordinal)) File.Delete(file);
    }

    internal static JsonArray History(IEnumerable<HistoryRow> history) =>
        new(history.Select(h => (JsonNode?)new JsonArray(h.Step, Number(h.Loss), Number(h.Excess))).ToArray());

    internal static HistoryRow[] History(JsonNode? node) =>
        node!.AsArray().Select(h => new HistoryRow((int)h![0]!, Double(h[1]), Double(h[2]))).ToArray();

    private static string JsonPath(string runFolder, int slice) =>
        Path.Combine(runFolder, FolderName, string.Create(CultureInfo.InvariantCulture, $"slice{slice:000}.json"));

    private static string ArrayName(int slice, int array) =>
        string.Create(CultureInfo.InvariantCulture, $"slice{slice:000}_array{array}.npy");
}
