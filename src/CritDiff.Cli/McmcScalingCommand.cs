using System.CommandLine;
using System.Globalization;
using CritDiff.Experiments;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Statistics;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary><c>critdiff mcmc-scaling</c>: tau_int(M^2) against L for several algorithms and the fitted dynamic exponent z.</summary>
internal static class McmcScalingCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var model = new ModelOptions();
        var target = new TargetOptions();
        var run = new McmcOptions();
        var sizes = new Option<string>("--L")
        {
            Description = "Comma-separated linear sizes, at least 2, each >= 2 (e.g. 8,16,32). Use a family that scales with L: --xi-over-L or --critical.",
            Required = true,
        };
        var algos = new Option<string?>("--algo")
        {
            Description = "Comma-separated kernels. --model gaussian: " + string.Join(", ", MarkovKernels.Names) + " (default heatbath,fa-hmc); " +
                          "--model on: metropolis, heatbath, overrelax, wolff (default heatbath,wolff); --model phi4: metropolis, hmc, wolff (default metropolis,wolff).",
        };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("mcmc-scaling",
            "Measure tau_int(M^2) against L for each algorithm along the model family and fit tau = A L^z (z with its error). " +
            McmcOptions.SweepHelp + " " + ModelMcmcOutput.Conventions);
        command.Options.Add(model.Dimension);
        command.Options.Add(sizes);
        model.AddTo(command, withLattice: false);
        target.AddTo(command);
        command.Options.Add(algos);
        run.AddTo(command);
        command.Options.Add(json);
        command.Options.Add(seed);
        command.Options.Add(threads);
        command.SetAction(result =>
        {
            var o = output(result.GetValue(json));
            int d = result.GetValue(model.Dimension);
            string kind = target.Kind(result);
            var lengths = ModelOptions.ParseSizes(result.GetValue(sizes)!, d);
            if (lengths.Length < 2) throw new UsageException($"--L needs at least 2 distinct sizes to fit z (got '{result.GetValue(sizes)}')");
            string algoText = result.GetValue(algos) ?? kind switch { "on" => "heatbath,wolff", "phi4" => "metropolis,wolff", _ => "heatbath,fa-hmc" };
            var names = NumericOptions.Items("--algo", algoText);
            if (names.Length == 0) throw new UsageException("--algo: give at least one algorithm");
            if (names.Distinct().Count() != names.Length) throw new UsageException($"--algo lists an algorithm twice ({algoText})");
            run.RefuseUnused(result, names, kind);
            if (kind != "gaussian") return RunModel(o, result, target.Family(result, model, d), d, lengths, names, run, result.GetValue(seed), result.GetValue(threads));
            var targetFamily = target.Family(result, model, d); // refuses the finite-n options (--n, --kappa, ...)
            Func<Lattice, Fields.GaussianField> family = lattice => (Fields.GaussianField)targetFamily(lattice);
            foreach (string name in names)
                foreach (int l in lengths) McmcOptions.CheckAlgorithm(name, family(new Lattice(d, l)));
            var settings = run.Build(result, result.GetValue(seed), CommonOptions.CheckThreads(result.GetValue(threads)));
            // Sizes run one after another; every run's measured series are kept for the fit.
            var largest = new Lattice(d, lengths.Max());
            Limits.MonteCarlo("--L", largest.ToString(), largest.SiteCount, Limits.GaussianChainBytesPerSite, settings.Chains,
                16.0 * settings.Sweeps * names.Length * lengths.Length);

            o.Note($"mcmc-scaling: {string.Join(", ", names)} at L = {string.Join(", ", lengths)} ...");
            var scans = JobProgress.Run(o, "mcmc-scaling", names.Length, bar => names.Select(name =>
            {
                AutocorrelationScan scan;
                bar.Started(name);
                try
                {
                    scan = AutocorrelationScan.Run(family, d, lengths, name, settings);
                }
                catch (ArgumentException e)
                {
                    // The options were checked above: a fit that fails here means a chain diverged or never moved.
                    throw new RunFailedException($"{name}: z could not be fitted ({e.Message.Split(" (Parameter")[0].Split('\n')[0]}): " +
                                                 "a chain diverged or never moved; run 'critdiff mcmc' at the failing L to see its warnings, or fix --step");
                }
                bar.Finished(name, string.Create(CultureInfo.InvariantCulture,
                    $"tau_int(M^2) {string.Join(", ", scan.Runs.Select(r => $"{r.TauMagnetisationSquared.Mean:G3} (L={r.Field.Lattice.Length})"))}"));
                return scan;
            }).ToArray());
            foreach (var r in scans.SelectMany(s => s.Runs)) ModelMcmcOutput.Warn(o, r.Warnings.Select(w => $"{r.Algorithm} L={r.Field.Lattice.Length}: {w}"));
            var invalid = scans.Where(s => s.Runs.Any(r => !r.IsValid)).Select(s => s.Algorithm).ToHashSet();
            if (o.Json) o.WriteJson(MonteCarloSummary.GaussianScaling(d, lengths, settings, scans, invalid));
            else Print(o, scans, invalid);
            FailIfInvalid(invalid, scans.SelectMany(s => s.Runs).Where(r => !r.IsValid).Select(r => $"{r.Algorithm} L={r.Field.Lattice.Length}"));
            return 0;
        });
        return command;
    }

    private static int RunModel(Output o, ParseResult result, Func<Lattice, Fields.LatticeModel> family, int d, int[] lengths,
        string[] names, McmcOptions run, ulong seed, int threads)
    {
        foreach (string name in names)
            foreach (int l in lengths) McmcOptions.CheckModelAlgorithm(name, family(new Lattice(d, l)));
        var settings = run.BuildModel(result, seed, CommonOptions.CheckThreads(threads)) with { SpectrumInterval = 0 };
        var largest = family(new Lattice(d, lengths.Max()));
        Limits.MonteCarlo(largest.Components > 1 ? "--n or --L" : "--L", largest.Describe(), largest.ConfigurationLength, Limits.ModelChainBytesPerValue,
            settings.Chains, McmcCommand.ModelKeptPerChain(settings.Sweeps, 0, largest.Lattice.SiteCount, largest.Components) * names.Length * lengths.Length);
        var options = run.Kernel(result);
        o.Note($"mcmc-scaling: {string.Join(", ", names)} at L = {string.Join(", ", lengths)} on {family(new Lattice(d, lengths[0])).Describe()} ...");
        var scans = JobProgress.Run(o, "mcmc-scaling", names.Length, bar => names.Select(name =>
        {
            bar.Started(name);
            var scan = ModelAutocorrelationScan.Run(family, d, lengths, name, settings, options);
            bar.Finished(name, "");
            return scan;
        }).ToArray());
        foreach (var r in scans.SelectMany(s => s.Runs)) ModelMcmcOutput.Warn(o, r.Warnings.Select(w => $"{r.Algorithm} L={r.Model.Lattice.Length}: {w}"));
        var invalid = scans.Where(s => s.Runs.Any(r => !r.IsValid)).Select(s => s.Algorithm).ToHashSet();
        var failing = scans.SelectMany(s => s.Runs).Where(r => !r.IsValid).Select(r => $"{r.Algorithm} L={r.Model.Lattice.Length}").ToArray();
        if (o.Json)
        {
            o.WriteJson(MonteCarloSummary.ModelScaling(d, lengths, settings, scans, invalid));
            FailIfInvalid(invalid, failing);
            return 0;
        }
        var table = new Table().AddColumn("algo").AddColumn("L").AddColumn("tau_int(|M|^2)").AddColumn("tau_int(e)").AddColumn("chi").AddColumn("U");
        foreach (var r in scans.SelectMany(s => s.Runs))
            table.AddRow(r.Algorithm, r.Model.Lattice.Length.ToString(CultureInfo.InvariantCulture), r.TauMagnetisationSquared.ToString(),
                r.TauEnergy.ToString(), r.Estimates.Susceptibility.ToString(), r.Estimates.Binder.ToString());
        var console = ModelCommand.Console(o);
        console.Write(table);
        foreach (var s in scans)
            console.WriteLine(invalid.Contains(s.Algorithm) ? $"{s.Algorithm}: z not fitted (a run is invalid)"
                : $"{s.Algorithm}: z = {Stats.Format(s.DynamicExponent, s.DynamicExponentError)}");
        FailIfInvalid(invalid, failing);
        return 0;
    }

    /// <summary>
    /// A chain that never moved or diverged is a failed run, not bad input: after the results are printed (their rows
    /// marked invalid, z not fitted), exit 3 naming the runs.
    /// </summary>
    private static void FailIfInvalid(IReadOnlySet<string> invalid, IEnumerable<string> runs)
    {
        if (invalid.Count == 0) return;
        throw new RunFailedException($"invalid run(s) {string.Join(", ", runs)} (acceptance 0, NaN estimates or too few blocks: see the warnings): " +
                                     $"z of {string.Join(", ", invalid)} is not fitted; fix --step or run longer");
    }

    private static void Print(Output o, AutocorrelationScan[] scans, IReadOnlySet<string> invalid)
    {
        var table = new Table().AddColumn("algo").AddColumn("L").AddColumn("tau_int(M^2)").AddColumn("tau_int(E)").AddColumn("acceptance");
        foreach (var r in scans.SelectMany(s => s.Runs))
            table.AddRow(r.Algorithm, r.Field.Lattice.Length.ToString(CultureInfo.InvariantCulture), r.TauMagnetisationSquared.ToString(),
                r.TauEnergy.ToString(), Output.Format(r.Acceptance));
        var console = ModelCommand.Console(o);
        console.Write(table);
        foreach (var s in scans)
            console.WriteLine(invalid.Contains(s.Algorithm) ? $"{s.Algorithm}: z not fitted (a run is invalid)"
                : $"{s.Algorithm}: z = {Stats.Format(s.DynamicExponent, s.DynamicExponentError)}");
    }
}
