using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Experiments;
using CritDiff.MonteCarlo;
using CritDiff.Persistence;
using CritDiff.Reporting;
using CritDiff.Training;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>
/// <c>critdiff reproduce</c>: the README's main command. Runs the headline sweeps on built-in defaults
/// (population GD in d = 2 at xi/L = 1/4 and d = 3 at beta_c; minibatch SGD in d = 2), the SGD-stability
/// scans and the local-architecture study, checks the exact sampler against exact observables, judges
/// claims C1-C4 (<see cref="Claims"/>) and the issue-7 questions from the data, and
/// writes report.md, report.html, summary.json, CSV tables and PNG/SVG figures into --out. Sweep folders
/// are reused: an interrupted run resumes where it stopped.
/// </summary>
internal static class ReproduceCommand
{
    private static readonly (string Name, int D, int L, Func<Lattice, GaussianField> Build)[] Models =
    [
        ("d2-xiL0.25-L32", 2, 32, l => GaussianField.AtCorrelationLengthOverSize(l, 0.25)),
        ("d2-xiL0.25-L64", 2, 64, l => GaussianField.AtCorrelationLengthOverSize(l, 0.25)),
        ("d3-critical-L16", 3, 16, GaussianField.AtCriticalPoint),
    ];

    public static Command Create(Func<bool, Output> output)
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer sizes and seeds (about 10-40 s on 2 cores: 12 s measured with the native build, more JIT-compiled or on busy cores); the sweeps, the beyond-Gaussian and the nonlinear study go to quick-* folders (sgd-stability, local-architectures and mcmc-baseline keep their names: their stored runs are keyed by their settings and reused only by identical ones, but their tables and figures are those of the last run into the folder)." };
        var large = new Option<bool>("--large") { Description = "Add L = 128 to the SGD-stability and local-architecture studies and L = 64 to the nonlinear one (several minutes more)." };
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
            "and the Monte Carlo baseline (heat bath and Fourier-accelerated HMC, tau_int against L) and \"beyond the Gaussian limit\" (one- and two-layer training on measured spectra of critical 2D/3D Ising and 3D Heisenberg Wolff ensembles, exponents against 2 - eta) and \"nonlinear networks\" (one-layer, two-layer-local:1 and conv:3:1:odd trained by denoising score matching on critical 2D phi^4 samples: training time against L, and generation at a fixed budget with exact ODE log-densities, ESS and reweighting). About 1.5 minutes on 2 cores (--quick: about 10-40 s; --large: L = 128 in the issue-7 studies and L = 64 in the nonlinear one, about 5 minutes). Progress on stderr: one line per stage with the elapsed time and an ETA for the whole run, and the sweeps' own progress. " +
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
            // One line per stage on stderr, so that a user sees where the whole run is: "reproduce [k/N] stage (elapsed E, ETA ~R)".
            var sweepSpecs = ReproducePlan.Sweeps(isQuick, s);
            var progress = new ReproduceProgress(o, 1 + sweepSpecs.Count + 6, ReproduceProgress.Weights(isQuick, isLarge));
            void Stage(string name) => progress.Stage(name);
            Stage("exact sampler against exact observables");
            var samples = Sampling(o, isQuick ? 200 : 2000, s, out string observablesCsv, out var samplingRows);
            Checkpoint.WriteAtomic(Path.Combine(dir, "observables.csv"), observablesCsv);
            var sweeps = sweepSpecs.Select(spec =>
            {
                Stage($"sweep {spec.Name}");
                return Experiment.Run(o, spec, Path.Combine(dir, spec.Name), Shard.All, workers, report: true, cancellation);
            }).ToArray();
            var population = sweeps.Where(w => w.Spec.Mode == TrainingMode.Population).Select(w => w.Summary).ToArray();
            Stage("C3 under SGD: stability scans");
            var stability = Stability(o, ReproducePlan.Stability(isQuick, isLarge, s), Path.Combine(dir, "sgd-stability", "scans"), workers, cancellation);
            Stage("C4: local architectures");
            var local = Local(o, ReproducePlan.Local(isQuick, isLarge, s), Path.Combine(dir, "local-architectures", "runs"), workers, cancellation);
            var sgdVerdicts = new[] { StabilityReport.Judge(stability.Gd, stability.Sgd, stability.OneLayerSgd), StabilityReport.JudgeOptimizers(stability.Optimizers) };
            var localVerdict = LocalArchitectureReport.Judge(local);
            Stage("C4 under SGD");
            var localSgd = LocalSgd(o, stability.Sgd.Spec, local, Path.Combine(dir, "sgd-stability", "scans"), workers, cancellation);
            var localSgdVerdict = LocalArchitectureReport.JudgeSgd(localSgd);
            var claims = Claims.Judge(population, ReproducePlan.LocalArchitecture.Name).Concat(sgdVerdicts).Append(localVerdict).Append(localSgdVerdict).ToArray();
            Stage("Monte Carlo baseline");
            var scans = Baseline(o, sweeps[0].Spec, isQuick, s, workers);
            Stage("beyond the Gaussian limit");
            var beyondSpec = ReproducePlan.BeyondGaussian(isQuick, s);
            string beyondFolder = Path.Combine(dir, isQuick ? "quick-beyond-gaussian" : "beyond-gaussian");
            var beyond = BeyondGaussianStudy.Run(beyondSpec, beyondFolder, workers, new Progress<BeyondGaussianPoint>(p =>
                o.Note(string.Create(CultureInfo.InvariantCulture,
                    $"beyond-gaussian: {p.Series} L={p.Length}: chi = {p.Susceptibility.Value:G4}, steps {string.Join(", ", p.Training.Select(t => $"{t.Architecture} {t.Steps}"))} ({p.WallSeconds:F1} s)"))),
                cancellation);
            var beyondVerdicts = BeyondGaussianReport.Judge(beyondSpec, beyond);
            claims = claims.Concat(beyondVerdicts).ToArray();
            Stage("nonlinear networks on critical phi^4 samples");
            var nonlinearSpec = ReproducePlan.Nonlinear(isQuick, isLarge, s);
            string nonlinearFolder = Path.Combine(dir, isQuick ? "quick-nonlinear" : "nonlinear");
            var nonlinear = NonlinearStudy.Run(nonlinearSpec, nonlinearFolder, workers, new SynchronousProgress(line => o.Note("nonlinear: " + line)), cancellation);
            var nonlinearVerdicts = NonlinearReport.Judge(nonlinear);
            claims = claims.Concat(nonlinearVerdicts).ToArray();
            var report = Report(isQuick, claims, samplingRows, sweeps);
            report.Section("C3 under SGD");
            StabilityReport.Add(report, Path.Combine(dir, "sgd-stability"), stability.Gd, stability.Sgd, stability.OneLayerSgd, stability.Optimizers, sgdVerdicts, "sgd-stability/");
            report.Section("C4: local architectures");
            LocalArchitectureReport.Add(report, Path.Combine(dir, "local-architectures"), local, localVerdict, "local-architectures/");
            LocalArchitectureReport.AddSgd(report, localSgd, localSgdVerdict);
            report.Section("Baseline: Monte Carlo critical slowing down");
            BaselineReport.Add(report, Path.Combine(dir, "mcmc-baseline"), scans, sweeps[0].Summary, "mcmc-baseline/");
            report.Section("Beyond the Gaussian limit: critical O(n) data");
            BeyondGaussianReport.Add(report, beyondFolder, beyondSpec, beyond, beyondVerdicts, Path.GetFileName(beyondFolder) + "/");
            report.Section("Nonlinear networks on critical phi^4 samples");
            NonlinearReport.Add(report, nonlinearFolder, nonlinear, nonlinearVerdicts, Path.GetFileName(nonlinearFolder) + "/");
            report.Save(dir);
            Checkpoint.WriteAtomic(Path.Combine(dir, "claims.csv"), Claims.ToCsv(claims));
            var summary = new JsonObject
            {
                ["quick"] = isQuick,
                ["seed"] = s,
                ["claims"] = new JsonArray(claims.Select(c => (JsonNode?)new JsonObject
                {
                    ["id"] = c.Id, ["statement"] = c.Statement, ["verdict"] = c.Verdict, ["reproduced"] = c.Reproduced,
                    ["evidence"] = c.Evidence, ["criterion"] = c.Criterion,
                }).ToArray()),
                ["experiments"] = new JsonArray(sweeps.Select(w => (JsonNode?)Experiment.ToJson(w.Summary, Path.Combine(dir, w.Spec.Name))).ToArray()),
                ["sampling"] = samples,
                ["sgd_stability"] = new JsonArray(stability.Optimizers.Append(stability.OneLayerSgd)
                    .Select(sc => (JsonNode?)StabilityOutput.Summary(sc)).ToArray()),
                ["local_architectures"] = LocalJson(local),
                ["local_sgd_stability"] = new JsonArray(localSgd.Select(sc => (JsonNode?)StabilityOutput.Summary(sc)).ToArray()),
                ["mcmc_baseline"] = new JsonArray(scans.Select(sc => (JsonNode?)new JsonObject
                {
                    ["algo"] = sc.Algorithm, ["z"] = Output.Number(sc.DynamicExponent), ["z_err"] = Output.Number(sc.DynamicExponentError),
                    ["L"] = new JsonArray(sc.Runs.Select(r => (JsonNode?)r.Field.Lattice.Length).ToArray()),
                    ["tau_M2"] = new JsonArray(sc.Runs.Select(r => Output.Number(r.TauMagnetisationSquared.Mean)).ToArray()),
                    ["tau_M2_err"] = new JsonArray(sc.Runs.Select(r => Output.Number(r.TauMagnetisationSquared.Error)).ToArray()),
                }).ToArray()),
                ["beyond_gaussian"] = BeyondJson(beyondSpec, beyond),
                ["nonlinear"] = NonlinearJson(nonlinear),
                ["out"] = dir,
                ["wall_seconds"] = progress.Elapsed.TotalSeconds,
            };
            Checkpoint.WriteAtomic(Path.Combine(dir, "summary.json"), Output.ToFileJson(summary));
            o.Note($"wrote {dir}/report.md, report.html, summary.json, claims.csv ({progress.Elapsed.TotalSeconds:F1} s)");
            if (o.Json) o.WriteJson(summary);
            else
            {
                var table = new Table().AddColumns("claim", "verdict", "criterion");
                foreach (var c in claims) table.AddRow(c.Id, c.Verdict, Markup.Escape(c.Criterion));
                ModelCommand.Console(o).Write(table);
                o.Out.WriteLine($"report: {Path.Combine(dir, "report.html")}");
            }
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>
    /// tau_int(M^2) of heat bath and Fourier-accelerated HMC on the first sweep's field family (d = 2,
    /// xi/L = 1/4) at L = 8, 16, 32 (quick: 8, 16); runs of ~300 tau_int or more at the largest L.
    /// </summary>
    private static IReadOnlyList<AutocorrelationScan> Baseline(Output o, ScalingSpec spec, bool quick, ulong seed, int workers)
    {
        int[] sizes = quick ? [8, 16] : [8, 16, 32];
        var scans = new List<AutocorrelationScan>();
        foreach (var (algo, sweeps) in new[] { ("heatbath", quick ? 5_000 : 20_000), ("fa-hmc", quick ? 1_000 : 2_000) })
        {
            var scan = AutocorrelationScan.Run(spec.Family.Build, spec.Dimension, sizes, algo,
                new McmcSettings(sweeps, sweeps / 10, Chains: 2, Seed: seed, Threads: workers));
            o.Note(string.Create(CultureInfo.InvariantCulture,
                $"mcmc-baseline: {algo} tau_int(M^2) {string.Join(", ", scan.Runs.Select(r => $"{r.TauMagnetisationSquared.Mean:F2} (L={r.Field.Lattice.Length})"))}; z = {scan.DynamicExponent:F2}"));
            scans.Add(scan);
        }
        return scans;
    }

    private sealed record StabilityRuns(StabilityScanResult Gd, StabilityScanResult Sgd, StabilityScanResult OneLayerSgd,
        IReadOnlyList<StabilityScanResult> Optimizers);

    private static StabilityRuns Stability(Output o, (StabilitySpec Gd, StabilitySpec Sgd, StabilitySpec OneLayerSgd, IReadOnlyList<StabilitySpec> Optimizers) plan,
        string folder, int workers, CancellationToken cancellation)
    {
        var done = new Dictionary<StabilitySpec, StabilityScanResult>();
        StabilityScanResult Run(StabilitySpec spec)
        {
            if (done.TryGetValue(spec, out var known)) return known;
            var scan = StabilityScan.Run(spec, null, workers, cancellation, folder);
            o.Note(string.Create(CultureInfo.InvariantCulture,
                $"sgd-stability: {StabilityReport.Label(scan)}: stable lr {string.Join(", ", scan.Rows.Select(r => $"{r.Stability.StableRate:G3} (L={r.Length})"))}; {scan.WallSeconds:F1} s{Reused(scan.Reused)}"));
            return done[spec] = scan;
        }
        var optimizers = plan.Optimizers.Select(Run).ToArray();
        return new StabilityRuns(Run(plan.Gd), Run(plan.Sgd), Run(plan.OneLayerSgd), optimizers);
    }

    private static LocalStudyResult Local(Output o, LocalStudySpec spec, string folder, int workers, CancellationToken cancellation)
    {
        var study = LocalArchitectureStudy.Run(spec, workers, cancellation, folder);
        o.Note(string.Create(CultureInfo.InvariantCulture,
            $"local-architectures: {spec.Candidates.Count} networks x {spec.Sizes.Count} sizes; {study.WallSeconds:F1} s; {study.Reused} of {study.Rows.Count} run(s) reused from {folder}"));
        return study;
    }

    /// <summary>
    /// SGD stability scans, in the setting of "C3 under SGD", of the C4 network from the balanced start and
    /// of the local multi-layer network closest to the exact score among those that keep the speed-up under GD.
    /// </summary>
    /// <summary>The log's mark of a result read from an earlier run (resume).</summary>
    private static string Reused(bool reused) => reused ? " (reused from an earlier run)" : "";

    private static IReadOnlyList<StabilityScanResult> LocalSgd(Output o, StabilitySpec sgd, LocalStudyResult local, string folder, int workers,
        CancellationToken cancellation)
    {
        var picks = new List<ArchitectureCandidate> { new(ReproducePlan.LocalArchitecture) };
        var closest = local.Fits.Where(f => f.KeepsSpeedUp() && f.Candidate.Architecture.MomentArchitecture is { Depth: > 1 })
            .OrderBy(f => f.GapAtLargest).FirstOrDefault();
        if (closest is not null && closest.Candidate != picks[0]) picks.Add(closest.Candidate);
        return picks.Select(c =>
        {
            var scan = StabilityScan.Run(sgd with { Architecture = c.Architecture, Start = c.Start }, null, workers, cancellation, folder);
            o.Note(string.Create(CultureInfo.InvariantCulture,
                $"local-sgd: {c.Label}: stable lr {string.Join(", ", scan.Rows.Select(r => $"{r.Stability.StableRate:G3} (L={r.Length})"))}; {scan.WallSeconds:F1} s{Reused(scan.Reused)}"));
            return scan;
        }).ToArray();
    }

    private static JsonArray BeyondJson(BeyondGaussianSpec spec, IReadOnlyList<BeyondGaussianPoint> points) =>
        new(spec.Series.Select(series =>
        {
            var (fits, chi) = BeyondGaussianStudy.Fit(points, series.Name);
            var rows = points.Where(p => p.Series == series.Name).OrderBy(p => p.Length).ToArray();
            var o = new JsonObject
            {
                ["series"] = series.Name,
                ["n"] = series.Components == 0 ? null : series.Components,
                ["d"] = series.Dimension,
                ["L"] = new JsonArray(rows.Select(p => (JsonNode?)p.Length).ToArray()),
                ["chi"] = new JsonArray(rows.Select(p => Output.Number(p.Susceptibility.Value)).ToArray()),
                ["chi_err"] = new JsonArray(rows.Select(p => Output.Number(p.Susceptibility.Error)).ToArray()),
                ["chi_exponent"] = Output.Number(chi?.PowerExponent),
                ["chi_exponent_err"] = Output.Number(chi?.PowerExponentError),
                ["predicted_exponent"] = series.PredictedExponent,
            };
            foreach (var (arch, fit) in fits)
            {
                o[arch] = new JsonObject
                {
                    ["steps"] = new JsonArray(rows.Select(p => (JsonNode?)p.Training.First(t => t.Architecture == arch).Steps).ToArray()),
                    ["steps_err"] = new JsonArray(rows.Select(p => Output.Number(p.Training.First(t => t.Architecture == arch).StepsError)).ToArray()),
                    ["predicted_steps"] = new JsonArray(rows.Select(p => (JsonNode?)p.Training.First(t => t.Architecture == arch).PredictedSteps).ToArray()),
                    ["power_exponent"] = Output.Number(fit?.PowerExponent),
                    ["power_exponent_err"] = Output.Number(fit?.PowerExponentError),
                    ["log_slope"] = Output.Number(fit?.LogSlope),
                };
            }
            return (JsonNode?)o;
        }).ToArray());

    private static JsonObject NonlinearJson(NonlinearResult result) => new()
    {
        ["spec"] = JsonFormats.SerializeToNode(result.Spec),
        ["ensembles"] = JsonFormats.SerializeToNode(result.Ensembles.Select(e => e with { Magnetisations = [] }).ToArray()),
        ["training"] = JsonFormats.SerializeToNode(result.Training),
        ["slowest"] = JsonFormats.SerializeToNode(result.Slowest()),
        ["fits"] = new JsonArray(result.Spec.Architectures.Select(a => (JsonNode?)new JsonObject
        {
            ["arch"] = a,
            ["power_exponent"] = Output.Number(result.Fit(a)?.PowerExponent),
            ["power_exponent_err"] = Output.Number(result.Fit(a)?.PowerExponentError),
            ["log_slope"] = Output.Number(result.Fit(a)?.LogSlope),
        }).ToArray()),
        ["generation"] = JsonFormats.SerializeToNode(result.Generation),
        ["wall_seconds"] = result.WallSeconds,
        ["reused"] = result.Reused,
    };

    /// <summary>IProgress that runs the handler on the reporting thread.</summary>
    private sealed class SynchronousProgress(Action<string> handler) : IProgress<string>
    {
        public void Report(string value) => handler(value);
    }

    private static JsonObject LocalJson(LocalStudyResult study) => new()
    {
        ["sizes"] = new JsonArray(study.Spec.Sizes.Select(l => (JsonNode?)l).ToArray()),
        ["t"] = study.Spec.Time,
        ["networks"] = new JsonArray(study.Fits.Select(f => (JsonNode?)new JsonObject
        {
            ["arch"] = f.Candidate.Architecture.Name,
            ["start"] = f.Candidate.Start,
            ["params_at_largest_L"] = f.Parameters,
            ["optimum_gap_to_exact_at_largest_L"] = Output.Number(f.GapAtLargest),
            ["steps"] = new JsonArray(study.Rows.Where(r => r.Candidate == f.Candidate).OrderBy(r => r.Length).Select(r => (JsonNode?)r.Steps).ToArray()),
            ["optimum_gap_to_exact"] = new JsonArray(study.Rows.Where(r => r.Candidate == f.Candidate).OrderBy(r => r.Length).Select(r => Output.Number(r.OptimumGap)).ToArray()),
            ["converged"] = f.AllConverged,
            ["steps_power_exponent"] = Output.Number(f.Fit?.PowerExponent ?? double.NaN),
            ["steps_log_slope"] = Output.Number(f.Fit?.LogSlope ?? double.NaN),
            ["preferred"] = f.Fit?.Preferred,
            ["keeps_speed_up"] = f.KeepsSpeedUp(),
        }).ToArray()),
    };

    private static ReportDocument Report(bool quick, IReadOnlyList<ClaimVerdict> claims, IReadOnlyList<IReadOnlyList<string>> samplingRows,
        IReadOnlyList<SweepOutput> sweeps)
    {
        var report = new ReportDocument("CritDiff: does score learning slow down at a critical point?");
        report.Verdicts(claims);
        report.Text(ReproduceIntroduction.Text(quick, claims));
        report.Section("Claims");
        foreach (var c in claims)
            report.Text($"**{c.Id} ({c.Verdict})**: {c.Statement} Measured: {c.Evidence}. Criterion: {c.Criterion}.");
        report.Section("Target field: exact sampler against exact observables");
        report.Table(["model", "observable", "exact", "measured", "z (SE)"], samplingRows);
        foreach (var sweep in sweeps)
        {
            report.Section($"Experiment {sweep.Spec.Name}");
            SweepReport.AddSweep(report, sweep.Spec, sweep.Summary, sweep.Figures, sweep.Spec.Name + "/");
        }
        return report;
    }

    private static JsonArray Sampling(Output o, int n, ulong seed, out string csv, out List<IReadOnlyList<string>> tableRows)
    {
        var runs = new JsonArray();
        var lines = new StringBuilder("model,d,L,observable,exact,measured,error,z\n");
        tableRows = [];
        foreach (var (name, d, l, build) in Models)
        {
            var field = build(new Lattice(d, l));
            ulong modelSeed = seed + (ulong)Array.FindIndex(Models, m => m.Name == name); // independent noise per model
            var data = new ExactSampler(field).Sample(n, modelSeed);
            var m = FieldMeasurement.Measure(field.Lattice, data, n);
            var run = SampleCommand.Summary(field, n, null, modelSeed, m, 0);
            run.Remove("out");
            run.Remove("wall_seconds");
            run["name"] = name;
            var z = new JsonObject();
            foreach (var (key, exact, stats) in new[]
            {
                ("chi", field.Susceptibility, m.Susceptibility), ("xi2", field.SecondMomentCorrelationLength, m.SecondMomentLength),
                ("energy", field.Energy, m.Energy), ("G0", field.LocalVariance, m.LocalVariance),
            })
            {
                double score = stats.StandardScore(exact);
                z[key] = Output.Number(score);
                lines.Append(CultureInfo.InvariantCulture, $"{name},{d},{l},{key},{exact:R},{stats.Mean:R},{stats.Error:R},{score:R}\n");
                tableRows.Add([name, key, Output.Format(exact), stats.ToString(), SweepReport.Z(score)]);
            }
            run["z_scores"] = z;
            runs.Add((JsonNode)run);
            o.Note($"sampled {name}: {n} configurations");
        }
        csv = lines.ToString();
        return runs;
    }
}
