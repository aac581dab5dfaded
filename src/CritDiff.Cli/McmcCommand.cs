using System.CommandLine;
using System.Text.Json.Nodes;
using CritDiff.MonteCarlo;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary><c>critdiff mcmc</c>: run Markov chains on the field, autocorrelation times and observables against exact values.</summary>
internal static class McmcCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var model = new ModelOptions();
        var run = new McmcOptions();
        var algo = new Option<string>("--algo")
        {
            Description = "Markov kernel: " + string.Join(", ", MarkovKernels.Names) + " (fa- = Fourier-accelerated, preconditioned by the free propagator C(k)).",
            DefaultValueFactory = _ => "heatbath",
        };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("mcmc",
            "Run Markov chains on the field and report the integrated autocorrelation times of M^2 and of the nearest-neighbour " +
            "energy (Sokal window, in sweeps) and chi and E with autocorrelation-corrected errors next to their exact values. " + McmcOptions.SweepHelp);
        model.AddTo(command);
        command.Options.Add(algo);
        run.AddTo(command);
        command.Options.Add(json);
        command.Options.Add(seed);
        command.Options.Add(threads);
        command.SetAction(result =>
        {
            var o = output(result.GetValue(json));
            var field = model.Build(result);
            string name = McmcOptions.CheckAlgorithm(result.GetValue(algo)!, field);
            var settings = run.Build(result, result.GetValue(seed), CommonOptions.CheckThreads(result.GetValue(threads)));
            o.Note($"{name}: {settings.Chains} chain(s) x ({settings.Thermalization} + {settings.Sweeps}) sweeps on {field.Lattice} ...");
            var r = Mcmc.Run(field, name, settings);
            if (o.Json) o.WriteJson(Summary(r));
            else Print(o, r);
            return 0;
        });
        return command;
    }

    public static JsonObject Summary(McmcResult r) => new()
    {
        ["algo"] = r.Algorithm,
        ["sweeps"] = r.Settings.Sweeps,
        ["thermalize"] = r.Settings.Thermalization,
        ["chains"] = r.Settings.Chains,
        ["seed"] = r.Settings.Seed,
        ["step_size"] = Output.Number(r.StepSize),
        ["acceptance"] = Output.Number(r.Acceptance),
        ["tau_int"] = new JsonObject
        {
            ["M2"] = Output.Number(r.TauMagnetisationSquared.Mean),
            ["M2_err"] = Output.Number(r.TauMagnetisationSquared.Error),
            ["energy"] = Output.Number(r.TauEnergy.Mean),
            ["energy_err"] = Output.Number(r.TauEnergy.Error),
        },
        ["observables"] = new JsonObject
        {
            ["chi"] = Output.Number(r.Susceptibility.Mean),
            ["chi_err"] = Output.Number(r.Susceptibility.Error),
            ["energy"] = Output.Number(r.Energy.Mean),
            ["energy_err"] = Output.Number(r.Energy.Error),
        },
        ["exact"] = new JsonObject
        {
            ["chi"] = Output.Number(r.Field.Susceptibility),
            ["energy"] = Output.Number(r.Field.Energy),
        },
        ["stationary"] = new JsonObject
        {
            ["chi"] = Output.Number(r.StationarySusceptibility),
            ["energy"] = Output.Number(r.StationaryEnergy),
        },
        ["model"] = ModelOptions.Describe(r.Field),
        ["ess_per_second"] = Output.Number(r.EffectiveSamplesPerSecond),
        ["wall_seconds"] = r.WallSeconds,
    };

    private static void Print(Output o, McmcResult r)
    {
        var console = ModelCommand.Console(o);
        console.WriteLine($"{r.Algorithm} on {r.Field.Lattice}: acceptance {Output.Format(r.Acceptance)}, step {Output.Format(r.StepSize)}");
        console.WriteLine($"tau_int(M^2) = {r.TauMagnetisationSquared}, tau_int(E) = {r.TauEnergy} sweeps");
        var table = new Table().AddColumn("observable").AddColumn("exact").AddColumn("stationary law").AddColumn("measured");
        table.AddRow("chi", Output.Format(r.Field.Susceptibility), Output.Format(r.StationarySusceptibility), r.Susceptibility.ToString());
        table.AddRow("energy", Output.Format(r.Field.Energy), Output.Format(r.StationaryEnergy), r.Energy.ToString());
        console.Write(table);
        console.WriteLine($"{Output.Format(r.EffectiveSamplesPerSecond)} effective samples/s, {r.WallSeconds:F2} s");
    }
}
