using System.CommandLine;
using System.Globalization;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.MonteCarlo;
using CritDiff.Persistence;

namespace CritDiff.Cli;

/// <summary>
/// <c>critdiff ensemble</c>: decorrelated Monte Carlo configurations of a finite-n target written to .npy with a side-car JSON
/// (model, algorithm, seed, spacing from the measured tau_int, observables), for <c>train --data/--spectrum</c> or NumPy.
/// </summary>
internal static class EnsembleCommand
{
    /// <summary>Most values (N n V) an ensemble may hold: 2^28 doubles = 2 GiB in memory and on disk.</summary>
    public const long MaxValues = 1L << 28;

    public static Command Create(Func<bool, Output> output)
    {
        var model = new ModelOptions();
        var target = new TargetOptions();
        var algo = new Option<string?>("--algo")
        {
            Description = "Markov kernel: --model on: metropolis, heatbath, overrelax (n >= 2), wolff (default); --model phi4: metropolis, hmc, " +
                          "wolff (default; embedded clusters + a Metropolis sweep); --model gaussian: metropolis, hmc (default; " +
                          "'critdiff sample' draws exact Gaussian samples instead).",
        };
        var count = new Option<int>("--n-configs") { Description = "Configurations N >= 1 to store.", Required = true };
        var thermalize = new Option<int>("--thermalize") { Description = "Sweeps discarded per chain before the pilot run, >= 0.", DefaultValueFactory = _ => 1000 };
        var pilot = new Option<int>("--pilot-sweeps")
        {
            Description = "Sweeps per chain of the pilot run that measures tau_int (of |M|^2 and the energy), >= 16.",
            DefaultValueFactory = _ => 2000,
        };
        var spacing = new Option<int?>("--spacing")
        {
            Description = "Sweeps between stored configurations of a chain, >= 1 (default: max(1, ceil(2 tau_int)) from the pilot run).",
        };
        var chains = new Option<int>("--chains") { Description = "Independent chains, >= 1, run in parallel; chain c uses random stream (seed, c).", DefaultValueFactory = _ => 4 };
        var step = new Option<double?>("--step") { Description = "Fixed step size > 0 (Metropolis width, leapfrog step); default: tuned during thermalisation." };
        var trajectory = new Option<double>("--trajectory-length") { Description = "HMC trajectory length > 0.", DefaultValueFactory = _ => 1.0 };
        var folder = new Option<string>("--out")
        {
            Description = "Output .npy file: shape [N, L, ..., L] for n = 1, [N, n, L, ..., L] for n > 1; the side-car FILE.npy.json holds the " +
                          "model, algorithm, seed, spacing, tau_int and observables. Both are written atomically.",
            Required = true,
        };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("ensemble",
            "Write N decorrelated Monte Carlo configurations of a target (O(n) spins, phi^4 or the Gaussian field) to .npy with a side-car JSON. " +
            "Chains thermalise, a pilot run measures tau_int, then configurations are stored every max(1, ceil(2 tau_int)) sweeps. " +
            "Use them with 'critdiff train --data FILE.npy' (SGD on the configurations) or '--spectrum FILE.npy' (population training on G(k)). " +
            "The side-car's observables carry errors sqrt(2 tau_int var / N) with tau_int measured on the stored sequence. " + ModelMcmcOutput.Conventions +
            " " + ModelMcmcOutput.ChainCheck + " Compared on the stored configurations (on the pilot sweeps when a chain stores fewer than " +
            $"{EnsembleGenerator.MinStoredForComparison}); the result goes to the side-car as well.");
        model.AddTo(command);
        target.AddTo(command);
        foreach (var option in new Option[] { algo, count, thermalize, pilot, spacing, chains, step, trajectory, folder, json, seed, threads })
            command.Options.Add(option);
        command.SetAction((result, cancellation) =>
        {
            var o = output(result.GetValue(json));
            var targetModel = target.Build(result, model);
            string name = McmcOptions.CheckModelAlgorithm(result.GetValue(algo) ?? (targetModel is GaussianField ? "hmc" : "wolff"), targetModel);
            McmcOptions.RefuseUnused(result, [name], targetModel.Kind, step, trajectory, null);
            int n = result.GetValue(count), th = result.GetValue(thermalize), pi = result.GetValue(pilot), ch = result.GetValue(chains);
            if (n < 1) throw new UsageException($"--n-configs must be >= 1 (got {n})");
            if ((long)n * targetModel.ConfigurationLength > MaxValues)
                throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                    $"--n-configs: {n} x n V = {(double)n * targetModel.ConfigurationLength:G3} values ({8.0 * n * targetModel.ConfigurationLength / (1 << 30):G3} GiB) is above the limit {MaxValues} (2 GiB)"));
            Limits.Count("--thermalize", th, 0, Limits.MaxSweeps);
            Limits.Count("--pilot-sweeps", pi, 16, Limits.MaxSweeps);
            Limits.Count("--chains", ch, 1, Limits.MaxChains);
            // The pilot keeps its per-sweep series per chain (six, and n more at 2 <= n <= 4 for the chain comparison); every chain
            // stays alive to the end (its configuration and scratch copies), besides the N stored configurations.
            double pilotSeries = McmcCommand.ModelKeptPerChain(pi, 0, 1, targetModel.Components);
            Limits.Memory("--pilot-sweeps", pilotSeries * ch, $"{ch} chain(s) x {pi} pilot sweeps");
            Limits.MonteCarlo(targetModel.Components > 1 ? "--n or --L" : "--L", targetModel.Describe(), targetModel.ConfigurationLength,
                targetModel is GaussianField ? Limits.GaussianChainBytesPerSite : Limits.ModelChainBytesPerValue, ch, pilotSeries,
                extra: 8.0 * n * targetModel.ConfigurationLength);
            int? sp = result.GetValue(spacing);
            if (sp is < 1) throw new UsageException($"--spacing must be >= 1 (got {sp})");
            double? st = result.GetValue(step);
            if (st is { } s && !(s > 0 && double.IsFinite(s))) throw new UsageException($"--step must be > 0 and finite (got {s.ToString(CultureInfo.InvariantCulture)})");
            double tau = result.GetValue(trajectory);
            if (!(tau > 0 && double.IsFinite(tau))) throw new UsageException($"--trajectory-length must be > 0 and finite (got {tau.ToString(CultureInfo.InvariantCulture)})");
            string path = CommonOptions.CheckWritableFile("--out", result.GetValue(folder)!);
            if (!path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) throw new UsageException($"--out must end in .npy (got '{path}')");
            var options = new KernelOptions(st, tau);
            var settings = new EnsembleSettings(n, th, pi, ch, result.GetValue(seed), CommonOptions.CheckThreads(result.GetValue(threads)), options, sp);
            o.Note($"{name}: {n} configurations of {targetModel.Describe()} from {ch} chain(s) ...");
            var ensemble = EnsembleGenerator.Generate(ModelKernels.Create(name, targetModel, options), settings, cancellation);
            ModelMcmcOutput.Warn(o, ensemble.Warnings);
            EnsembleFile.Write(path, ensemble);
            if (o.Json) o.WriteJson(MonteCarloSummary.Ensemble(ensemble, path, EnsembleFile.SideCarPath(path)));
            else
            {
                var e = ensemble.Estimates;
                o.Out.WriteLine($"wrote {path} (shape [{string.Join(", ", ensemble.Shape)}]) and {EnsembleFile.SideCarPath(path)}");
                o.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"spacing {ensemble.Spacing} sweeps (tau_int(|M|^2) = {ensemble.TauMagnetisationSquared}, tau_int(e) = {ensemble.TauEnergy}); " +
                    $"chi = {e.Susceptibility}, U = {e.Binder}, xi2 = {e.SecondMomentLength}, energy = {e.Energy}; {ensemble.WallSeconds:F2} s"));
                ModelMcmcOutput.PrintChains(o, ensemble.ChainAgreement);
            }
            return Task.FromResult(0);
        });
        return command;
    }
}
