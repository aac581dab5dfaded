using System.Globalization;
using System.Text;
using CritDiff.Experiments;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Statistics;

namespace CritDiff.Reporting;

/// <summary>
/// The "nonlinear networks" section (issues 12 and 23): training time by denoising score matching on critical phi^4 samples against L
/// for one-layer, a local two-layer linear network and a local nonlinear conv network under Adam, and one-layer under plain SGD as
/// the L^(2 - eta) control, over independent replicas (mean +- standard error); generation at a fixed budget (chi and the M
/// histogram against Monte Carlo); verdicts by the criteria stated in <see cref="Judge"/>, which use the replicas' errors.
/// </summary>
public static class NonlinearReport
{
    /// <summary>The nonlinear network the verdicts are about: the first network of the spec that is not linear in x (its name as stored).</summary>
    public static string? NonlinearArchitecture(NonlinearSpec spec) =>
        spec?.Architectures.FirstOrDefault(a => !NetworkCatalog.Parse(a).IsLinear);

    /// <summary>Standard errors a verdict asks its margins in (2: a difference of two standard errors).</summary>
    public const double Margin = 2;

    /// <summary>2 - eta of the 2D Ising class: the growth of gradient descent's time on one-layer (docs/science.md section 10).</summary>
    public const double GradientDescentExponent = 1.75;

    /// <summary>The SGD control's tolerance on |p - (2 - eta)| (besides <see cref="Margin"/> standard errors): finite sizes bend the fit.</summary>
    public const double ControlTolerance = 0.3;

    /// <summary>
    /// Every rule judges replica means with their standard errors (SE; the exponent's SE is that of the replicas' own fitted exponents).
    /// A (network, L) whose budget check failed, or where a replica diverged, is "not measured", and so is any verdict that needs it.
    /// NL-C1: one-layer (Adam) slows down as L grows: power exponent p &gt;= 1 by 2 SE (p - 2 SE &gt;= 1); lower bounds (unconverged
    /// replicas) leave it not measured. NL-C1-SGD (control): one-layer under plain SGD at a GD-like rate grows like L^(2 - eta):
    /// p - 2 SE &gt;= 1 and |p - 1.75| &lt;= max(2 SE, 0.3). NL-C3: the local nonlinear network keeps the speed-up: every replica
    /// converged at every L, p + 2 SE &lt; 1, and no more parameters than one-layer at every L. NL-C2: at a fixed budget, one-layer's
    /// samples get worse as L grows: |mean ln(chi_gen / chi_MC)| at the largest L exceeds that at the smallest by 2 combined SE, and
    /// the mean M-histogram distance likewise. NL-C4: the conv network's samples carry the critical correlations: reproduced when
    /// |mean ln(chi_gen / chi_MC)| + 2 SE &lt;= <see cref="QualityTolerance"/> at every L, not reproduced when |mean| - 2 SE &gt;
    /// the tolerance at some L, else not measured (the errors are too large to decide). Reweighting is not judged here: 256 samples
    /// never reach a measurable ESS; the generation-quality study measures it.
    /// </summary>
    public static IReadOnlyList<ClaimVerdict> Judge(NonlinearResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var spec = result.Spec;
        string? conv = NonlinearArchitecture(spec);
        var summaries = result.Summaries();
        string? caveat = Claims.JoinCaveats([Claims.SizeCaveat("nonlinear study", spec.Sizes), ReplicaCaveat(spec.Replicas)]);
        var verdicts = new List<ClaimVerdict>();
        string one = NetworkCatalog.OneLayer.Name;

        string StepsOf(string arch, string optimizer) => string.Join(", ", summaries.Where(s => s.Architecture == arch && s.Optimizer == optimizer)
            .OrderBy(s => s.Length).Select(StepsText));
        string FitText(NonlinearTrainingFit? fit) => fit?.PowerExponent.Mean is { } p
            ? I($", ~L^({SweepReport.PlusMinus(p, fit.PowerExponent.Error)}) (mean +- SE of {fit.PowerExponent.Count} replica fits{(fit.HasBounds ? "; lower bounds included" : "")})") : "";
        string NotMeasured(string arch, string optimizer)
        {
            var bad = summaries.Where(s => s.Architecture == arch && s.Optimizer == optimizer && !s.Measured).Select(s => s.Length).ToArray();
            return bad.Length == 0 ? "" : I($"; not measured at L = {string.Join(", ", bad)} (budget check failed, a reference did not converge, or a replica diverged)");
        }

        var oneFit = result.Fit(one);
        bool? c1 = oneFit is null || !oneFit.Measured || oneFit.HasBounds || oneFit.PowerExponent.Mean is null ? null
            : oneFit.PowerExponent.Mean!.Value - Margin * oneFit.PowerExponent.ErrorOrZero >= 1;
        verdicts.Add(new ClaimVerdict("NL-C1", "On critical phi^4 samples (2D Ising class), DSM training of the one-layer network (Adam) slows down as L grows.",
            I($"one-layer steps (slowest slice, mean +- SE over replicas) {StepsOf(one, NonlinearStudy.AdamName)} at L = {string.Join(", ", spec.Sizes)}") + FitText(oneFit) + NotMeasured(one, NonlinearStudy.AdamName),
            "every size measured with every replica converged, and power exponent >= 1 by 2 standard errors", c1) { Caveat = caveat });

        if (spec.SgdArchitectures.Contains(one))
        {
            var sgdFit = result.Fit(one, NonlinearStudy.SgdName);
            bool? control = null;
            if (sgdFit is { Measured: true, HasBounds: false, PowerExponent.Mean: { } p })
            {
                double se = sgdFit.PowerExponent.ErrorOrZero;
                control = p - Margin * se >= 1 && Math.Abs(p - GradientDescentExponent) <= Math.Max(Margin * se, ControlTolerance);
            }
            verdicts.Add(new ClaimVerdict("NL-C1-SGD", I($"Control: under plain SGD at a GD-like rate ({spec.SgdRateFraction} / S_max of the training data), one-layer's time grows like L^(2 - eta) = L^{GradientDescentExponent}."),
                I($"one-layer (sgd) steps {StepsOf(one, NonlinearStudy.SgdName)}") + FitText(sgdFit) + NotMeasured(one, NonlinearStudy.SgdName),
                I($"every size measured with every replica converged, power exponent >= 1 by 2 SE, and within max(2 SE, {ControlTolerance}) of {GradientDescentExponent}"), control) { Caveat = caveat });
        }

        if (conv is not null)
        {
            var convFit = result.Fit(conv);
            var network = NetworkCatalog.Parse(conv);
            bool fewer = spec.Sizes.All(l => network.ParameterCount(new Lattice(spec.Dimension, l), spec.Components) <= Math.Pow(l, spec.Dimension));
            var convSummaries = summaries.Where(s => s.Architecture == conv && s.Optimizer == NonlinearStudy.AdamName).ToArray();
            bool? c3 = convFit is null || !convFit.Measured ? null
                : convSummaries.Any(s => s.LowerBound) ? false
                : convFit.PowerExponent.Mean!.Value + Margin * convFit.PowerExponent.ErrorOrZero < 1 && fewer;
            verdicts.Add(new ClaimVerdict("NL-C3", I($"A local nonlinear network ({conv}) with no more parameters than one-layer keeps the speed-up (~log L) on critical samples."),
                I($"{conv} steps {StepsOf(conv, NonlinearStudy.AdamName)}") + FitText(convFit) + NotMeasured(conv, NonlinearStudy.AdamName) +
                I($"; {network.ParameterCount(new Lattice(spec.Dimension, spec.Sizes[0]), spec.Components)} parameters per slice against V = {Math.Pow(spec.Sizes[0], spec.Dimension)} at L = {spec.Sizes[0]}"),
                "every size measured with every replica converged within the cap, power exponent < 1 by 2 standard errors (as claim C3), parameters <= V at every L",
                c3) { Caveat = caveat });
        }

        var generation = result.GenerationSummaries();
        var oneGen = generation.Where(g => g.Architecture == one).OrderBy(g => g.Length).ToArray();
        verdicts.Add(new ClaimVerdict("NL-C2", I($"With a fixed training budget ({spec.GenerationBudget} steps per slice) on critical phi^4 samples, samples generated from the one-layer network get worse as L grows."),
            one + " " + GenerationText(oneGen) + (conv is null ? "" : $"; {conv} " + GenerationText(generation.Where(g => g.Architecture == conv).OrderBy(g => g.Length).ToArray())),
            "|mean ln(chi_generated / chi_MC)| of one-layer at the largest L exceeds that at the smallest by 2 combined standard errors, and so does its mean magnetisation-histogram distance to Monte Carlo",
            WorseWithSize(oneGen)) { Caveat = caveat });

        if (conv is not null)
        {
            var convGen = generation.Where(g => g.Architecture == conv).OrderBy(g => g.Length).ToArray();
            verdicts.Add(new ClaimVerdict("NL-C4", I($"The fast local nonlinear network ({conv}) also generates the critical state after the same budget."),
                conv + " " + GenerationText(convGen),
                I($"reproduced when |mean ln(chi_generated / chi_MC)| + 2 SE <= {QualityTolerance} (chi within about 10 %) at every L; not reproduced when |mean| - 2 SE > {QualityTolerance} at some L; otherwise the errors are too large to decide"),
                WithinTolerance(convGen)) { Caveat = caveat });
        }
        return verdicts;
    }

    /// <summary>NL-C2's rule on one network's generation summaries (ordered by L): worse at the largest L than at the smallest by 2 combined SE, in chi and in the M histogram.</summary>
    public static bool? WorseWithSize(IReadOnlyList<NonlinearGenerationSummary> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count < 2 || rows[0].LogChiRatio.Mean is not { } small || rows[^1].LogChiRatio.Mean is not { } large
            || rows[0].MagnetisationDistance.Mean is not { } dSmall || rows[^1].MagnetisationDistance.Mean is not { } dLarge) return null;
        bool chi = Math.Abs(large) - Math.Abs(small) > Margin * Combined(rows[0].LogChiRatio, rows[^1].LogChiRatio);
        bool histogram = dLarge - dSmall > Margin * Combined(rows[0].MagnetisationDistance, rows[^1].MagnetisationDistance);
        return chi && histogram;
    }

    /// <summary>NL-C4's rule: true when every L is within the tolerance by 2 SE, false when some L is outside it by 2 SE, else null.</summary>
    public static bool? WithinTolerance(IReadOnlyList<NonlinearGenerationSummary> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0 || rows.Any(r => r.LogChiRatio.Mean is null)) return null;
        if (rows.Any(r => Math.Abs(r.LogChiRatio.Mean!.Value) - Margin * r.LogChiRatio.ErrorOrZero > QualityTolerance)) return false;
        return rows.All(r => Math.Abs(r.LogChiRatio.Mean!.Value) + Margin * r.LogChiRatio.ErrorOrZero <= QualityTolerance) ? true : null;
    }

    private static double Combined(ReplicaMean a, ReplicaMean b) => Math.Sqrt(a.ErrorOrZero * a.ErrorOrZero + b.ErrorOrZero * b.ErrorOrZero);

    /// <summary>The caveat of a study with fewer than 3 replicas (standard errors from two values are rough), or null.</summary>
    public static string? ReplicaCaveat(int replicas) => replicas >= 3 ? null
        : I($"{replicas} replica{(replicas == 1 ? " (no standard errors: the margins are zero)" : "s: standard errors from two values are rough")}");

    /// <summary>|ln(chi_generated / chi_MC)| of a generation row, or null where either is missing or not positive.</summary>
    public static double? LogChiError(NonlinearGenerationRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.LogChiRatio is { } r ? Math.Abs(r) : null;
    }

    /// <summary>NL-C4's tolerance on |ln(chi_generated / chi_MC)|.</summary>
    public const double QualityTolerance = 0.1;

    private static string StepsText(NonlinearTrainingSummary s) =>
        (s.Steps.Mean is { } m ? (s.LowerBound ? ">" : "") + SweepReport.PlusMinus(m, s.Steps.Error) : "diverged") + (s.Measured ? "" : " (not measured)");

    private static string GenerationText(IReadOnlyList<NonlinearGenerationSummary> rows) => string.Join("; ", rows.Select(g =>
        I($"L={g.Length}: ln(chi_gen/chi_MC) {Stat(g.LogChiRatio)}, chi {Stat(g.GeneratedSusceptibility)} vs MC {Stat(g.MonteCarloSusceptibility)}, M-histogram distance {Stat(g.MagnetisationDistance)}")));

    /// <summary>
    /// Writes training.csv (per replica), training-summary.csv (per network and L over replicas), generation.csv,
    /// generation-summary.csv, ensembles.csv and the figures into <paramref name="folder"/> and adds the section.
    /// </summary>
    public static void Add(ReportDocument report, string folder, NonlinearResult result, IReadOnlyList<ClaimVerdict> verdicts, string prefix)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(verdicts);
        var spec = result.Spec;
        Directory.CreateDirectory(folder);
        var training = new StringBuilder("arch,optimizer,replica,L,t,parameters,lr,max_steps,steps,steps_run,converged,diverged,initial_excess,final_excess,reference_loss,reference_uncertainty,reference_steps,reference_drift,reference_converged,check_budget,check_steps,check_steps_run,budget_agrees\n");
        foreach (var r in result.Training)
            training.Append(CultureInfo.InvariantCulture,
                $"{SweepTables.Q(r.Architecture)},{r.Optimizer},{r.Replica},{r.Length},{r.Time:R},{r.Parameters},{r.LearningRate:R},{r.MaxSteps},{r.Steps},{r.StepsRun},{SweepTables.B(r.Converged)},{SweepTables.B(r.Diverged)},{r.InitialExcess:R},{r.FinalExcess:R},{r.ReferenceLoss:R},{r.ReferenceUncertainty:R},{r.ReferenceSteps},{r.ReferenceDrift:R},{SweepTables.B(r.ReferenceConverged)},{r.CheckBudget},{r.CheckSteps},{r.CheckStepsRun},{SweepTables.B(r.BudgetAgrees)}\n");
        Checkpoint.WriteAtomic(Path.Combine(folder, "training.csv"), training.ToString());
        var summaries = result.Summaries();
        var summary = new StringBuilder("arch,optimizer,L,parameters,replicas,steps_mean,steps_err,converged_replicas,diverged_replicas,lower_bound,budget_invariant,reference_converged\n");
        foreach (var s in summaries)
            summary.Append(CultureInfo.InvariantCulture,
                $"{SweepTables.Q(s.Architecture)},{s.Optimizer},{s.Length},{s.Parameters},{s.Steps.Count},{s.Steps.Mean:R},{s.Steps.Error:R},{s.ConvergedReplicas},{s.DivergedReplicas},{SweepTables.B(s.LowerBound)},{SweepTables.B(s.BudgetInvariant)},{SweepTables.B(s.ReferenceConverged)}\n");
        Checkpoint.WriteAtomic(Path.Combine(folder, "training-summary.csv"), summary.ToString());
        var generation = new StringBuilder("arch,replica,L,budget,samples,chi_generated,chi_generated_err,chi_mc,log_chi_ratio,binder_generated,binder_generated_err,m_histogram_distance,diverged_slices\n");
        foreach (var g in result.Generation)
            generation.Append(CultureInfo.InvariantCulture,
                $"{SweepTables.Q(g.Architecture)},{g.Replica},{g.Length},{g.Budget},{g.Samples},{g.GeneratedSusceptibility.Value:R},{g.GeneratedSusceptibility.Error:R},{g.MonteCarloSusceptibility:R},{g.LogChiRatio:R},{g.GeneratedBinder.Value:R},{g.GeneratedBinder.Error:R},{g.MagnetisationDistance:R},{g.DivergedSlices}\n");
        Checkpoint.WriteAtomic(Path.Combine(folder, "generation.csv"), generation.ToString());
        var generationSummaries = result.GenerationSummaries();
        var generationSummary = new StringBuilder("arch,L,replicas,log_chi_ratio_mean,log_chi_ratio_err,chi_generated_mean,chi_generated_err,chi_mc_mean,chi_mc_err,m_histogram_distance_mean,m_histogram_distance_err,diverged_slices\n");
        foreach (var g in generationSummaries)
            generationSummary.Append(CultureInfo.InvariantCulture,
                $"{SweepTables.Q(g.Architecture)},{g.Length},{g.LogChiRatio.Count},{g.LogChiRatio.Mean:R},{g.LogChiRatio.Error:R},{g.GeneratedSusceptibility.Mean:R},{g.GeneratedSusceptibility.Error:R},{g.MonteCarloSusceptibility.Mean:R},{g.MonteCarloSusceptibility.Error:R},{g.MagnetisationDistance.Mean:R},{g.MagnetisationDistance.Error:R},{g.DivergedSlices}\n");
        Checkpoint.WriteAtomic(Path.Combine(folder, "generation-summary.csv"), generationSummary.ToString());
        var ensembles = new StringBuilder("L,replica,configurations,tau_int,spacing,abs_m,abs_m_err,chi,chi_err,binder,binder_err,energy,energy_err\n");
        foreach (var e in result.Ensembles)
            ensembles.Append(CultureInfo.InvariantCulture,
                $"{e.Length},{e.Replica},{e.Configurations},{e.TauInt:R},{e.Spacing},{e.AbsMagnetisation.Value:R},{e.AbsMagnetisation.Error:R},{e.Susceptibility.Value:R},{e.Susceptibility.Error:R},{e.Binder.Value:R},{e.Binder.Error:R},{e.Energy.Value:R},{e.Energy.Error:R}\n");
        Checkpoint.WriteAtomic(Path.Combine(folder, "ensembles.csv"), ensembles.ToString());

        report.Text(I($"Critical one-component phi^4 in d = {spec.Dimension} (2D Ising class), lambda = {spec.Lambda}, kappa = {spec.Kappa} ") +
                    $"(measured here: Binder crossing L = 16/32 at {Stats.Format(NonlinearSpec.CriticalKappaAtLambdaOne, NonlinearSpec.CriticalKappaError)}), " +
                    I($"{spec.Replicas} independent replicas: each has its own {spec.Configurations}-configuration {spec.Algorithm} ensemble per size and its own training and sampling seeds; ") +
                    "every number below is the mean +- standard error (SE) over replicas, and the verdicts ask their margins in SE. " +
                    I($"Networks are trained by denoising score matching on these samples (Adam, rate {spec.LearningRate}, batch {spec.BatchSize}) at t = {string.Join(", ", spec.Times)} (VP). ") +
                    I($"Training time: steps until the excess loss is <= eps = {spec.Eps} of its initial value, evaluated every {spec.EvalInterval} steps. ") +
                    "Linear networks with a closed-form optimum on a spectrum (one-layer) are measured by their exact excess against the optimum of the training data's own measured spectrum " +
                    "(their population loss sees the data only through G(k)): no reference and no budget enters. " +
                    I($"The others (two local linear layers, the conv network) are measured on a fixed validation set ({spec.ValidationSize} configurations with fixed noise) against a converged reference: ") +
                    I($"two decaying-rate runs, first {spec.ReferenceLengthFactor}x the budget long, doubled (at most {spec.MaxReferenceDoublings} times) until their lowest validation loss moves by <= {spec.ReferenceDrift} of the initial excess. ") +
                    I($"Each is trained at budget B = {spec.ReferenceBudget} and at {spec.BudgetCheckFactor}B = {spec.BudgetCheckFactor * spec.ReferenceBudget} steps, each with its own reference; the time at {spec.BudgetCheckFactor}B is reported, and the two must agree ") +
                    I($"(|ln(t_B / t_{spec.BudgetCheckFactor}B)| <= {spec.BudgetTolerance} or within 2 evaluation intervals, the resolution of a time; a run unconverged at B agrees when t_{spec.BudgetCheckFactor}B >= B - 2 intervals), else that (network, L) is not measured. ") +
                    I($"Control: one-layer under plain SGD at rate {spec.SgdRateFraction} / S_max, S_max = a^2 max_k G(k) + b^2 of the replica's training data (half the stability limit of gradient descent), cap {spec.SgdMaxSteps} steps: the per-mode prediction L^(2 - eta). ") +
                    "Unconverged replicas count with their steps run (a lower bound, marked >), never dropped. Exponents are fitted per replica (power law in L) and averaged. " +
                    I($"Generation: every network is trained exactly {spec.GenerationBudget} steps on each of {spec.GenerationSlices} log-spaced slices in [{spec.MinTime}, T], then {spec.GenerationSamples} samples are drawn with the probability-flow ODE ") +
                    I($"(Heun, {spec.ReverseSteps} steps, score interpolated in t); chi and the histogram of M are compared with each replica's own Monte Carlo ensemble. ") +
                    "Reweighting towards exp(-S) is not judged here: with 256 samples the effective sample size was never measurable (below 30 everywhere); the generation-quality study " +
                    "measures it with >= 4096 samples and longer training. Reading the verdicts: the prediction steps ~ L^(2 - eta) is for gradient descent, whose rate is capped by the largest " +
                    "curvature S_max ~ chi (the SGD control tests it); Adam's step per parameter is not, so NL-C1 asks only whether one-layer slows down at all under the optimizer " +
                    "practitioners use. NL-C3 and NL-C4 together ask whether a fast local nonlinear network is also a good one.");
        foreach (var v in verdicts)
            report.Text($"**{v.Id} ({v.Verdict})**: {v.Statement} Measured: {v.Evidence}. Criterion: {v.Criterion}." + (v.Caveat is null ? "" : $" Caveat: {v.Caveat}."));
        report.Table(["L", "replicas", "chi (MC)", "Binder U (MC)", "tau_int"],
            result.EnsembleSummaries().Select(e => (IReadOnlyList<string>)[e.Length.ToString(CultureInfo.InvariantCulture), e.Chi.Count.ToString(CultureInfo.InvariantCulture), Stat(e.Chi), Stat(e.Binder), Stat(e.TauInt)]));
        report.Table(["network", "parameters", "L", "steps (mean +- SE)", "converged / replicas", "budget check B vs 4B"],
            summaries.Select(s => (IReadOnlyList<string>)
            [
                s.Network, s.Parameters.ToString(CultureInfo.InvariantCulture), s.Length.ToString(CultureInfo.InvariantCulture), StepsText(s),
                I($"{s.ConvergedReplicas} / {s.Steps.Count + s.DivergedReplicas}"),
                result.Slowest().Any(r => r.Architecture == s.Architecture && r.Optimizer == s.Optimizer && r.Length == s.Length && r.BudgetAgrees is not null)
                    ? (!s.ReferenceConverged ? "reference not converged: not measured" : s.BudgetInvariant ? "agrees" : "disagrees: not measured") : "not needed (exact excess)",
            ]));
        report.Table(["network", "L", "ln(chi_gen / chi_MC)", "chi_gen / chi_MC", "chi generated", "chi MC", "M histogram distance"],
            generationSummaries.Select(g => (IReadOnlyList<string>)
            [
                g.Architecture, g.Length.ToString(CultureInfo.InvariantCulture), Stat(g.LogChiRatio), g.ChiRatio is { } ratio ? I($"{ratio:G3}") : "n/a",
                Stat(g.GeneratedSusceptibility), Stat(g.MonteCarloSusceptibility), Stat(g.MagnetisationDistance),
            ]));

        var steps = new Figure("DSM training steps on critical phi^4 samples", "L (lattice size)", "steps to eps (slowest slice)", logX: true, logY: true);
        int color = 0;
        foreach (var (arch, optimizer) in result.Networks())
        {
            var rows = summaries.Where(s => s.Architecture == arch && s.Optimizer == optimizer && s.Steps.Mean is > 0).OrderBy(s => s.Length).ToArray();
            var measured = rows.Where(s => !s.LowerBound && s.Measured).ToArray();
            var bounds = rows.Where(s => s.LowerBound && s.Measured).ToArray();
            var open = rows.Where(s => !s.Measured).ToArray();
            string label = NonlinearStudy.NetworkLabel(arch, optimizer);
            steps.Add(measured.Select(s => (double)s.Length).ToArray(), measured.Select(s => s.Steps.Mean!.Value).ToArray(), label, color,
                line: false, errors: measured.Select(s => s.Steps.ErrorOrZero).ToArray());
            steps.AddLowerBounds(bounds.Select(s => (double)s.Length).ToArray(), bounds.Select(s => s.Steps.Mean!.Value).ToArray(), color);
            steps.Add(open.Select(s => (double)s.Length).ToArray(), open.Select(s => s.Steps.Mean!.Value).ToArray(), "", color, line: false, open: true);
            if (result.Fit(arch, optimizer) is { PowerExponent.Mean: { } p } && rows.Length >= 2)
            {
                // The fitted power law through the replica means: exponent p, amplitude the geometric mean of steps / L^p.
                double amplitude = Math.Exp(rows.Average(s => Math.Log(s.Steps.Mean!.Value) - p * Math.Log(s.Length)));
                double[] x = [rows[0].Length, rows[^1].Length];
                steps.Add(x, x.Select(l => amplitude * Math.Pow(l, p)).ToArray(), I($"fit L^{p:F2}"), color, markers: false, dashed: true, lineWidth: 1);
            }
            color++;
        }
        report.Figure("Mean +- SE over replicas of the slowest slice of each network at each L, with the power law fitted per replica (dashed, mean exponent); " +
                      "open triangles: some replica stopped before the criterion (mean with steps run: a lower bound); open circles: not measured (a reference did not converge or the budget check failed).",
            prefix + steps.Save(folder, "steps"));
        var ratioFigure = new Figure(I($"Generated chi over Monte Carlo after {spec.GenerationBudget} steps per slice"), "L (lattice size)", "chi_gen / chi_MC", logX: true, logY: true);
        color = 0;
        foreach (string arch in spec.GenerationArchitectures)
        {
            var rows = generationSummaries.Where(g => g.Architecture == arch && g.ChiRatio is not null).ToArray();
            ratioFigure.Add(rows.Select(g => (double)g.Length).ToArray(), rows.Select(g => g.ChiRatio!.Value).ToArray(), arch, color++,
                dashed: arch != NetworkCatalog.OneLayer.Name, errors: rows.Select(g => g.ChiRatio!.Value * g.LogChiRatio.ErrorOrZero).ToArray());
        }
        ratioFigure.HorizontalLine(1, "chi_gen = chi_MC");
        report.Figure(I($"exp(mean ln(chi_gen / chi_MC)) over replicas, each against its own ensemble; bars: the SE of the mean log ratio. NL-C4 asks |ln| <= {QualityTolerance}."),
            prefix + ratioFigure.Save(folder, "chi-ratio"));
    }

    private static string Stat(ReplicaMean v) => v.Mean is { } value ? SweepReport.PlusMinus(value, v.Error ?? double.NaN) : "n/a";

    private static string I(FormattableString s) => FormattableString.Invariant(s);
}
