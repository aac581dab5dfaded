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
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var command = new Command("merge",
            "Combine the shard folders of one sweep (critdiff scaling --shard i/N) into one folder and rebuild summary.json, CSV tables, " +
            "figures and report from the job files. Folders of different experiments are refused. (--seed is accepted for uniformity; merging draws no random numbers.)");
        command.Arguments.Add(folders);
        command.Options.Add(target);
        command.Options.Add(json);
        command.Options.Add(seed);
        command.SetAction(result =>
        {
            var o = output(result.GetValue(json));
            var sources = result.GetValue(folders)!;
            foreach (string s in sources)
                if (!Directory.Exists(s)) throw new UsageException($"DIR: folder '{s}' does not exist");
            string dir = CommonOptions.CheckWritableFolder("--out", result.GetValue(target)!);
            var spec = ScalingSweep.Merge(sources, dir);
            var summary = SweepReport.Rebuild(dir).Summary;
            o.Note($"merged {sources.Length} folder(s) into {dir}: {summary.JobsDone}/{summary.JobsTotal} jobs");
            o.WriteJson(Experiment.ToJson(summary, dir));
            if (!o.Json) Experiment.PrintTable(o, spec, dir);
            return 0;
        });
        return command;
    }
}
