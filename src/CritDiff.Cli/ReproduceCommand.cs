using System.CommandLine;
using CritDiff.Experiments;
using CritDiff.Networks;
using CritDiff.Reporting;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>
/// <c>critdiff reproduce</c>: the README's main command. Runs the named stages of <see cref="ReproducePlan.Stages"/> in order
/// (the exact-sampler check, the headline sweeps, the SGD-stability scans, the local-architecture study and its SGD scans,
/// the Monte Carlo baseline, the beyond-Gaussian and the nonlinear study, the cost per independent configuration) with one progress line each, then
/// <see cref="ReproduceReport"/> judges the claims from the data and writes report.md, report.html, summary.json, claims.csv,
/// observables.csv, CSV tables and PNG/SVG figures into --out. Finished work in --out is reused: an interrupted run resumes
/// where it stopped.
/// </summary>
internal static class ReproduceCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer sizes and seeds (about 10-40 s on 2 cores: 14 s measured with the native build, more JIT-compiled or on busy cores); the sweeps, the beyond-Gaussian and the nonlinear study go to quick-* folders (sgd-stability, local-architectures and mcmc-baseline keep their names: their stored runs are keyed by their settings and reused only by identical ones, but their tables and figures are those of the last run into the folder)." };
        var large = new Option<bool>("--large") { Description = "Add L = 128 to the SGD-stability, local-architecture and nonlinear studies and to the Wolff cost series (several minutes more; the nonlinear study runs L = 8..64 in 3 replicas by default)." };
        var folder = new Option<string>("--out")
        {
            Description = "Output folder: report.md, report.html, summary.json, claims.csv, observables.csv, and one sweep folder per experiment (figures, CSV).",
            DefaultValueFactory = _ => "out",
        };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("reproduce",
            "Reproduce the study's claims, each with a verdict computed from the data: C1-C4 on the Gaussian O(n -> inf) field, the SGD and local-architecture " +
            "claims, and the finite-n (O(n) spins) and nonlinear (phi^4 samples) ones (the full list in README.md). Training steps against L for one-layer, two-layer and local two-layer score networks " +
            "(population GD in d = 2 at xi/L = 1/4 and d = 3 at beta_c; minibatch SGD in d = 2), the exact KL of the generated law after a " +
            "fixed budget of 100 steps, fits, theory curves and verdicts computed from the data. Also \"C3 under SGD\" (largest stable learning rate and steps against L for two-layer GD, SGD and Adam in the kernel and Fourier bases), " +
            "\"C4: local architectures\" (local and mixed layer lists from balanced, unbalanced and random starts: parameters, reachable optimum, steps against L; the best of them under SGD) " +
            "and the Monte Carlo baseline (heat bath and Fourier-accelerated HMC, tau_int against L) and \"beyond the Gaussian limit\" (one- and two-layer training on measured spectra of critical 2D/3D Ising and 3D Heisenberg Wolff ensembles, exponents against 2 - eta) and \"nonlinear networks\" (" + $"{NetworkCatalog.OneLayer.Name}, {NetworkCatalog.TwoLayerLocal(1).Name} and {NetworkCatalog.SmallOddConvolution.Name} trained by denoising score matching on critical 2D phi^4 samples: training time against L, and generation at a fixed budget with exact ODE log-densities, ESS and reweighting) and \"generation quality\" (one-layer, a local conv net and a small U-Net on critical 2D phi^4 at L = 4, 8, 16 with 3 replicas: the training budget to a stated generation quality along a ladder up to 1000 steps per slice, exact reweighting (ODE discrete log q at L = 4, sde-em path weights above) with ESS, IMH acceptance and tau_int against L), and last the cost per independent critical configuration (cost/: 2 tau_int x seconds per sweep of Wolff, HMC and local Metropolis on critical 2D phi^4 against L, in seconds of this machine, with fitted exponents, and the quality study's trained models priced the same way where their ESS is measurable). About 8.5 minutes on 2 cores with the native build (nonlinear 4 min, quality 2 min, cost 1.5 min; --quick: about 20 s; --large: L = 128 in the issue-7 studies, the nonlinear study and the Wolff cost series, not timed). Progress on stderr: one line per stage with the elapsed time and an ETA for the whole run, and the sweeps' own progress. " +
            "Finished jobs in --out are reused.");
        command.Options.Add(quick);
        command.Options.Add(large);
        command.Options.Add(folder);
        command.Options.Add(json);
        command.Options.Add(seed);
        command.Options.Add(threads);
        command.SetAction((result, cancellation) =>
        {
            var o = output(result.GetValue(json));
            string dir = CommonOptions.CheckWritableFolder("--out", result.GetValue(folder)!);
            bool isQuick = result.GetValue(quick);
            ulong s = result.GetValue(seed);
            int workers = CommonOptions.CheckThreads(result.GetValue(threads));
            bool isLarge = result.GetValue(large);
            var stages = ReproducePlan.Stages(isQuick, isLarge, s);
            // One line per stage on stderr, so that a user sees where the whole run is: "reproduce [k/N] stage (elapsed E, ETA ~R)".
            var progress = new ReproduceProgress(o, stages.Select(stage => stage.Weights.For(isQuick, isLarge)).ToArray());
            // The sweeps show their own live progress; their figures and reports are drawn with the run's report.
            var run = new ReproduceRun(dir, isQuick, s, workers, o.Note,
                (spec, sweepFolder) => Experiment.Run(o, spec, sweepFolder, Shard.All, workers, report: false, cancellation).Summary, cancellation);
            foreach (var stage in stages)
            {
                progress.Stage(stage.Name);
                stage.Run(run);
            }
            var outcome = ReproduceReport.Write(run, () => progress.Elapsed.TotalSeconds);
            o.Note($"wrote {dir}/report.md, report.html, summary.json, claims.csv ({progress.Elapsed.TotalSeconds:F1} s)");
            if (o.Json) o.WriteJson(outcome.Summary);
            else
            {
                var table = new Table().AddColumns("claim", "verdict", "criterion");
                foreach (var c in outcome.Claims) table.AddRow(c.Id, c.Verdict, Markup.Escape(c.Criterion));
                ModelCommand.Console(o).Write(table);
                o.Out.WriteLine($"report: {Path.Combine(dir, "report.html")}");
            }
            return Task.FromResult(0);
        });
        return command;
    }
}
