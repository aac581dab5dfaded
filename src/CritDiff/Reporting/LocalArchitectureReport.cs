using System.Globalization;
using System.Text;
using CritDiff.Experiments;
using CritDiff.Persistence;

namespace CritDiff.Reporting;

/// <summary>
/// The report section "C4: local architectures" (issue 7, docs/science.md section 5): for local and mixed layer
/// lists and several starts, the parameter count, the reachable optimum against the exact score, and the
/// training time against L, with a verdict computed from the data.
/// </summary>
public static class LocalArchitectureReport
{
    /// <summary>
    /// Verdict on C4: some network with more than one layer, none of them full, keeps the speed-up with no
    /// more parameters than the one-layer network (<see cref="LocalStudyFit.KeepsSpeedUp"/>). The evidence
    /// names every network that does, with its reachable optimum at the largest L, and the closest one.
    /// </summary>
    public static ClaimVerdict Judge(LocalStudyResult study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var multi = study.Fits.Where(f => f.Candidate.Architecture.MomentArchitecture is { Depth: > 1 }).ToArray();
        int largest = study.Spec.Sizes.Max();
        var passing = multi.Where(f => f.KeepsSpeedUp()).OrderBy(f => f.GapAtLargest).ToArray();
        var evidence = new StringBuilder();
        if (passing.Length > 0)
        {
            evidence.Append(Invariant($"at L = {largest}, networks that keep the speed-up: "))
                .Append(string.Join("; ", passing.Select(f => Invariant($"{f.Candidate.Label}, {f.Parameters} parameters, steps ~ L^{f.Fit!.PowerExponent:F2}, reachable optimum {SweepReport.F(f.GapAtLargest)} above exact"))));
            evidence.Append(Invariant($". Closest to the exact score: {passing[0].Candidate.Label}"));
        }
        else evidence.Append("no local multi-layer network keeps the speed-up");
        var failing = multi.Where(f => !f.KeepsSpeedUp()).ToArray();
        if (failing.Length > 0)
            evidence.Append(". Not keeping it: ").Append(string.Join("; ", failing.Select(f => $"{f.Candidate.Label} ({Reason(f)})")));
        foreach (var single in study.Fits.Where(f => !multi.Contains(f)))
            evidence.Append(Invariant($". Single local layer {single.Candidate.Architecture.Name}: reachable optimum {SweepReport.F(single.GapAtLargest)} above exact (closed form), steps {StepsText(study, single.Candidate)}"));
        return new ClaimVerdict("C4-local",
            "A local network with more than one layer and no more parameters than the one-layer network keeps the logarithmic training time, and comes close to the exact score.",
            evidence.ToString(),
            "at least 3 sizes, every size converged, steps power exponent < 1, parameters <= V at every L (population GD, auto rate)",
            multi.Length == 0 ? null : passing.Length > 0) { Caveat = Claims.SizeCaveat("local networks", study.Rows.Select(r => r.Length)) };
    }

    /// <summary>Writes <c>local_architectures.csv</c> and the figures into <paramref name="folder"/>; adds the section.</summary>
    public static void Add(ReportDocument report, string folder, LocalStudyResult study, ClaimVerdict verdict, string prefix)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(verdict);
        Directory.CreateDirectory(folder);
        var csv = new StringBuilder("arch,start,L,params,one_layer_params,steps,converged,diverged,optimum_gap,optimum_closed_form\n");
        foreach (var r in study.Rows.OrderBy(r => r.Candidate.Label, StringComparer.Ordinal).ThenBy(r => r.Length))
            csv.Append(Invariant($"{SweepTables.Q(r.Candidate.Architecture.Name)},{SweepTables.Q(r.Candidate.Start)},{r.Length},{r.Parameters},{r.OneLayerParameters},{r.Steps},{B(r.Converged)},{B(r.Diverged)},{SweepTables.N(r.OptimumGap)},{B(r.ClosedForm)}\n"));
        Checkpoint.WriteAtomic(Path.Combine(folder, "local_architectures.csv"), csv.ToString());

        var spec = study.Spec;
        int largest = spec.Sizes.Max();
        report.Text(Invariant($"Local and mixed layer lists trained by population GD (auto rate) at t = {spec.Time}, d = {spec.Dimension}, {spec.Family.Label}, from the ") +
                    "balanced start (K_1 = c delta, K_2 = -c delta: an invariant set of GD and SGD for two local layers), an unbalanced one (first layer x R, last / R, the same product) " +
                    "and a randomly perturbed one (random:S, noise S c on every kernel entry). The reachable optimum is the closed-form local least-squares optimum for one " +
                    "local layer and otherwise the bottom of the basin the run descends into (a Newton polish of the run, confirmed twice); its excess over the exact score's " +
                    "loss is per site. The one-layer full network has V parameters.");
        report.Text($"**{verdict.Id} ({verdict.Verdict})**: {verdict.Statement} Measured: {verdict.Evidence}. Criterion: {verdict.Criterion}.");
        report.Table(["network", "parameters", Invariant($"reachable optimum above exact (L = {largest})"), "steps at each L", "steps fit", "keeps speed-up"],
            study.Fits.Select(f => (IReadOnlyList<string>)
            [
                f.Candidate.Label, f.Parameters.ToString(CultureInfo.InvariantCulture), SweepReport.F(f.GapAtLargest), StepsText(study, f.Candidate),
                f.Fit is { } fit ? Invariant($"L^{fit.PowerExponent:F2} or {fit.Logarithmic.Intercept:F1} + {fit.LogSlope:F1} ln L; {fit.Preferred}").Replace("+ -", "- ", StringComparison.Ordinal) : "-",
                f.KeepsSpeedUp() ? "yes" : "no: " + Reason(f),
            ]));

        var gap = new Figure(Invariant($"Reachable optimum against parameters (L = {largest})"), "parameters per slice", "reachable optimum - exact (per site)", logX: true, logY: true)
        {
            LegendOutside = true,
        };
        int color = 0;
        foreach (var f in study.Fits) gap.Add([f.Parameters], [f.GapAtLargest], f.Candidate.Label, color++, line: false, open: color > 10);
        string gapPng = gap.Save(folder, "optimum_vs_parameters");
        var steps = StepsFigure(study);
        string stepsPng = steps.Save(folder, "local_steps_vs_L");
        report.Figure("One point per network and start: loss of the reachable optimum minus the exact score's, per site, against its parameters per slice; lower and further left is better.", prefix + gapPng);
        report.Figure("Population GD, auto rate; open triangles: runs stopped at the step cap before reaching eps (their steps are lower bounds), diverged runs are not drawn.", prefix + stepsPng);
    }

    /// <summary>
    /// Steps against L, one colour per network and start; runs stopped before eps (not converged, not diverged) as lower
    /// bounds (<see cref="Figure.AddLowerBounds"/>), diverged runs left out.
    /// </summary>
    internal static Figure StepsFigure(LocalStudyResult study)
    {
        var steps = new Figure("Training steps of local networks against L", "L (lattice size)", "steps to excess <= eps x initial", logX: true, logY: true)
        {
            LegendOutside = true,
        };
        int color = 0;
        foreach (var f in study.Fits)
        {
            var all = study.Rows.Where(r => r.Candidate == f.Candidate).OrderBy(r => r.Length).ToArray();
            var stopped = all.Where(r => !r.Converged && !r.Diverged).ToArray();
            // One line per run of consecutive converged sizes: a line across a size that did not converge would show a trend
            // that was not measured. Only the first carries the legend text.
            var segments = new List<List<LocalStudyRow>> { new() };
            foreach (var r in all)
                if (r.Converged) segments[^1].Add(r);
                else if (segments[^1].Count > 0) segments.Add([]);
            bool first = true;
            foreach (var segment in segments.Where(g => g.Count > 0))
            {
                steps.Add(segment.Select(r => (double)r.Length).ToArray(), segment.Select(r => (double)r.Steps).ToArray(), first ? f.Candidate.Label : "",
                    color, dashed: color >= 10, open: color >= 10);
                first = false;
            }
            steps.AddLowerBounds(stopped.Select(r => (double)r.Length).ToArray(), stopped.Select(r => (double)r.Steps).ToArray(), color++);
        }
        return steps;
    }

    /// <summary>
    /// Verdict on "the local networks keep their speed-up under SGD", from stability scans (same setting as
    /// "C3 under SGD") of the closest local network that keeps it under GD and of the C4 network.
    /// </summary>
    public static ClaimVerdict JudgeSgd(IReadOnlyList<StabilityScanResult> scans)
    {
        ArgumentNullException.ThrowIfNull(scans);
        var verdicts = scans.Select(StabilityReport.Survives).ToArray();
        bool? ok = verdicts.Length == 0 || verdicts.Any(v => v is null) ? null : verdicts.Any(v => v == true);
        return new ClaimVerdict("C4-SGD",
            "A local network that keeps the speed-up under GD keeps the logarithmic training time under minibatch SGD.",
            scans.Count == 0 ? "no scan" : string.Join("; ", scans.Select(s => StabilityReport.Describe($"{s.Spec.Architecture.Name} ({s.Spec.Start}), batch {s.Spec.BatchSize}", s))),
            scans.Count == 0 ? "-" : StabilityReport.SurvivalCriterion(scans[0]) + ", for at least one of them", ok) { Caveat = Claims.JoinCaveats(scans.Select(s => Claims.SizeCaveat(s.Spec.Architecture.Name, s.Rows.Select(r => r.Length)))) };
    }

    /// <summary>Adds the SGD scans of local networks: their verdict and a table of stable rates and steps.</summary>
    public static void AddSgd(ReportDocument report, IReadOnlyList<StabilityScanResult> scans, ClaimVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(scans);
        ArgumentNullException.ThrowIfNull(verdict);
        report.Text("The same networks under minibatch SGD, in the setting of \"C3 under SGD\" (largest stable rate over seeds, steps at a fixed fraction of it):");
        report.Text($"**{verdict.Id} ({verdict.Verdict})**: {verdict.Statement} Measured: {verdict.Evidence}. Criterion: {verdict.Criterion}.");
        report.Table(["network", "L", "stable lr", "steps", "reachable optimum above exact"], scans.SelectMany(s => s.Rows.Select(r => (IReadOnlyList<string>)
        [
            $"{s.Spec.Architecture.Name} ({s.Spec.Start})", r.Length.ToString(CultureInfo.InvariantCulture),
            SweepReport.PlusMinus(r.Stability.StableRate, r.Stability.StableRateError),
            r.SeedSteps.Count == 0 ? "-" : (r.Converged ? "" : ">=") + SweepReport.PlusMinus(r.Steps.Mean, r.SeedSteps.Count > 1 ? r.Steps.Error : null), SweepReport.F(r.OptimumGap),
        ])));
    }

    private static string Reason(LocalStudyFit f) =>
        !f.FewerParameters ? "more parameters than one-layer"
        : !f.AllConverged ? "not converged or diverged at some L"
        : f.Fit is null || f.Fit.Power.PointCount < 3 ? "fewer than 3 sizes"
        : Invariant($"steps ~ L^{f.Fit.PowerExponent:F2}");

    private static string StepsText(LocalStudyResult study, ArchitectureCandidate candidate) =>
        string.Join(", ", study.Rows.Where(r => r.Candidate == candidate).OrderBy(r => r.Length)
            .Select(r => r.Diverged ? "diverged" : (r.Converged ? "" : ">=") + r.Steps.ToString(CultureInfo.InvariantCulture)));

    private static string B(bool b) => SweepTables.B(b);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
