using System.CommandLine;
using CritDiff.Experiments;
using CritDiff.Reporting;

namespace CritDiff.Cli;

/// <summary><c>critdiff merge</c>: combine the shard folders of one sweep into one folder, summary and report.</summary>
internal static class MergeCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var folders = new Argument<string[]>("DIR") { Description = "Shard folders of one sweep (each with config.json and jobs/).", Arity = ArgumentArity.OneOrMore };
        var target = new Option<string>("--out") { Description = "Folder for the merged result (created if missing).", DefaultValueFactory = _ => "out/merged" };
        var allowPartial = new Option<bool>("--allow-partial") { Description = "Merge even when some jobs are in none of the folders (otherwise exit 3 naming them)." };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var command = new Command("merge",
            "Combine the shard folders of one sweep (critdiff scaling --shard i/N) into one folder and rebuild summary.json, CSV tables, " +
            "figures and report from the job files. Folders of different experiments are refused, and so are missing jobs unless --allow-partial (exit 3). (--seed is accepted for uniformity; merging draws no random numbers.)");
        command.Arguments.Add(folders);
        command.Options.Add(target);
        command.Options.Add(allowPartial);
        command.Options.Add(json);
        command.Options.Add(seed);
        command.SetAction(result =>
        {
            var o = output(result.GetValue(json));
            var sources = result.GetValue(folders)!;
            foreach (string s in sources)
                if (!Directory.Exists(s)) throw new UsageException($"DIR: folder '{s}' does not exist");
            // Every refusal comes before --out is touched: a refused merge leaves no folder behind, and an existing one as it was.
            var common = ScalingSweep.CommonSpec(sources);
            string outPath = result.GetValue(target)!;
            string outFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outPath));
            foreach (string s in sources)
            {
                string inFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(s));
                if (outFull.StartsWith(inFull + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new UsageException($"--out: '{outPath}' lies inside the input folder '{s}' (the merge would write into a folder it reads); give a folder outside it");
            }
            if (File.Exists(Path.Combine(outPath, "config.json"))
                && JsonFormats.Serialize(ScalingFolder.ReadSpec(outPath), JsonFormats.Folder) != JsonFormats.Serialize(common, JsonFormats.Folder))
                throw new UsageException($"--out: '{outPath}' holds a different experiment (its config.json differs): use another output folder");
            var missing = ScalingSweep.Missing(common, sources);
            if (missing.Count > 0)
            {
                string list = string.Join(", ", missing.Take(8).Select(j => j.Key)) + (missing.Count > 8 ? $", ... ({missing.Count - 8} more)" : "");
                if (!result.GetValue(allowPartial))
                    throw new RunFailedException($"{missing.Count} job(s) are in none of the folders: {list}; rerun their shards, or pass --allow-partial to merge what is there");
                o.Note($"warning: merging without {missing.Count} job(s): {list}");
            }
            string dir = CommonOptions.CheckWritableFolder("--out", outPath);
            ScalingSpec spec;
            ScalingSummary summary;
            try
            {
                spec = ScalingSweep.Merge(sources, dir);
                summary = SweepReport.Rebuild(dir).Summary;
            }
            catch
            {
                CreatedFolders.RemoveAll(); // a half-merged new folder is no result
                throw;
            }
            o.Note($"merged {sources.Length} folder(s) into {dir}: {summary.JobsDone}/{summary.JobsTotal} jobs");
            o.WriteJson(ScalingFolder.SummaryJson(summary, dir));
            if (!o.Json) Experiment.PrintTable(o, spec, dir);
            return 0;
        });
        return command;
    }
}
