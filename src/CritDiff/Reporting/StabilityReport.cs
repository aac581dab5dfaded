using System.Globalization;
using System.Text;
using CritDiff.Experiments;
using CritDiff.Persistence;
using CritDiff.Training;

namespace CritDiff.Reporting;

/// <summary>
/// The report section "C3 under SGD" (issue 7, docs/science.md section 6): the largest stable learning rate and
/// the training time at a fixed fraction of it against L, for population GD and minibatch SGD side by
/// side, and for Adam, SGD and GD in the kernel and Fourier bases, with verdicts computed from the data.
/// </summary>
public static class StabilityReport
{
    /// <summary>A stable-rate exponent counts as "no L dependence" within max(0.15, 2 SE) of 0.</summary>
    public const double FlatExponent = 0.15;

    /// <summary>
    /// Verdict on "the two-layer log L training time survives SGD": the SGD stable rate does not shrink
    /// with L (|p| &lt;= max(0.15, 2 SE)), at least 3 sizes converge, and the logarithmic fit of its steps is preferred.
    /// </summary>
    public static ClaimVerdict Judge(StabilityScanResult gd, StabilityScanResult sgd, StabilityScanResult? oneLayerSgd)
    {
        ArgumentNullException.ThrowIfNull(gd);
        ArgumentNullException.ThrowIfNull(sgd);
        bool? ok = Survives(sgd);
        var evidence = new StringBuilder();
        evidence.Append(Describe("population GD", gd)).Append("; ").Append(Describe($"SGD (batch {sgd.Spec.BatchSize})", sgd));
        if (oneLayerSgd is not null) evidence.Append("; for comparison ").Append(Describe("one-layer SGD", oneLayerSgd));
        return new ClaimVerdict("C3-SGD",
            $"The two-layer network's ~log L training time survives minibatch SGD (batch {sgd.Spec.BatchSize}, t = {Invariant(sgd.Spec.Time)}).",
            evidence.ToString(),
            SurvivalCriterion(sgd), ok) { Caveat = Claims.SizeCaveat("SGD scan", sgd.Rows.Select(r => r.Length)) };
    }

    /// <summary>
    /// True when a minibatch scan keeps a logarithmic training time: its stable rate does not shrink with L
    /// (|p| &lt;= max(0.15, 2 SE)), at least 3 sizes, every size converged, and the log fit of the steps
    /// preferred; null without both fits.
    /// </summary>
    public static bool? Survives(StabilityScanResult scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        if (scan.RateFit is not { } rate || scan.StepsFit is not { } steps) return null;
        bool converged = scan.Rows.Count(r => r.Converged && !r.Diverged) >= 3 && scan.Rows.All(r => r.Converged);
        return converged && IsFlat(rate) && steps.Preferred == "log";
    }

    /// <summary>The criterion of <see cref="Survives"/> in words.</summary>
    public static string SurvivalCriterion(StabilityScanResult scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        return $"SGD stable rate independent of L (|p| <= max({FlatExponent}, 2 SE) in stable_lr ~ L^p), every size converged at {Invariant(scan.Spec.Fraction)} x the stable rate, and the log fit of the steps preferred";
    }

    /// <summary>
    /// Verdict on "per-parameter scaling (Adam) removes the L dependence of the stable rate", per basis,
    /// against SGD and GD in the same bases.
    /// </summary>
    public static ClaimVerdict JudgeOptimizers(IReadOnlyList<StabilityScanResult> scans)
    {
        ArgumentNullException.ThrowIfNull(scans);
        var adam = scans.Where(s => s.Spec.Optimizer == "adam" && s.RateFit is not null).ToArray();
        bool? ok = adam.Length == 0 ? null : adam.Any(s => IsFlat(s.RateFit!));
        string evidence = string.Join("; ", scans.Select(s => s.RateFit is { } f
            ? Invariant($"{Label(s)}: stable_lr ~ L^({SweepReport.PlusMinus(f.PowerExponent, f.PowerExponentError)}) ({(IsFlat(f) ? "flat" : f.PowerExponent < 0 ? "shrinks" : "grows")})")
            : $"{Label(s)}: no fit"));
        return new ClaimVerdict("Adam",
            "Per-parameter scaling (Adam) removes the L dependence of the two-layer stable learning rate in at least one parameter basis.",
            evidence, $"|p| <= max({FlatExponent}, 2 SE) for Adam in some basis", ok)
        {
            Caveat = Claims.JoinCaveats(adam.Select(s => Claims.SizeCaveat($"adam ({s.Spec.Basis.ToString().ToLowerInvariant()})", s.Rows.Select(r => r.Length)))),
        };
    }

    /// <summary>Writes <c>stability.csv</c> and the figures into <paramref name="folder"/>; adds the section's text, tables and figures.</summary>
    public static void Add(ReportDocument report, string folder, StabilityScanResult gd, StabilityScanResult sgd, StabilityScanResult? oneLayerSgd,
        IReadOnlyList<StabilityScanResult> optimizers, IReadOnlyList<ClaimVerdict> verdicts, string prefix)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(optimizers);
        ArgumentNullException.ThrowIfNull(verdicts);
        Directory.CreateDirectory(folder);
        var all = new[] { gd, sgd }.Concat(oneLayerSgd is null ? [] : [oneLayerSgd]).Concat(optimizers).Distinct().ToArray();
        Checkpoint.WriteAtomic(Path.Combine(folder, "stability.csv"), ToCsv(all));

        report.Text(Invariant($"Largest stable learning rate of one slice (t = {sgd.Spec.Time}, d = {sgd.Spec.Dimension}, {sgd.Spec.Family.Label}): ") +
                    Invariant($"a run is unstable when its population loss becomes non-finite or exceeds its initial value within {sgd.Spec.Search.Budget} steps, ") +
                    Invariant($"bisected to {sgd.Spec.Search.Tolerance} relative and judged over {sgd.Spec.Search.Seeds} seeds (one for deterministic GD). ") +
                    Invariant($"The training time is measured at {sgd.Spec.Fraction} x the rate stable for every seed. ") +
                    "docs/science.md section 6: if the stable rate must shrink with L, the SGD training time grows faster than log L.");
        foreach (var v in verdicts) report.Text($"**{v.Id} ({v.Verdict})**: {v.Statement} Measured: {v.Evidence}. Criterion: {v.Criterion}.");
        var sizes = gd.Rows.Select(r => r.Length).Union(sgd.Rows.Select(r => r.Length)).Order().ToArray();
        report.Table(["L", "GD stable lr", "GD steps", "SGD stable lr", "SGD steps", "one-layer SGD stable lr", "one-layer SGD steps"],
            sizes.Select(l => (IReadOnlyList<string>)[l.ToString(CultureInfo.InvariantCulture), Rate(gd, l), Steps(gd, l), Rate(sgd, l), Steps(sgd, l),
                oneLayerSgd is null ? "-" : Rate(oneLayerSgd, l), oneLayerSgd is null ? "-" : Steps(oneLayerSgd, l)]));
        report.Text("Optimizers and parameter bases (two-layer): in the Fourier basis (every mode of the full complex spectrum a parameter) plain GD " +
                    "and SGD follow the kernel-basis trajectory at V times the rate (docs/science.md section 5; the tests check it step by step). Measured " +
                    "(Fourier stable rate / V) / (kernel stable rate) at each L: " + BasisRatios(optimizers) + ". For two-layer GD the criterion is not " +
                    "monotone in the rate: the per-mode map p <- p (1 + 2 eta (1 - p))^2 loses its fixed point p = 1 at eta = 0.5 (lambda_max = 4 at the " +
                    "optimum) and stays bounded but chaotic above it, so whether the loss exceeds its initial value within the budget is decided by " +
                    "rounding, and the two bases can disagree there. Adam is not basis-equivariant.");
        report.Table(["optimizer", "basis", "stable lr ~ L^p", "steps at each L", "steps fit"], optimizers.Select(s => (IReadOnlyList<string>)
        [
            s.Spec.Optimizer, s.Spec.Basis.ToString().ToLowerInvariant(),
            s.RateFit is { } f ? SweepReport.PlusMinus(f.PowerExponent, f.PowerExponentError) : "-",
            string.Join(", ", s.Rows.Select(r => StepsText(r))),
            s.StepsFit is { } st ? Invariant($"L^{st.PowerExponent:F2} or {st.LogSlope:F1} ln L; {st.Preferred}").Replace("+ -", "- ", StringComparison.Ordinal) : "-",
        ]));

        var rates = new Figure("Largest stable learning rate against L", "L (lattice size)", "stable learning rate (GD, SGD: kernel units)", logX: true, logY: true);
        int color = 0;
        foreach (var s in all)
        {
            // Plain GD and SGD in the Fourier basis move at V times the kernel rate: drawn in kernel units.
            bool perSite = s.Spec.Basis == Networks.ParameterBasis.Fourier && s.Spec.Optimizer != "adam";
            rates.Add(s.Rows.Select(r => (double)r.Length).ToArray(),
                s.Rows.Select(r => r.Stability.StableRate / (perSite ? Math.Pow(r.Length, s.Spec.Dimension) : 1)).ToArray(),
                Label(s) + (perSite ? ", rate / V" : ""), color++,
                errors: s.Rows.Select(r => r.Stability.StableRateError / (perSite ? Math.Pow(r.Length, s.Spec.Dimension) : 1)).ToArray());
        }
        string ratesPng = rates.Save(folder, "stable_rate_vs_L");
        var steps = new Figure("Training steps at a fixed fraction of the stable rate against L", "L (lattice size)", "steps to excess <= eps x initial", logX: true, logY: true);
        color = 0;
        foreach (var s in new[] { gd, sgd }.Concat(oneLayerSgd is null ? [] : [oneLayerSgd]))
        {
            var rows = s.Rows.Where(r => r.Converged).ToArray();
            var stopped = s.Rows.Where(r => !r.Converged && !r.Diverged && r.SeedSteps.Count > 0).ToArray();
            steps.Add(rows.Select(r => (double)r.Length).ToArray(), rows.Select(r => r.Steps.Mean).ToArray(), Label(s), color,
                errors: rows.Select(r => r.Steps.Error).ToArray());
            steps.AddLowerBounds(stopped.Select(r => (double)r.Length).ToArray(), stopped.Select(r => r.Steps.Mean).ToArray(), color++);
        }
        string stepsPng = steps.Save(folder, "sgd_steps_vs_L");
        report.Figure("GD, SGD and Adam in the kernel and Fourier bases; error bars: spread over seeds. Plain GD and SGD in the Fourier basis are drawn as rate / V (kernel units), where they follow the kernel-basis trajectory.", prefix + ratesPng);
        report.Figure("Two-layer GD and SGD and one-layer SGD at the training rate of the table (a fixed fraction of the stable rate); error bars: spread over seeds; open triangles: sizes that did not converge (steps run, a lower bound).", prefix + stepsPng);
    }

    private static string BasisRatios(IReadOnlyList<StabilityScanResult> scans)
    {
        var parts = new List<string>();
        foreach (var kernel in scans.Where(s => s.Spec.Basis == Networks.ParameterBasis.Kernel && s.Spec.Optimizer != "adam"))
        {
            var fourier = scans.FirstOrDefault(s => s.Spec.Basis == Networks.ParameterBasis.Fourier && s.Spec with { Basis = kernel.Spec.Basis } == kernel.Spec);
            if (fourier is null) continue;
            var ratios = kernel.Rows.Join(fourier.Rows, r => r.Length, r => r.Length,
                (k, f) => f.Stability.StableRate / Math.Pow(k.Length, kernel.Spec.Dimension) / k.Stability.StableRate);
            parts.Add($"{kernel.Spec.Optimizer} {string.Join(", ", ratios.Select(r => Invariant($"{r:F3}")))}");
        }
        return parts.Count == 0 ? "not measured" : string.Join("; ", parts);
    }

    private static bool IsFlat(Statistics.ScalingFit fit) => Math.Abs(fit.PowerExponent) <= Math.Max(FlatExponent, 2 * fit.PowerExponentError);

    /// <summary>"two-layer sgd (kernel)" and the like.</summary>
    public static string Label(StabilityScanResult s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return $"{s.Spec.Architecture.Name} {s.Spec.Optimizer} ({s.Spec.Basis.ToString().ToLowerInvariant()})";
    }

    /// <summary>"name: stable rate ~ L^p +- e, steps ...; steps ~ L^q or b ln L (preferred: ...)".</summary>
    public static string Describe(string name, StabilityScanResult s)
    {
        ArgumentNullException.ThrowIfNull(s);
        string rate = s.RateFit is { } f ? Invariant($"stable rate ~ L^({SweepReport.PlusMinus(f.PowerExponent, f.PowerExponentError)})") : "no rate fit";
        string steps = s.StepsFit is { } st ? Invariant($"steps ~ L^{st.PowerExponent:F2} or {st.LogSlope:F1} ln L (preferred: {st.Preferred})") : "no steps fit";
        return $"{name}: {rate}, steps {string.Join(", ", s.Rows.Select(r => StepsText(r) + Invariant($" (L={r.Length})")))}; {steps}";
    }

    private static string StepsText(StabilityRow r) =>
        r.SeedSteps.Count == 0 ? "-" : (r.Converged ? "" : ">=") + SweepReport.PlusMinus(r.Steps.Mean, r.SeedSteps.Count > 1 ? r.Steps.Error : null);

    private static string Rate(StabilityScanResult s, int l) =>
        s.Rows.FirstOrDefault(r => r.Length == l) is { } r ? SweepReport.PlusMinus(r.Stability.StableRate, r.Stability.StableRateError) : "-";

    private static string Steps(StabilityScanResult s, int l) =>
        s.Rows.FirstOrDefault(r => r.Length == l) is { } r ? StepsText(r) : "-";

    /// <summary>
    /// The files of <c>critdiff stability --out FILE.json</c>: the scan's JSON object (<see cref="StabilitySummary"/>) in
    /// <paramref name="file"/> and its rows as CSV next to it (the columns of the report's stability.csv), each atomically.
    /// </summary>
    public static void WriteFiles(string file, StabilityScanResult scan)
    {
        ArgumentNullException.ThrowIfNull(file);
        Checkpoint.WriteAtomic(file, JsonFiles.ToFileText(StabilitySummary.Build(scan)));
        Checkpoint.WriteAtomic(Path.ChangeExtension(file, ".csv"), ToCsv([scan]));
    }

    /// <summary>The rows of <paramref name="scans"/> as CSV, one line per (scan, L), empty cells for missing values.</summary>
    public static string ToCsv(IEnumerable<StabilityScanResult> scans)
    {
        ArgumentNullException.ThrowIfNull(scans);
        var csv = new StringBuilder("arch,optimizer,basis,mode,start,batch,L,params,stable_lr,stable_lr_err,safe_lr,training_lr,steps,steps_err,converged,diverged,optimum_gap\n");
        foreach (var s in scans)
            foreach (var r in s.Rows)
                csv.Append(Invariant($"{SweepTables.Q(s.Spec.Architecture.Name)},{s.Spec.Optimizer},{s.Spec.Basis.ToString().ToLowerInvariant()},{s.Spec.Mode.ToString().ToLowerInvariant()},{SweepTables.Q(s.Spec.Start)},{s.Spec.BatchSize},{r.Length},{r.Parameters},"))
                   .Append(Invariant($"{SweepTables.N(r.Stability.StableRate)},{SweepTables.N(r.Stability.StableRateError)},{SweepTables.N(r.Stability.SafeRate)},{SweepTables.N(r.TrainingRate)},"))
                   .Append(Invariant($"{(r.SeedSteps.Count > 0 ? SweepTables.N(r.Steps.Mean) : "")},{(r.SeedSteps.Count > 1 ? SweepTables.N(r.Steps.Error) : "")},{(r.Converged ? "true" : "false")},{(r.Diverged ? "true" : "false")},{SweepTables.N(r.OptimumGap)}\n"));
        return csv.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
}
