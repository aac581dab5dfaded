using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Persistence;
using CritDiff.Training;

namespace CritDiff.Cli;

/// <summary>Writes a training run folder: summary.json, one history CSV per slice, and the checkpoint.</summary>
internal static class RunFolder
{
    public static void Write(string dir, TrainingProblem problem, TrainingResult trained, JsonObject summary)
    {
        var histories = new List<string>();
        for (int j = 0; j < trained.Slices.Count; j++)
        {
            var csv = new StringBuilder("step,loss,excess,score_error\n");
            foreach (var row in trained.Slices[j].History)
                csv.Append(CultureInfo.InvariantCulture, $"{row.Step},{row.Loss:R},{Csv(row.Excess)},{Csv(row.ScoreError)}\n");
            histories.Add($"history_slice{j:000}.csv");
            Checkpoint.WriteAtomic(Path.Combine(dir, histories[^1]), csv.ToString());
        }
        // An earlier run in this folder with more slices left its histories: they are not this run's.
        RunFolderFiles.RemoveUnlisted(dir, "history_slice*.csv", histories);
        Checkpoint.Save(Path.Combine(dir, "checkpoint"), new CheckpointModel(problem.Field, problem.Process, problem.Architecture,
            problem.Basis, problem.Grid.Times, trained.Slices.Select(s => s.Parameters).ToArray(), summary));
        Checkpoint.WriteAtomic(Path.Combine(dir, "summary.json"), Output.ToFileJson(summary));
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

    private static string Csv(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";
}
