using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary><c>critdiff mcmc-scaling</c>: tau_int(M^2) against L for several algorithms and the fitted dynamic exponent z.</summary>
internal static class McmcScalingCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var model = new ModelOptions();
        var run = new McmcOptions();
        var sizes = new Option<string>("--L")
        {
            Description = "Comma-separated linear sizes, at least 2, each >= 2 (e.g. 8,16,32). Use a family that scales with L: --xi-over-L or --critical.",
            Required = true,
        };
        var algos = new Option<string>("--algo")
        {
            Description = "Comma-separated kernels from: " + string.Join(", ", MarkovKernels.Names) + ".",
            DefaultValueFactory = _ => "heatbath,fa-hmc",
        };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("mcmc-scaling",
            "Measure tau_int(M^2) against L for each algorithm along the model family and fit tau = A L^z (z with its error). " +
            McmcOptions.SweepHelp);
        command.Options.Add(model.Dimension);
        command.Options.Add(sizes);
        model.AddTo(command, withLattice: false);
        command.Options.Add(algos);
        run.AddTo(command);
        command.Options.Add(json);
        command.Options.Add(seed);
        command.Options.Add(threads);
        command.SetAction(result =>
        {
            var o = output(result.GetValue(json));
            int d = result.GetValue(model.Dimension);
            var family = model.BuildFamily(result, d);
            var lengths = ModelOptions.ParseSizes(result.GetValue(sizes)!, d);
            if (lengths.Length < 2) throw new UsageException($"--L needs at least 2 distinct sizes to fit z (got '{result.GetValue(sizes)}')");
            var names = result.GetValue(algos)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (names.Length == 0) throw new UsageException("--algo: give at least one algorithm");
            foreach (string name in names)
                foreach (int l in lengths) McmcOptions.CheckAlgorithm(name, family(new Lattice(d, l)));
            var settings = run.Build(result, result.GetValue(seed), CommonOptions.CheckThreads(result.GetValue(threads)));

            var scans = names.Select(name =>
            {
                o.Note($"{name}: L = {string.Join(", ", lengths)} ...");
                return AutocorrelationScan.Run(family, d, lengths, name, settings);
            }).ToArray();
            if (o.Json) o.WriteJson(Summary(d, lengths, settings, scans));
            else Print(o, scans);
            return 0;
        });
        return command;
    }

    private static JsonObject Summary(int d, int[] sizes, McmcSettings settings, AutocorrelationScan[] scans) => new()
    {
        ["d"] = d,
        ["L"] = new JsonArray(sizes.Select(l => (JsonNode)l).ToArray()),
        ["sweeps"] = settings.Sweeps,
        ["thermalize"] = settings.Thermalization,
        ["chains"] = settings.Chains,
        ["seed"] = settings.Seed,
        ["runs"] = new JsonArray(scans.SelectMany(s => s.Runs).Select(r => (JsonNode)new JsonObject
        {
            ["algo"] = r.Algorithm,
            ["L"] = r.Field.Lattice.Length,
            ["mu2"] = Output.Number(r.Field.MassSquared),
            ["tau_M2"] = Output.Number(r.TauMagnetisationSquared.Mean),
            ["tau_M2_err"] = Output.Number(r.TauMagnetisationSquared.Error),
            ["tau_energy"] = Output.Number(r.TauEnergy.Mean),
            ["tau_energy_err"] = Output.Number(r.TauEnergy.Error),
            ["acceptance"] = Output.Number(r.Acceptance),
            ["step_size"] = Output.Number(r.StepSize),
            ["wall_seconds"] = r.WallSeconds,
        }).ToArray()),
        ["fits"] = new JsonArray(scans.Select(s => (JsonNode)new JsonObject
        {
            ["algo"] = s.Algorithm,
            ["z"] = Output.Number(s.DynamicExponent),
            ["z_err"] = Output.Number(s.DynamicExponentError),
        }).ToArray()),
    };

    private static void Print(Output o, AutocorrelationScan[] scans)
    {
        var table = new Table().AddColumn("algo").AddColumn("L").AddColumn("tau_int(M^2)").AddColumn("tau_int(E)").AddColumn("acceptance");
        foreach (var r in scans.SelectMany(s => s.Runs))
            table.AddRow(r.Algorithm, r.Field.Lattice.Length.ToString(CultureInfo.InvariantCulture), r.TauMagnetisationSquared.ToString(),
                r.TauEnergy.ToString(), Output.Format(r.Acceptance));
        var console = ModelCommand.Console(o);
        console.Write(table);
        foreach (var s in scans)
            console.WriteLine($"{s.Algorithm}: z = {Output.Format(s.DynamicExponent)} +- {Output.Format(s.DynamicExponentError)}");
    }
}
