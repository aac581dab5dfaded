using System.CommandLine;
using System.Globalization;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Statistics;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>
/// <c>critdiff critical</c>: the critical coupling of a finite-n family (O(n) spins in beta_unit, phi^4 in kappa at fixed
/// lambda) from crossings of the Binder cumulant U(L, coupling) between successive sizes, as a resumable run folder.
/// </summary>
internal static class CriticalCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var model = new ModelOptions();
        var target = new TargetOptions();
        var sizes = new Option<string>("--L") { Description = "Comma-separated increasing sizes, at least 2 (crossings of successive pairs), e.g. 8,12,16.", Required = true };
        var lower = new Option<double?>("--lower")
        {
            Description = "Lower end of the coupling window (beta_unit for --model on, kappa for phi4), in [1e-6, 1e4]. " +
                          "Default for --model on: 0.95 x the literature beta_unit where one is known; otherwise required.",
        };
        var upper = new Option<double?>("--upper") { Description = "Upper end of the coupling window, > --lower and <= 1e4 (default: 1.05 x the literature value)." };
        var points = new Option<int>("--points") { Description = "Couplings per size in the window, 3..999 (equally spaced).", DefaultValueFactory = _ => 7 };
        var refine = new Option<int>("--refine") { Description = "Refinement stages, 0..4: each reruns the grid in a window narrowed around the previous estimate (never past the couplings bracketing the crossing), or widened by half its width on the side where the crossing lies at or beyond the edge.", DefaultValueFactory = _ => 0 };
        var sweeps = new Option<int>("--sweeps") { Description = "Measured sweeps per chain at every (L, coupling), >= 16.", DefaultValueFactory = _ => 4000 };
        var thermalize = new Option<int>("--thermalize") { Description = "Thermalisation sweeps per chain, >= 0.", DefaultValueFactory = _ => 500 };
        var chains = new Option<int>("--chains") { Description = "Chains per (L, coupling), >= 1.", DefaultValueFactory = _ => 2 };
        var algo = new Option<string>("--algo") { Description = "Markov kernel (see 'critdiff mcmc --help'); wolff (default) decorrelates fastest near the critical point.", DefaultValueFactory = _ => "wolff" };
        var folder = new Option<string>("--out") { Description = "Run folder: config.json, jobs/ (one atomic file per (stage, L, coupling)), summary.json; a rerun skips finished jobs.", Required = true };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("critical",
            "Locate the critical coupling of O(n) spins (--model on: beta_unit, unit-spin convention) or phi^4 (--model phi4: kappa at " +
            "fixed --lambda) from crossings of the Binder cumulant U = 1 - (n/(n+2)) <|M|^4>/<|M|^2>^2 between successive sizes: " +
            "where U(L1) - U(L2) changes sign, each size's U is fitted locally (quadratic over the 4 couplings nearest the sign change, " +
            "2 on each side) and the fits' crossing is taken; errors by resampling U within its errors (scaled by sqrt(chi2/dof) when " +
            "that exceeds 1), chi2_per_dof and fit_quality reported, pairs combined. --refine widens the window where the sign change " +
            "lies at or beyond an edge and otherwise narrows it, never past the couplings that bracket the sign change. " +
            "Jobs are written to --out as they finish; a rerun resumes. Exit 0 with a crossing; exit 3 (coupling null, complete false, " +
            "a warning saying on which side to move the window) when the measured U do not cross. " + ModelMcmcOutput.Conventions);
        command.Options.Add(model.Dimension);
        command.Options.Add(sizes);
        target.AddTo(command);
        foreach (var option in new Option[] { lower, upper, points, refine, sweeps, thermalize, chains, algo, folder, json, seed, threads })
            command.Options.Add(option);
        command.SetAction((result, cancellation) =>
        {
            var o = output(result.GetValue(json));
            int d = result.GetValue(model.Dimension);
            ModelOptions.CheckDimension(d);
            string kind = target.Kind(result);
            if (kind == "gaussian") throw new UsageException("--model must be on or phi4: the Gaussian model's critical point is exact (beta_c(d), 'critdiff model --critical')");
            int n = result.GetValue(target.Components) ?? 1;
            if (n is < 1 or > SpinModel.MaxComponents) throw new UsageException($"--n must be in 1..{SpinModel.MaxComponents} (got {n})");
            if (result.GetValue(target.BetaUnit) is not null || result.GetValue(target.Kappa) is not null)
                throw new UsageException("critical scans the coupling: give the window with --lower and --upper instead of --beta-unit or --kappa");
            double lambda = 0;
            if (kind == "phi4")
            {
                lambda = result.GetValue(target.Lambda) ?? throw new UsageException("--model phi4 needs --lambda (> 0: at lambda = 0 there is no transition)");
                if (lambda == 0) throw new UsageException("--lambda must be > 0 for a critical point (got 0)");
                TargetOptions.CheckCoupling("--lambda", lambda, zero: false);
            }
            else if (result.GetValue(target.Lambda) is not null) throw new UsageException("--lambda applies to --model phi4, not to --model on");
            var lengths = ModelOptions.ParseSizes(result.GetValue(sizes)!, d);
            if (lengths.Length < 2) throw new UsageException("--L needs at least 2 sizes: crossings come from pairs");
            if (!lengths.Zip(lengths.Skip(1)).All(p => p.Second > p.First)) throw new UsageException($"--L must be increasing (got {result.GetValue(sizes)})");
            double? literature = kind == "on" ? LiteratureCriticalPoints.Of(d, n)?.BetaUnit : null;
            double lo = result.GetValue(lower) ?? (literature is { } a ? CriticalPointWindow.Lower(a) : throw new UsageException(
                $"--lower and --upper are required: no literature coupling for {(kind == "on" ? $"O({n}) in d = {d}" : "phi^4")} to centre a default window on"));
            double hi = result.GetValue(upper) ?? (literature is { } b ? CriticalPointWindow.Upper(b) : throw new UsageException("--upper is required with --lower"));
            TargetOptions.CheckCoupling("--lower", lo, zero: false);
            TargetOptions.CheckCoupling("--upper", hi, zero: false);
            if (!(hi > lo && double.IsFinite(hi))) throw new UsageException($"--upper must be > --lower (got [{lo.ToString(CultureInfo.InvariantCulture)}, {hi.ToString(CultureInfo.InvariantCulture)}])");
            int p = result.GetValue(points), r = result.GetValue(refine), sw = result.GetValue(sweeps), th = result.GetValue(thermalize), ch = result.GetValue(chains);
            if (p is < 3 or > 999) throw new UsageException($"--points must be in 3..999 (got {p})");
            if (r is < 0 or > 4) throw new UsageException($"--refine must be in 0..4 (got {r})");
            Limits.Count("--sweeps", sw, 16, Limits.MaxSweeps);
            Limits.Count("--thermalize", th, 0, Limits.MaxSweeps);
            Limits.Count("--chains", ch, 1, Limits.MaxChains);
            long values = (long)n * (long)Math.Pow(lengths[^1], d);
            if (values > TargetOptions.MaxConfigurationValues)
                throw new UsageException($"--n: n V = {n} x {(long)Math.Pow(lengths[^1], d)} values per configuration at L = {lengths[^1]} is above the limit {TargetOptions.MaxConfigurationValues} (2^24); lower --n or --L");
            // Jobs run in parallel (one per thread), each keeping its per-sweep series per chain (McmcCommand.ModelKeptPerChain:
            // six, and n more for the chain comparison at 2 <= n <= 4) and its chains alive (Limits.ModelChainBytesPerValue per value).
            int parallelJobs = Limits.Workers(CommonOptions.CheckThreads(result.GetValue(threads)));
            double series = McmcCommand.ModelKeptPerChain(sw, 0, 1, n);
            Limits.Memory("--sweeps", series * parallelJobs * ch, $"{parallelJobs} parallel job(s) x {ch} chain(s) x {sw} sweeps");
            Limits.Memory("--chains", parallelJobs * ch * (series + Limits.ModelChainBytesPerValue * values),
                $"{parallelJobs} parallel job(s) x {ch} chain(s) of n V = {values} values at L = {lengths[^1]}, with their series");
            var spec = new CriticalPointSpec
            {
                Family = kind, Components = n, Dimension = d, Lambda = lambda, Sizes = lengths, Lower = lo, Upper = hi, Points = p,
                Sweeps = sw, Thermalization = th, Chains = ch, Seed = result.GetValue(seed), Algorithm = result.GetValue(algo)!, Refinements = r,
            };
            McmcOptions.CheckModelAlgorithm(spec.Algorithm, spec.Build(lengths[0], lo));
            int workers = CommonOptions.CheckThreads(result.GetValue(threads));
            string dir = CommonOptions.CheckWritableFolder("--out", result.GetValue(folder)!);
            int jobs = lengths.Length * p;
            o.Note($"critical: {kind} n = {n}, d = {d}, L = {string.Join(", ", lengths)}, {spec.CouplingName} in [{lo.ToString("G6", CultureInfo.InvariantCulture)}, {hi.ToString("G6", CultureInfo.InvariantCulture)}]: {jobs} job(s) per stage -> {dir}");
            // The total counts every stage; a refinement that stops early (or jobs finished in an earlier run) leave it short.
            int reusedJobs = 0;
            var found = JobProgress.Run(o, "critical", jobs * (r + 1), bar => new CriticalPointFinder { Reused = count => bar.Reused(reusedJobs = count) }
                .Run(spec, new StudyRun { Folder = dir, Threads = workers, Cancellation = cancellation, Progress = bar }));
            foreach (string w in found.Warnings) o.Note("warning: " + w);
            if (o.Json) o.WriteJson(MonteCarloSummary.Critical(found, dir, reusedJobs, literature));
            else
            {
                var table = new Table().AddColumns("sizes", spec.CouplingName + " crossing", "U at crossing", "local fit chi2/dof");
                foreach (var c in found.Crossings)
                    table.AddRow($"{c.SmallerSize}, {c.LargerSize}", c.Coupling.ToString(), c.BinderAtCrossing.ToString(),
                        $"{c.ChiSquarePerDof.ToString("F2", CultureInfo.InvariantCulture)} ({c.FitQuality})");
                var console = ModelCommand.Console(o);
                console.Write(table);
                o.Out.WriteLine((found.Found ? $"{spec.CouplingName}_c = {found.Coupling}, U* = {found.BinderAtCrossing}, local fit chi2/dof = " +
                                                 $"{found.Final!.FitChiSquarePerDof.ToString("F2", CultureInfo.InvariantCulture)} ({found.Final.FitQuality})"
                                               : $"{spec.CouplingName}_c: no crossing found") +
                                  (literature is { } l2 ? $" (literature {l2.ToString("G8", CultureInfo.InvariantCulture)})" : ""));
            }
            return Task.FromResult(found.Found ? 0 : 3);
        });
        return command;
    }
}
