using System.CommandLine;
using CritDiff.Experiments;
using CritDiff.MonteCarlo;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary><c>critdiff mcmc</c>: run Markov chains on the field, autocorrelation times and observables against exact values.</summary>
internal static class McmcCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var model = new ModelOptions();
        var target = new TargetOptions();
        var run = new McmcOptions();
        var algo = new Option<string?>("--algo")
        {
            Description = "Markov kernel. --model gaussian: " + string.Join(", ", MarkovKernels.Names) +
                          " (fa- = Fourier-accelerated, preconditioned by the free propagator C(k); default heatbath). " +
                          "--model on: metropolis, heatbath, overrelax (n >= 2: heat bath + over-relaxation sweeps), wolff (default). " +
                          "--model phi4: metropolis, hmc, wolff (embedded Wolff clusters + a Metropolis sweep; default).",
        };
        var spectrumOut = new Option<string?>("--spectrum-out")
        {
            Description = "--model on/phi4: write the measured spectrum G(k) = <|phi~(k)|^2>/n with errors to FILE.npy ([2, L, ..., L]: mean, error) or FILE.csv.",
        };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("mcmc",
            "Run Markov chains on the field and report the integrated autocorrelation times of M^2 and of the nearest-neighbour " +
            "energy (Sokal window, in sweeps) and chi and E with autocorrelation-corrected errors next to their exact values. " + McmcOptions.SweepHelp + " " + ModelMcmcOutput.Conventions +
            " " + ModelMcmcOutput.ChainCheck);
        model.AddTo(command);
        target.AddTo(command);
        command.Options.Add(algo);
        run.AddTo(command);
        command.Options.Add(spectrumOut);
        command.Options.Add(json);
        command.Options.Add(seed);
        command.Options.Add(threads);
        command.SetAction(result =>
        {
            var o = output(result.GetValue(json));
            if (target.Kind(result) != "gaussian") return RunModel(o, result, target.Build(result, model), run, result.GetValue(algo),
                result.GetValue(spectrumOut), result.GetValue(seed), result.GetValue(threads));
            if (result.GetValue(spectrumOut) is not null) throw new UsageException("--spectrum-out applies to --model on and phi4 (the Gaussian spectrum is exact: see 'critdiff model')");
            var field = (Fields.GaussianField)target.Build(result, model); // refuses the finite-n options (--n, --kappa, ...)
            string name = McmcOptions.CheckAlgorithm(result.GetValue(algo) ?? "heatbath", field);
            run.RefuseUnused(result, [name], "gaussian");
            var settings = run.Build(result, result.GetValue(seed), CommonOptions.CheckThreads(result.GetValue(threads)));
            Limits.MonteCarlo("--L", field.Lattice.ToString(), field.Lattice.SiteCount, Limits.GaussianChainBytesPerSite, settings.Chains,
                16.0 * settings.Sweeps);
            o.Note($"{name}: {settings.Chains} chain(s) x ({settings.Thermalization} + {settings.Sweeps}) sweeps on {field.Lattice} ...");
            var r = Mcmc.Run(field, name, settings);
            ModelMcmcOutput.Warn(o, r.Warnings);
            if (o.Json) o.WriteJson(MonteCarloSummary.Gaussian(r));
            else Print(o, r);
            return 0;
        });
        return command;
    }

    private static int RunModel(Output o, ParseResult result, Fields.LatticeModel target, McmcOptions run, string? algo,
        string? spectrumOut, ulong seed, int threads)
    {
        string name = McmcOptions.CheckModelAlgorithm(algo ?? "wolff", target);
        run.RefuseUnused(result, [name], target.Kind);
        string? spectrumPath = spectrumOut is null ? null : CommonOptions.CheckWritableFile("--spectrum-out", spectrumOut);
        if (spectrumPath is not null && !(spectrumPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) || spectrumPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)))
            throw new UsageException($"--spectrum-out must end in .npy or .csv (got '{spectrumOut}')");
        var settings = run.BuildModel(result, seed, CommonOptions.CheckThreads(threads));
        Limits.MonteCarlo(target.Components > 1 ? "--n or --L" : "--L", target.Describe(), target.ConfigurationLength, Limits.ModelChainBytesPerValue,
            settings.Chains, ModelKeptPerChain(settings.Sweeps, settings.SpectrumInterval, target.Lattice.SiteCount, target.Components));
        o.Note($"{name}: {settings.Chains} chain(s) x ({settings.Thermalization} + {settings.Sweeps}) sweeps on {target.Describe()} ...");
        var r = ModelMcmc.Run(ModelKernels.Create(name, target, run.Kernel(result)), settings);
        ModelMcmcOutput.Warn(o, r.Warnings);
        if (spectrumPath is not null && r.Spectrum is { } spectrum) ModelMcmcOutput.WriteSpectrum(spectrumPath, target, spectrum);
        if (o.Json) o.WriteJson(MonteCarloSummary.Model(r, spectrumPath));
        else ModelMcmcOutput.Print(o, r);
        return 0;
    }

    /// <summary>
    /// Bytes a finite-n chain keeps after it finishes: six doubles per measured sweep, n more for 2 &lt;= n &lt;= 4 (the signed
    /// components the chain comparison reports) and, when the spectrum is measured, its accumulator (up to 64 bins, the
    /// library's SpectrumAccumulator.MaxBins, of V values plus two V-long buffers).
    /// </summary>
    internal static double ModelKeptPerChain(int sweeps, int spectrumInterval, long sites, int components = 1) =>
        8.0 * (6 + (ChainAgreement.HasSignedComponents(components) ? components : 0)) * sweeps +
        (spectrumInterval > 0 ? 8.0 * (Math.Min(64, sweeps) + 3) * sites : 0);

    private static void Print(Output o, McmcResult r)
    {
        var console = ModelCommand.Console(o);
        console.WriteLine($"{r.Algorithm} on {r.Field.Lattice}: acceptance {Output.Format(r.Acceptance)}, step {Output.Format(r.StepSize)}");
        console.WriteLine($"tau_int(M^2) = {r.TauMagnetisationSquared}, tau_int(E) = {r.TauEnergy} sweeps");
        var table = new Table().AddColumn("observable").AddColumn("exact").AddColumn("stationary law").AddColumn("measured");
        table.AddRow("chi", Output.Format(r.Field.Susceptibility), Output.Format(r.StationarySusceptibility), r.Susceptibility.ToString());
        table.AddRow("energy", Output.Format(r.Field.Energy), Output.Format(r.StationaryEnergy), r.Energy.ToString());
        console.Write(table);
        ModelMcmcOutput.PrintChains(o, r.ChainAgreement);
        console.WriteLine($"{Output.Format(r.EffectiveSamplesPerSecond)} effective samples/s, {r.WallSeconds:F2} s");
    }
}
