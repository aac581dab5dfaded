using System.Globalization;
using System.Text;
using CritDiff.Experiments;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Statistics;

namespace CritDiff.Reporting;

/// <summary>
/// The "nonlinear networks" section (issue 12): training time by denoising score matching on critical phi^4 samples against L
/// for one-layer, a local two-layer linear network and a local nonlinear conv network; generation at a fixed budget (ESS per
/// sample, reweighted and raw observables against Monte Carlo); verdicts by the criteria stated in <see cref="Judge"/>.
/// </summary>
public static class NonlinearReport
{
    /// <summary>The nonlinear network the verdicts are about: the first network of the spec that is not linear in x (its name as stored).</summary>
    public static string? NonlinearArchitecture(NonlinearSpec spec) =>
        spec?.Architectures.FirstOrDefault(a => !NetworkCatalog.Parse(a).IsLinear);

    /// <summary>
    /// NL-C1: one-layer trains slower as L grows: every size converged and steps ~ L^p with p &gt;= 1 (population GD on a
    /// Gaussian spectrum predicts 2 - eta = 1.75; this is Adam on samples, so only a clear power growth is asked for).
    /// NL-C3: the local nonlinear network keeps the speed-up: every size converged and p &lt; 1 (claim C3's criterion), with
    /// no more parameters than one-layer at every L.
    /// NL-C2 (claim C2 on these data): at a fixed budget, samples generated from one-layer get worse as L grows:
    /// |ln(chi_generated / chi_MC)| rises with every L and the magnetisation-histogram distance to Monte Carlo is larger at the
    /// largest L than at the smallest (ESS/N is reported but not judged: it sits at its floor 1/N once V is large).
    /// NL-C4: the conv network's samples carry the critical correlations after the same budget: |ln(chi_generated / chi_MC)|
    /// &lt;= <see cref="QualityTolerance"/> at every L (a local network can train fast and still miss long-range order).
    /// NL-reweight: wherever the ESS is at least <see cref="MinimumEss"/> samples, the reweighted chi agrees with Monte Carlo
    /// within 3 combined standard errors (a check of the exact log-density, not a claim of the paper).
    /// </summary>
    public static IReadOnlyList<ClaimVerdict> Judge(NonlinearResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var spec = result.Spec;
        string? conv = NonlinearArchitecture(spec);
        var slowest = result.Slowest();
        string? caveat = Claims.SizeCaveat("nonlinear study", spec.Sizes);
        var verdicts = new List<ClaimVerdict>();

        string StepsOf(string arch) => string.Join(", ", slowest.Where(r => r.Architecture == arch).OrderBy(r => r.Length)
            .Select(r => r.Converged ? r.Steps!.Value.ToString(CultureInfo.InvariantCulture) : r.Diverged ? "diverged" : $">{r.StepsRun}"));
        bool AllConverged(string arch) => slowest.Where(r => r.Architecture == arch).All(r => r.Converged);

        var oneFit = result.Fit(NetworkCatalog.OneLayer.Name);
        verdicts.Add(new ClaimVerdict("NL-C1", "On critical phi^4 samples (2D Ising class), DSM training of the one-layer network slows down as L grows.",
            I($"one-layer steps (slowest slice) {StepsOf(NetworkCatalog.OneLayer.Name)} at L = {string.Join(", ", spec.Sizes)}") +
            (oneFit is null ? "" : I($", ~L^({SweepReport.PlusMinus(oneFit.PowerExponent, oneFit.PowerExponentError)})")),
            "every size converged and power exponent >= 1",
            oneFit is null ? (AllConverged(NetworkCatalog.OneLayer.Name) ? null : false) : AllConverged(NetworkCatalog.OneLayer.Name) && oneFit.PowerExponent >= 1) { Caveat = caveat });

        if (conv is not null)
        {
            var convFit = result.Fit(conv);
            var network = NetworkCatalog.Parse(conv);
            bool fewer = spec.Sizes.All(l => network.ParameterCount(new Lattice(spec.Dimension, l), spec.Components) <= Math.Pow(l, spec.Dimension));
            verdicts.Add(new ClaimVerdict("NL-C3", I($"A local nonlinear network ({conv}) with no more parameters than one-layer keeps the speed-up (~log L) on critical samples."),
                I($"{conv} steps {StepsOf(conv)}") + (convFit is null ? "" : I($", ~L^({SweepReport.PlusMinus(convFit.PowerExponent, convFit.PowerExponentError)}), log slope {convFit.LogSlope:G3}")) +
                I($"; {network.ParameterCount(new Lattice(spec.Dimension, spec.Sizes[0]), spec.Components)} parameters per slice against V = {Math.Pow(spec.Sizes[0], spec.Dimension)} at L = {spec.Sizes[0]}"),
                "every size converged, power exponent < 1 (as claim C3), parameters <= V at every L",
                convFit is null ? (AllConverged(conv) ? null : false) : AllConverged(conv) && convFit.PowerExponent < 1 && fewer) { Caveat = caveat });
        }

        var oneGen = result.Generation.Where(g => g.Architecture == NetworkCatalog.OneLayer.Name).OrderBy(g => g.Length).ToArray();
        bool? c2 = null;
        if (oneGen.Length >= 2 && oneGen.All(g => LogChiError(result, g) is not null))
        {
            var errors = oneGen.Select(g => LogChiError(result, g)!.Value).ToArray();
            bool rising = errors.Zip(errors.Skip(1)).All(p => p.Second > p.First);
            bool histogram = oneGen[^1].MagnetisationDistance > oneGen[0].MagnetisationDistance;
            c2 = rising && histogram;
        }
        string Generation(string arch) => string.Join("; ", result.Generation.Where(g => g.Architecture == arch).OrderBy(g => g.Length).Select(g =>
            I($"L={g.Length}: chi {g.GeneratedSusceptibility.Value:G3} vs MC {result.Ensembles.First(e => e.Length == g.Length).Susceptibility.Value:G3}, M-histogram distance {g.MagnetisationDistance:F2}, ESS/N {g.EssFraction:G2}")));
        verdicts.Add(new ClaimVerdict("NL-C2", I($"With a fixed training budget ({spec.GenerationBudget} steps per slice) on critical phi^4 samples, samples generated from the one-layer network get worse as L grows."),
            NetworkCatalog.OneLayer.Name + " " + Generation(NetworkCatalog.OneLayer.Name) + (conv is null ? "" : $"; {conv} " + Generation(conv)),
            "|ln(chi_generated / chi_MC)| of one-layer rises with every L, and its magnetisation-histogram distance to Monte Carlo is larger at the largest L than at the smallest", c2) { Caveat = caveat });

        if (conv is not null)
        {
            var convGen = result.Generation.Where(g => g.Architecture == conv).OrderBy(g => g.Length).ToArray();
            var errors = convGen.Select(g => LogChiError(result, g)).ToArray();
            bool? quality = convGen.Length == 0 || errors.Any(e => e is null) ? null : errors.All(e => e <= QualityTolerance);
            verdicts.Add(new ClaimVerdict("NL-C4", I($"The fast local nonlinear network ({conv}) also generates the critical state after the same budget."),
                conv + " " + Generation(conv),
                I($"|ln(chi_generated / chi_MC)| <= {QualityTolerance} (chi within about 10 %) at every L"), quality) { Caveat = caveat });
        }

        var checkedRows = new List<string>();
        bool? reweightOk = null;
        foreach (var g in result.Generation.Where(g => g.EssFraction * g.Samples >= MinimumEss))
        {
            var mc = result.Ensembles.First(e => e.Length == g.Length).Susceptibility;
            var rw = g.ReweightedSusceptibility;
            if (rw.Value is not { } value || rw.Error is not { } error || mc.Value is not { } reference || mc.Error is not { } mcError) continue;
            double z = (value - reference) / Math.Sqrt(error * error + mcError * mcError);
            reweightOk = (reweightOk ?? true) && Math.Abs(z) <= 3;
            checkedRows.Add(I($"{g.Architecture} L={g.Length}: z = {SweepReport.Z(z)}"));
        }
        verdicts.Add(new ClaimVerdict("NL-reweight", "Importance weights from the exact ODE log-density recover the Monte Carlo susceptibility.",
            checkedRows.Count == 0 ? I($"no run with ESS >= {MinimumEss} samples (ESS/N: {string.Join(", ", result.Generation.Select(g => $"{g.Architecture} L={g.Length} {g.EssFraction:G2}"))})") : string.Join("; ", checkedRows),
            I($"|chi_reweighted - chi_MC| <= 3 combined SE wherever the ESS is at least {MinimumEss} samples (below that the jackknife error of a ratio of weighted means is not reliable)"), reweightOk));
        return verdicts;
    }

    /// <summary>|ln(chi_generated / chi_MC)| of a generation row, or null where either is missing or not positive.</summary>
    public static double? LogChiError(NonlinearResult result, NonlinearGenerationRow row)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(row);
        double? reference = result.Ensembles.FirstOrDefault(e => e.Length == row.Length)?.Susceptibility.Value;
        return row.GeneratedSusceptibility.Value is { } generated && generated > 0 && reference is { } mc && mc > 0 ? Math.Abs(Math.Log(generated / mc)) : null;
    }

    /// <summary>NL-C4's tolerance on |ln(chi_generated / chi_MC)|.</summary>
    public const double QualityTolerance = 0.1;

    /// <summary>Smallest effective sample size (ESS/N x N) at which NL-reweight compares a reweighted chi with Monte Carlo.</summary>
    public const double MinimumEss = 30;

    private static string Ess(IEnumerable<NonlinearGenerationRow> rows) =>
        string.Join(", ", rows.Select(r => r.EssFraction is { } e ? I($"{e:G3}") : "n/a"));

    /// <summary>Writes training.csv, generation.csv, ensembles.csv and the figures into <paramref name="folder"/> and adds the section.</summary>
    public static void Add(ReportDocument report, string folder, NonlinearResult result, IReadOnlyList<ClaimVerdict> verdicts, string prefix)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(verdicts);
        var spec = result.Spec;
        Directory.CreateDirectory(folder);
        var training = new StringBuilder("arch,L,t,parameters,steps,steps_run,converged,diverged,initial_excess,final_excess,reference_loss,reference_uncertainty\n");
        foreach (var r in result.Training)
            training.Append(CultureInfo.InvariantCulture,
                $"{SweepTables.Q(r.Architecture)},{r.Length},{r.Time:R},{r.Parameters},{r.Steps},{r.StepsRun},{SweepTables.B(r.Converged)},{SweepTables.B(r.Diverged)},{r.InitialExcess:R},{r.FinalExcess:R},{r.ReferenceLoss:R},{r.ReferenceUncertainty:R}\n");
        Checkpoint.WriteAtomic(Path.Combine(folder, "training.csv"), training.ToString());
        var generation = new StringBuilder("arch,L,budget,samples,ess_fraction,low_ess,chi_generated,chi_generated_err,chi_reweighted,chi_reweighted_err,chi_chain,chi_chain_err,binder_generated,binder_reweighted,acceptance,m_histogram_distance,diverged_slices\n");
        foreach (var g in result.Generation)
            generation.Append(CultureInfo.InvariantCulture,
                $"{SweepTables.Q(g.Architecture)},{g.Length},{g.Budget},{g.Samples},{g.EssFraction:R},{SweepTables.B(g.LowEss)},{g.GeneratedSusceptibility.Value:R},{g.GeneratedSusceptibility.Error:R},{g.ReweightedSusceptibility.Value:R},{g.ReweightedSusceptibility.Error:R},{g.ChainSusceptibility.Value:R},{g.ChainSusceptibility.Error:R},{g.GeneratedBinder.Value:R},{g.ReweightedBinder.Value:R},{g.Acceptance:R},{g.MagnetisationDistance:R},{g.DivergedSlices}\n");
        Checkpoint.WriteAtomic(Path.Combine(folder, "generation.csv"), generation.ToString());
        var ensembles = new StringBuilder("L,configurations,tau_int,spacing,abs_m,abs_m_err,chi,chi_err,binder,binder_err,energy,energy_err\n");
        foreach (var e in result.Ensembles)
            ensembles.Append(CultureInfo.InvariantCulture,
                $"{e.Length},{e.Configurations},{e.TauInt:R},{e.Spacing},{e.AbsMagnetisation.Value:R},{e.AbsMagnetisation.Error:R},{e.Susceptibility.Value:R},{e.Susceptibility.Error:R},{e.Binder.Value:R},{e.Binder.Error:R},{e.Energy.Value:R},{e.Energy.Error:R}\n");
        Checkpoint.WriteAtomic(Path.Combine(folder, "ensembles.csv"), ensembles.ToString());

        report.Text(I($"Critical one-component phi^4 in d = {spec.Dimension} (2D Ising class), lambda = {spec.Lambda}, kappa = {spec.Kappa} ") +
                    $"(measured here: Binder crossing L = 16/32 at {Stats.Format(NonlinearSpec.CriticalKappaAtLambdaOne, NonlinearSpec.CriticalKappaError)}), " +
                    I($"{spec.Configurations} configurations per size from a {spec.Algorithm} chain. Networks are trained by denoising score matching on these samples ") +
                    I($"(Adam, rate {spec.LearningRate}, batch {spec.BatchSize}) at t = {string.Join(", ", spec.Times)} (VP). No exact optimum is known for non-Gaussian data, ") +
                    I($"so the training time is the number of steps until the loss on a fixed validation set ({spec.ValidationSize} configurations with fixed noise) is within eps = {spec.Eps} ") +
                    I($"of its initial excess over a reference: the lowest validation loss of two runs {spec.ReferenceLengthFactor}x longer with a decaying rate and different seeds (their difference is the reference's uncertainty). ") +
                    "The table shows the slowest slice per network and size. Generation: every network is trained exactly " +
                    I($"{spec.GenerationBudget} steps on each of {spec.GenerationSlices} log-spaced slices in [{spec.MinTime}, T], then {spec.GenerationSamples} samples are drawn with the probability-flow ODE ") +
                    I($"(Heun, {spec.ReverseSteps} steps, score interpolated in t) with their exact log-density (Jacobian diagonal, no Hutchinson estimator); importance weights exp(-S)/q give ESS/N, ") +
                    "reweighted observables and an independence-Metropolis chain. Spin models are not used here: they have no density on R^V to reweight. " +
                    "Reading the verdicts: the per-mode prediction steps ~ L^(2 - eta) is for gradient descent, whose rate is capped by the largest " +
                    "curvature S_max ~ chi; Adam's step per parameter is not, so NL-C1 asks only whether one-layer slows down at all under the optimizer " +
                    "practitioners use. NL-C3 and NL-C4 together ask whether a fast local nonlinear network is also a good one: a network whose output " +
                    "sees only a few lattice spacings can train quickly and still miss the long-range order of the critical state.");
        foreach (var v in verdicts)
            report.Text($"**{v.Id} ({v.Verdict})**: {v.Statement} Measured: {v.Evidence}. Criterion: {v.Criterion}.");
        report.Table(["L", "chi (MC)", "Binder U (MC)", "tau_int"],
            result.Ensembles.Select(e => (IReadOnlyList<string>)[e.Length.ToString(CultureInfo.InvariantCulture), Stat(e.Susceptibility), Stat(e.Binder), I($"{e.TauInt:F2}")]));
        var slowest = result.Slowest();
        report.Table(["network", "parameters", "L", "slowest t", "steps", "final/initial excess", "reference +- uncertainty"],
            slowest.Select(r => (IReadOnlyList<string>)
            [
                r.Architecture, r.Parameters.ToString(CultureInfo.InvariantCulture), r.Length.ToString(CultureInfo.InvariantCulture), I($"{r.Time:G3}"),
                r.Converged ? r.Steps!.Value.ToString(CultureInfo.InvariantCulture) : r.Diverged ? "diverged" : I($"> {r.StepsRun}"),
                r.InitialExcess is > 0 && r.FinalExcess is { } f ? I($"{f / r.InitialExcess.Value:G3}") : "",
                r.ReferenceLoss is { } reference ? Stats.Format(reference, r.ReferenceUncertainty) : "",
            ]));
        report.Table(["network", "L", "ESS/N", "chi generated", "chi reweighted", "chi chain", "chi MC", "U generated", "U MC", "M histogram distance"],
            result.Generation.Select(g =>
            {
                var e = result.Ensembles.First(x => x.Length == g.Length);
                return (IReadOnlyList<string>)
                [
                    g.Architecture, g.Length.ToString(CultureInfo.InvariantCulture), g.EssFraction is { } ess ? I($"{ess:G3}") : "n/a",
                    Stat(g.GeneratedSusceptibility), Stat(g.ReweightedSusceptibility), Stat(g.ChainSusceptibility), Stat(e.Susceptibility),
                    Stat(g.GeneratedBinder), Stat(e.Binder), g.MagnetisationDistance is { } dist ? I($"{dist:F3}") : "",
                ];
            }));

        var steps = new Figure("DSM training steps on critical phi^4 samples", "L (lattice size)", "Adam steps to eps (slowest slice)", logX: true, logY: true);
        int color = 0;
        foreach (string arch in spec.Architectures)
        {
            var rows = slowest.Where(r => r.Architecture == arch && r.Converged).OrderBy(r => r.Length).ToArray();
            var stopped = slowest.Where(r => r.Architecture == arch && !r.Converged && !r.Diverged).OrderBy(r => r.Length).ToArray();
            steps.Add(rows.Select(r => (double)r.Length).ToArray(), rows.Select(r => (double)r.Steps!.Value).ToArray(), arch, color,
                dashed: arch != NetworkCatalog.OneLayer.Name);
            steps.AddLowerBounds(stopped.Select(r => (double)r.Length).ToArray(), stopped.Select(r => (double)r.StepsRun).ToArray(), color++);
        }
        report.Figure("The slowest slice of each network at each L; open triangles: runs stopped before the validation criterion was met (steps run, a lower bound); diverged runs are not drawn.",
            prefix + steps.Save(folder, "steps"));
        var ess = new Figure(I($"ESS per sample after {spec.GenerationBudget} steps per slice"), "L (lattice size)", "ESS/N", logX: true, logY: true);
        color = 0;
        foreach (string arch in spec.GenerationArchitectures)
        {
            var rows = result.Generation.Where(g => g.Architecture == arch && g.EssFraction > 0).OrderBy(g => g.Length).ToArray();
            ess.Add(rows.Select(g => (double)g.Length).ToArray(), rows.Select(g => g.EssFraction!.Value).ToArray(), arch, color++, dashed: arch != NetworkCatalog.OneLayer.Name);
        }
        ess.HorizontalLine(0.01, "ESS/N = 0.01 (warning threshold)");
        report.Figure("Probability-flow ODE samples reweighted to exp(-S) with their exact log-density; 1/N is the floor (one sample carries all the weight).", prefix + ess.Save(folder, "ess"));
    }

    private static string Stat(ValueWithError v) => v.Value is { } value ? SweepReport.PlusMinus(value, v.Error ?? double.NaN) : "n/a";

    private static string I(FormattableString s) => FormattableString.Invariant(s);
}
