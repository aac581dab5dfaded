using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Persistence;

namespace CritDiff.Experiments;

/// <summary>
/// The one writer of a training run folder (<see cref="TrainingRun"/> and <see cref="SampleTrainingRun"/>): config.json,
/// one history CSV per slice (history_slice000.csv, ...; the columns are the trainer's), the checkpoint/ folder and
/// summary.json last, each atomically. A failed write leaves no half folder behind (<see cref="Abandon"/>).
/// </summary>
public static class TrainingRunFolder
{
    /// <summary>
    /// Throws <see cref="InvalidDataException"/> when <paramref name="dir"/> holds another kind of run: a config.json that
    /// train did not write (a sweep's, a critical-point search's, an unreadable one). Training would overwrite its
    /// config.json and summary.json and leave the folder unusable for both (issue 24).
    /// </summary>
    public static void CheckIsTrainingFolder(string dir)
    {
        string path = Path.Combine(dir, "config.json");
        if (!File.Exists(path)) return;
        string? command = null;
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject config && config["command"] is JsonValue value && value.TryGetValue(out string? text))
                command = text;
        }
        catch (JsonException)
        {
            // Unreadable: not a training run this tool can vouch for.
        }
        if (command is null || !command.StartsWith("train", StringComparison.Ordinal))
            throw new InvalidDataException($"'{dir}' holds another kind of run (its config.json was not written by train): use another folder, or delete it to start over");
    }

    /// <summary>
    /// Writes <paramref name="config"/> (when given, creating the folder; a linear run wrote it before training), the histories (one CSV of
    /// <paramref name="header"/> and <paramref name="rows"/> per slice; those of an earlier run with more slices are
    /// removed), the checkpoint through <paramref name="saveCheckpoint"/> (given the checkpoint folder) and
    /// <paramref name="summary"/>. An <see cref="IOException"/> abandons the folder, then propagates.
    /// </summary>
    public static void Write(string dir, JsonObject? config, string header, IReadOnlyList<IEnumerable<string>> rows,
        Action<string> saveCheckpoint, JsonObject summary)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(saveCheckpoint);
        ArgumentNullException.ThrowIfNull(summary);
        try
        {
            if (config is not null)
            {
                Directory.CreateDirectory(dir);
                Checkpoint.WriteAtomic(Path.Combine(dir, "config.json"), JsonFiles.ToFileText(config));
            }
            var histories = new List<string>();
            for (int j = 0; j < rows.Count; j++)
            {
                var csv = new StringBuilder(header).Append('\n');
                foreach (string row in rows[j])
                    csv.Append(row).Append('\n');
                histories.Add($"history_slice{j:000}.csv");
                Checkpoint.WriteAtomic(Path.Combine(dir, histories[^1]), csv.ToString());
            }
            // An earlier run in this folder with more slices left its histories: they are not this run's.
            RunFolderFiles.RemoveUnlisted(dir, "history_slice*.csv", histories);
            saveCheckpoint(Path.Combine(dir, "checkpoint"));
            Checkpoint.WriteAtomic(Path.Combine(dir, "summary.json"), JsonFiles.ToFileText(summary));
        }
        catch (IOException)
        {
            Abandon(dir);
            throw;
        }
    }

    /// <summary>
    /// Removes what a failed write left in a training run folder (config, spectrum, histories, a partial checkpoint,
    /// summary), and the folder itself when that empties it, so that no half folder looks like a finished run. Finished
    /// slices stored for resumption (<see cref="SampleSliceStore"/>) are complete files: they stay, with the config.json
    /// that a resumed run is checked against.
    /// </summary>
    public static void Abandon(string dir)
    {
        try
        {
            bool resumable = SampleSliceStore.HasSlices(dir);
            foreach (string name in resumable ? new[] { "spectrum.npy", "summary.json" } : new[] { "config.json", "spectrum.npy", "summary.json" })
                File.Delete(Path.Combine(dir, name));
            foreach (string file in Directory.EnumerateFiles(dir, "history_slice*.csv"))
                File.Delete(file);
            string checkpoint = Path.Combine(dir, "checkpoint");
            if (Directory.Exists(checkpoint)) Directory.Delete(checkpoint, recursive: true);
            if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original failure is what the user needs to see.
        }
    }
}
