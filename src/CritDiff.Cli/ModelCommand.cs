using System.CommandLine;
using CritDiff.Experiments;
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
            "With --model on or phi4 (finite n, docs/science.md section 10) it states the couplings, the literature critical point " +
            "where one is known and the n -> inf beta_c; their observables come from 'critdiff mcmc'.");
        model.AddTo(command);
        target.AddTo(command);
        command.Options.Add(json);
        command.Options.Add(seed);
        command.SetAction(result =>
        {
            var o = output(result.GetValue(json));
            var summary = TargetSummary.Of(target.Build(result, model));
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

    /// <summary>
    /// A Spectre console writing to the command's stdout that never splits a number or a name across lines:
    /// every table column is no-wrap, and when stdout is not an interactive terminal (redirected, captured,
    /// piped: its width is unknown) the layout width is <see cref="UnknownWidth"/>, so tables take the width
    /// their contents need.
    /// </summary>
    public static IAnsiConsole Console(Output o)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(o.Out),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        bool terminal = ReferenceEquals(o.Out, System.Console.Out) && !System.Console.IsOutputRedirected;
        if (!terminal) console.Profile.Width = UnknownWidth;
        return new NoWrapConsole(console);
    }

    /// <summary>Layout width when the output's width is unknown: wider than any table the commands print.</summary>
    public const int UnknownWidth = 4096;

    /// <summary>Makes every column of a table no-wrap before it is written (Spectre otherwise breaks cells mid-token).</summary>
    private sealed class NoWrapConsole(IAnsiConsole inner) : IAnsiConsole
    {
        public Profile Profile => inner.Profile;
        public IAnsiConsoleCursor Cursor => inner.Cursor;
        public IAnsiConsoleInput Input => inner.Input;
        public IExclusivityMode ExclusivityMode => inner.ExclusivityMode;
        public Spectre.Console.Rendering.RenderPipeline Pipeline => inner.Pipeline;

        public void Clear(bool home) => inner.Clear(home);

        public void WriteAnsi(Action<AnsiWriter> action) => inner.WriteAnsi(action);

        public void Write(Spectre.Console.Rendering.IRenderable renderable)
        {
            if (renderable is Table table)
                foreach (var column in table.Columns) column.NoWrap = true;
            inner.Write(renderable);
        }
    }
}
