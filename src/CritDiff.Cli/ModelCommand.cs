using System.CommandLine;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary><c>critdiff model</c>: exact properties of the target field.</summary>
internal static class ModelCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var model = new ModelOptions();
        var target = new TargetOptions();
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var command = new Command("model",
            "Exact properties of the O(n -> inf) lattice field: mass, correlation lengths, susceptibility, energy, G(0), beta_c. " +
            "Give --d, --L and exactly one of --beta, --mass2, --xi, --xi-over-L, --critical. " +
            "With --model on or phi4 (finite n, SCIENCE.md section 10) it states the couplings, the literature critical point " +
            "where one is known and the n -> inf beta_c; their observables come from 'critdiff mcmc'.");
        model.AddTo(command);
        target.AddTo(command);
        command.Options.Add(json);
        command.Options.Add(seed);
        command.SetAction(result =>
        {
            var o = output(result.GetValue(json));
            var summary = TargetOptions.Describe(target.Build(result, model));
            if (o.Json)
            {
                o.WriteJson(summary);
                return 0;
            }
            var table = new Table().AddColumn("quantity").AddColumn("value");
            foreach (var (key, value) in summary) table.AddRow(key, value?.ToString() ?? "null");
            Console(o).Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>A Spectre console writing to the command's stdout.</summary>
    public static IAnsiConsole Console(Output o) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(o.Out),
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
    });
}
