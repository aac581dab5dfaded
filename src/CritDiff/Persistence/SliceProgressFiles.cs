using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Networks;
using CritDiff.Training;
using static CritDiff.Persistence.SampleSliceStore;

namespace CritDiff.Persistence;

/// <summary>The files behind <see cref="SampleSliceStore.Progress"/>: reference-run outcomes and run snapshots in a run folder's slices/.</summary>
internal sealed class SliceProgressFiles(string runFolder, TimeSpan interval) : ISliceProgressStore
{
    private string Folder => Path.Combine(runFolder, FolderName);

    private string PathOf(string name) => Path.Combine(Folder, name);

    private static string ReferenceName(int slice, int run) => string.Create(CultureInfo.InvariantCulture, $"slice{slice:000}_reference{run}.json");

    private static string SnapshotName(int slice, string run) => string.Create(CultureInfo.InvariantCulture, $"slice{slice:000}_{run}.snapshot");

    public TimeSpan SnapshotInterval => interval;

    public (double Lowest, bool Diverged)? FindReference(int slice, int run)
    {
        string path = PathOf(ReferenceName(slice, run));
        if (!File.Exists(path)) return null;
        var json = ReadJson(path, "that reference run");
        try
        {
            return (Double(json["lowest"]), (bool)json["diverged"]!);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw Damaged(path, e, "that reference run");
        }
    }

    public void KeepReference(int slice, int run, (double Lowest, bool Diverged) outcome)
    {
        Directory.CreateDirectory(Folder);
        var json = new JsonObject { ["lowest"] = Number(outcome.Lowest), ["diverged"] = outcome.Diverged };
        AtomicFile.WriteAllText(PathOf(ReferenceName(slice, run)), json.ToJsonString() + "\n");
        RemoveSnapshots(runFolder, SnapshotName(slice, string.Create(CultureInfo.InvariantCulture, $"reference{run}")));
    }

    public RunSnapshot? FindSnapshot(int slice, string run)
    {
        string name = SnapshotName(slice, run), path = PathOf(name + ".json");
        if (!File.Exists(path)) return null;
        var json = ReadJson(path, "that run from its start");
        try
        {
            int step = (int)json["step"]!;
            NetworkParameters Arrays(string kind, int count)
            {
                var data = Enumerable.Range(0, count).Select(i => NpyFile.Read(PathOf(ArrayName(name, step, kind, i))).Data).ToArray();
                var arrays = new NetworkParameters(data.Select(d => d.Length).ToArray());
                for (int i = 0; i < count; i++) data[i].CopyTo(arrays.Layers[i], 0);
                return arrays;
            }
            int layers = (int)json["layers"]!, buffers = (int)json["buffers"]!;
            return new RunSnapshot(step, Arrays("p", layers),
                Enumerable.Range(0, buffers).Select(b => Arrays(string.Create(CultureInfo.InvariantCulture, $"b{b}"), layers)).ToArray(),
                (long)json["optimizer_steps"]!, json["random_state"]!.AsArray().Select(w => ulong.Parse((string)w!, CultureInfo.InvariantCulture)).ToArray(),
                History(json["history"]), Double(json["lowest"]), Double(json["threshold"]));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or IOException or InvalidDataException)
        {
            throw Damaged(path, e, "that run from its start");
        }
    }

    public void KeepSnapshot(int slice, string run, RunSnapshot snapshot)
    {
        Directory.CreateDirectory(Folder);
        string name = SnapshotName(slice, run);
        void Write(string kind, NetworkParameters p)
        {
            for (int i = 0; i < p.Layers.Length; i++)
                NpyFile.Write(PathOf(ArrayName(name, snapshot.Step, kind, i)), p.Layers[i], [p.Layers[i].Length]);
        }
        Write("p", snapshot.Parameters);
        for (int b = 0; b < snapshot.OptimizerBuffers.Length; b++) Write(string.Create(CultureInfo.InvariantCulture, $"b{b}"), snapshot.OptimizerBuffers[b]);
        var json = new JsonObject
        {
            ["step"] = snapshot.Step, ["layers"] = snapshot.Parameters.Layers.Length, ["buffers"] = snapshot.OptimizerBuffers.Length,
            ["optimizer_steps"] = snapshot.OptimizerSteps,
            ["random_state"] = new JsonArray(snapshot.RandomState.Select(w => (JsonNode?)w.ToString(CultureInfo.InvariantCulture)).ToArray()),
            ["lowest"] = Number(snapshot.Lowest), ["threshold"] = Number(snapshot.Threshold), ["history"] = History(snapshot.History),
        };
        AtomicFile.WriteAllText(PathOf(name + ".json"), json.ToJsonString() + "\n");
        // The arrays of earlier snapshots of this run: the JSON now points at this step's.
        string current = ArrayName(name, snapshot.Step, "", 0)[..^"-0.npy".Length];
        foreach (string file in Directory.GetFiles(Folder, name + "-s*.npy"))
            if (!Path.GetFileName(file).StartsWith(current + "-", StringComparison.Ordinal)) File.Delete(file);
    }

    private static string ArrayName(string snapshot, int step, string kind, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{snapshot}-s{step}{(kind.Length > 0 ? "-" + kind : "")}-{index}.npy");

    private static JsonObject ReadJson(string path, string rerun)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        {
            throw Damaged(path, e, rerun);
        }
    }

    private static InvalidDataException Damaged(string path, Exception e, string rerun) =>
        new($"'{path}' is damaged ({e.Message.Split('\n')[0]}); delete it to rerun {rerun}");
}
