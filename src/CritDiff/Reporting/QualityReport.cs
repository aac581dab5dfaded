using System.Globalization;
using System.Text;
using CritDiff.Experiments;
using CritDiff.Persistence;
using CritDiff.Statistics;

namespace CritDiff.Reporting;

/// <summary>
/// The "generation quality and measurable reweighting" section (issue 23): the training budget at which generated samples reach
/// the stated quality, against L (replica means, bounds drawn as bounds), and reweighting with exact path weights at the largest
/// rung: ESS/N, reweighted chi and U against Monte Carlo, the independence-Metropolis acceptance and tau_int. Verdicts by the
/// criteria stated in <see cref="Judge"/>.
/// </summary>
public static class QualityReport
{
    /// <summary>
    /// Q-reweight: wherever a replica's ESS is at least <see cref="QualityRules.MinimumEss"/>, its reweighted chi and U agree with
    /// its Monte Carlo ensemble within 3 combined standard errors (not measured where no replica reaches that ESS).
    /// Q-budget: the quality budget of the first network (one-layer) grows with L: measured at every size with a fitted power
    /// exponent more than two standard errors above 0, or measured at the smallest size and a lower bound above it at a larger one;
    /// not measured where the smallest size is itself a bound.
    /// </summary>
    public static IReadOnlyList<ClaimVerdict> Judge(QualityResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var spec = result.Spec;
        var checkedRows = new List<string>();
        bool? reweight = null;
        foreach (var r in result.Rows.Where(r => r.Measurable))
        {
            var e = result.Ensemble(r.Length, r.Replica);
            double? zChi = Z(r.ReweightedSusceptibility, e.Susceptibility), zU = Z(r.ReweightedBinder, e.Binder);
            if (zChi is null || zU is null) continue;
            reweight = (reweight ?? true) && Math.Abs(zChi.Value) <= 3 && Math.Abs(zU.Value) <= 3;
            checkedRows.Add(I($"{r.Network} L={r.Length} r{r.Replica}: z(chi) = {SweepReport.Z(zChi.Value)}, z(U) = {SweepReport.Z(zU.Value)}"));
        }
        var verdicts = new List<ClaimVerdict>
        {
            new("Q-reweight", I($"Exact weights (the discrete Heun map's log q where n V <= {spec.OdeMaxSites}, else the {spec.Sampler} path weights) recover the Monte Carlo chi and Binder U of critical phi^4."),
                checkedRows.Count == 0 ? I($"no replica with ESS >= {QualityRules.MinimumEss}") : string.Join("; ", checkedRows),
                I($"|reweighted - MC| <= 3 combined SE for chi and U wherever ESS >= {QualityRules.MinimumEss} (each replica against its own ensemble)"), reweight),
        };
        string first = spec.Networks[0];
        var rows = result.Aggregates().Where(a => a.Network == first).OrderBy(a => a.Length).ToArray();
        var fit = result.BudgetFit(first);
        bool? grows = null;
        if (fit is not null) grows = fit.PowerExponent - 2 * fit.PowerExponentError > 0;
        else if (rows.Length >= 2 && !rows[0].QualityStepsIsBound)
            grows = rows.Skip(1).Any(a => a.QualityStepsIsBound && a.QualitySteps.MeanOrNaN > rows[0].QualitySteps.MeanOrNaN) ? true : null;
        verdicts.Add(new ClaimVerdict("Q-budget", I($"The training budget {first} needs to generate critical phi^4 samples of the stated quality grows with L."),
            I($"{first}: {string.Join(", ", rows.Select(a => $"L={a.Length} {Budget(a)}"))}") +
                (fit is null ? "" : I($"; ~L^({SweepReport.PlusMinus(fit.PowerExponent, fit.PowerExponentError)})")),
            I($"quality: |ln(chi_gen/chi_MC)| <= {spec.ChiTolerance}, |U_gen - U_MC| <= {spec.BinderTolerance}, M-histogram distance <= {spec.HistogramTolerance}; ") +
                "grows: fitted power exponent > 2 SE above 0 where every size is measured, or a bound above the smallest size's budget",
            grows) { Caveat = Claims.SizeCaveat("quality study", spec.Sizes) });
        return verdicts;
    }

    /// <summary>(value - reference) / combined SE, or null where a number is missing.</summary>
    public static double? Z(ValueWithError value, ValueWithError reference)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(reference);
        if (value.Value is not { } v || value.Error is not { } e || reference.Value is not { } m || reference.Error is not { } me) return null;
        double se = Math.Sqrt(e * e + me * me);
        return se > 0 ? (v - m) / se : null;
    }

    /// <summary>The points the ESS/N and acceptance figures draw for <paramref name="network"/>: (L, mean, SE) over measurable replicas only; no point where none is.</summary>
    public static IReadOnlyList<(double L, double Mean, double Error)> MeasuredPoints(QualityResult result, string network, Func<QualityAggregate, ReplicaMean?> pick)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(pick);
        return result.Aggregates().Where(a => a.Network == network && a.MeasurableReplicas > 0 && pick(a) is not null)
            .Select(a => ((double)a.Length, pick(a)!.MeanOrNaN, pick(a)!.Error ?? 0)).ToArray();
    }

    /// <summary>Writes the CSV tables and figures into <paramref name="folder"/> and adds the section.</summary>
    public static void Add(ReportDocument report, string folder, QualityResult result, IReadOnlyList<ClaimVerdict> verdicts, string prefix)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(verdicts);
        var spec = result.Spec;
        Directory.CreateDirectory(folder);
        WriteTables(folder, result);
        report.Text(I($"Critical 2D phi^4 (lambda = {spec.Lambda}, kappa = {spec.Kappa}), L = {string.Join(", ", spec.Sizes)}, {spec.Replicas} replicas: replica r has its own ") +
            I($"{spec.Algorithm} ensemble of {spec.Configurations} configurations (its training data and its Monte Carlo reference) and its own training and sampling seeds. ") +
            I($"Per-slice networks are trained once per slice ({spec.Slices} log-spaced slices in [{spec.MinTime}, T], VP, Adam rate {spec.LearningRate}, batch {spec.BatchSize}) to the largest rung of the ladder ") +
            I($"{string.Join(", ", spec.Ladder)} steps per slice, with the parameters kept at every rung; time-conditioned networks ({string.Join(", ", spec.Networks.Where(n => Networks.NetworkCatalog.Parse(n).IsTimeConditioned))}, L <= {spec.ConditionedMaxSize}) ") +
            I($"are trained over t in [{spec.MinTime}, T] (VP, Adam rate {spec.ConditionedLearningRate}, EMA 0.99) for {string.Join(", ", spec.ConditionedLadder)} steps in all, one run per rung. ") +
            I($"At every rung {string.Join("/", spec.Sizes.Select((l, i) => spec.RungSamplesAt(i)))} samples (by L) of the row's sampler ({spec.ReverseSteps} steps: the probability-flow ODE, Heun, where n V <= {spec.OdeMaxSites}, else {spec.Sampler}) are compared with Monte Carlo; the quality budget is the first rung with ") +
            I($"|ln(chi_gen/chi_MC)| <= {spec.ChiTolerance}, |U_gen - U_MC| <= {spec.BinderTolerance} and M-histogram distance <= {spec.HistogramTolerance} (else a lower bound: above the largest rung). ") +
            I($"At the largest rung {string.Join("/", spec.Sizes.Select((l, i) => spec.WeightSamplesAt(i)))} samples (by L) carry their exact weights (the discrete map's log-determinant for ode-heun, path-space weights for {spec.Sampler}; unbiased at any step count); ") +
            I($"where ESS = N x ESS/N < {QualityRules.MinimumEss} the reweighted numbers are \"not measurable\" and the figures draw no point. Stage wall time {result.WallSeconds:F0} s ({result.Reused} pieces reused)."));
        foreach (var v in verdicts)
            report.Text($"**{v.Id} ({v.Verdict})**: {v.Statement} Measured: {v.Evidence}. Criterion: {v.Criterion}.");
        var aggregates = result.Aggregates();
        report.Text(I($"The quality criterion is resolution-limited: |ln(chi_gen/chi_MC)| <= {spec.ChiTolerance} needs the generated chi's own relative standard error well below {spec.ChiTolerance}, ") +
            I($"and the column \"chi_gen rel. SE\" gives it at the largest rung (mean over replicas); a rung whose SE is above {spec.ChiTolerance / 2} is \"not resolvable\" (column \"resolvable rungs\"; quality_rungs.csv: resolvable): there a met or missed rung is partly a draw of the samples."));
        report.Table(["network", "L", "sampler (log q)", "quality budget (steps)", "chi_gen/chi_MC", "chi_gen rel. SE", "resolvable rungs", "ESS/N", "measurable replicas", "IMH acceptance", "tau_int (M^2)", "train s", "gen ms/sample"],
            aggregates.Select(a =>
            {
                var rows = result.Rows.Where(r => r.Network == a.Network && r.Length == a.Length).ToArray();
                bool none = a.MeasurableReplicas == 0;
                return (IReadOnlyList<string>)
                [
                    a.Network, a.Length.ToString(CultureInfo.InvariantCulture), string.Join(", ", rows.Select(r => $"{r.Sampler} ({r.LogDensity})").Distinct()),
                    Budget(a), Mean(a.ChiRatio), RelativeError(rows), I($"{rows.Sum(r => r.Rungs.Count(g => g.Resolvable))}/{rows.Sum(r => r.Rungs.Count)}"),
                    none ? "not measurable" : Mean(a.EssFraction), I($"{a.MeasurableReplicas}/{a.Replicas}"),
                    none ? "not measurable" : Mean(a.Acceptance), none ? "not measurable" : Mean(a.TauInt),
                    I($"{rows.Average(r => r.TrainingSeconds):F1}"), I($"{1e3 * rows.Average(r => r.GenerationSecondsPerSample):G3}"),
                ];
            }));
        report.Table(["network", "L", "replica", "sampler", "N", "ESS", "chi reweighted", "chi MC", "z", "U reweighted", "U MC", "z"],
            result.Rows.Select(r =>
            {
                var e = result.Ensemble(r.Length, r.Replica);
                return (IReadOnlyList<string>)
                [
                    r.Network, r.Length.ToString(CultureInfo.InvariantCulture), r.Replica.ToString(CultureInfo.InvariantCulture), r.Sampler, r.WeightedSamples.ToString(CultureInfo.InvariantCulture),
                    r.EssFraction is { } f ? I($"{f * r.WeightedSamples:F1}") : "n/a",
                    r.Measurable ? Stat(r.ReweightedSusceptibility) : "not measurable", Stat(e.Susceptibility), ZText(Z(r.ReweightedSusceptibility, e.Susceptibility)),
                    r.Measurable ? Stat(r.ReweightedBinder) : "not measurable", Stat(e.Binder), ZText(Z(r.ReweightedBinder, e.Binder)),
                ];
            }));
        foreach (var (caption, file) in QualityFigures.Draw(folder, result))
            report.Figure(caption, prefix + file);
    }

    /// <summary>quality_replicas.csv, quality_rungs.csv, quality_aggregate.csv, quality_ensembles.csv and quality_cost.csv.</summary>
    private static void WriteTables(string folder, QualityResult result)
    {
        var replicas = new StringBuilder("network,L,replica,sampler,log_density,parameters,quality_steps,largest_steps,training_seconds,ladder_training_seconds,generation_seconds_per_sample,weighted_samples,ess_fraction,measurable,chi_reweighted,chi_reweighted_err,chi_mc,chi_mc_err,binder_reweighted,binder_reweighted_err,binder_mc,binder_mc_err,acceptance,tau_int,tau_int_err,diverged\n");
        var rungs = new StringBuilder("network,L,replica,steps,samples,chi_generated,chi_generated_err,binder_generated,binder_generated_err,log_chi_error,binder_error,m_histogram_distance,meets,chi_relative_error,resolvable\n");
        foreach (var r in result.Rows)
        {
            var e = result.Ensemble(r.Length, r.Replica);
            replicas.Append(CultureInfo.InvariantCulture,
                $"{SweepTables.Q(r.Network)},{r.Length},{r.Replica},{r.Sampler},{r.LogDensity},{r.Parameters},{r.QualitySteps},{r.LargestSteps},{r.TrainingSeconds:R},{r.LadderTrainingSeconds:R},{r.GenerationSecondsPerSample:R},{r.WeightedSamples},{r.EssFraction:R},{SweepTables.B(r.Measurable)},{r.ReweightedSusceptibility.Value:R},{r.ReweightedSusceptibility.Error:R},{e.Susceptibility.Value:R},{e.Susceptibility.Error:R},{r.ReweightedBinder.Value:R},{r.ReweightedBinder.Error:R},{e.Binder.Value:R},{e.Binder.Error:R},{r.Acceptance:R},{r.TauInt:R},{r.TauIntError:R},{SweepTables.B(r.Diverged)}\n");
            foreach (var g in r.Rungs)
                rungs.Append(CultureInfo.InvariantCulture,
                    $"{SweepTables.Q(r.Network)},{r.Length},{r.Replica},{g.Steps},{g.Samples},{g.GeneratedSusceptibility.Value:R},{g.GeneratedSusceptibility.Error:R},{g.GeneratedBinder.Value:R},{g.GeneratedBinder.Error:R},{g.LogChiError:R},{g.BinderError:R},{g.HistogramDistance:R},{SweepTables.B(g.Meets)},{g.ChiRelativeError:R},{SweepTables.B(g.Resolvable)}\n");
        }
        Checkpoint.WriteAtomic(Path.Combine(folder, "quality_replicas.csv"), replicas.ToString());
        Checkpoint.WriteAtomic(Path.Combine(folder, "quality_rungs.csv"), rungs.ToString());
        var aggregate = new StringBuilder("network,L,replicas,quality_steps,quality_steps_err,quality_steps_is_bound,chi_ratio,chi_ratio_err,measurable_replicas,ess_fraction,ess_fraction_err,acceptance,acceptance_err,tau_int,tau_int_err\n");
        foreach (var a in result.Aggregates())
            aggregate.Append(CultureInfo.InvariantCulture,
                $"{SweepTables.Q(a.Network)},{a.Length},{a.Replicas},{a.QualitySteps.Mean:R},{a.QualitySteps.Error:R},{SweepTables.B(a.QualityStepsIsBound)},{a.ChiRatio?.Mean:R},{a.ChiRatio?.Error:R},{a.MeasurableReplicas},{a.EssFraction?.Mean:R},{a.EssFraction?.Error:R},{a.Acceptance?.Mean:R},{a.Acceptance?.Error:R},{a.TauInt?.Mean:R},{a.TauInt?.Error:R}\n");
        Checkpoint.WriteAtomic(Path.Combine(folder, "quality_aggregate.csv"), aggregate.ToString());
        var ensembles = new StringBuilder("L,replica,configurations,tau_int,chi,chi_err,binder,binder_err,wall_seconds\n");
        foreach (var e in result.Ensembles)
            ensembles.Append(CultureInfo.InvariantCulture,
                $"{e.Length},{e.Replica},{e.Configurations},{e.TauInt:R},{e.Susceptibility.Value:R},{e.Susceptibility.Error:R},{e.Binder.Value:R},{e.Binder.Error:R},{e.WallSeconds:R}\n");
        Checkpoint.WriteAtomic(Path.Combine(folder, "quality_ensembles.csv"), ensembles.ToString());
        var cost = new StringBuilder("network,L,replica,training_steps,training_seconds,generation_seconds_per_sample,ess_fraction,acceptance,tau_int,samples\n");
        foreach (var c in result.CostRows())
            cost.Append(CultureInfo.InvariantCulture,
                $"{SweepTables.Q(c.Network)},{c.Length},{c.Replica},{c.TrainingSteps},{c.TrainingSeconds:R},{c.GenerationSecondsPerSample:R},{c.EssFraction:R},{c.Acceptance:R},{c.TauInt:R},{c.Samples}\n");
        Checkpoint.WriteAtomic(Path.Combine(folder, "quality_cost.csv"), cost.ToString());
    }

    /// <summary>The quality budget of an aggregate: mean +- SE, or "&gt; bound" when some replica did not meet the thresholds.</summary>
    public static string Budget(QualityAggregate a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a.QualityStepsIsBound ? I($"> {a.QualitySteps.Mean:G4}") : Mean(a.QualitySteps);
    }

    /// <summary>Mean over replicas of SE(chi_gen)/chi_gen at the largest rung.</summary>
    private static string RelativeError(IEnumerable<QualityRow> rows)
    {
        var relative = rows.Select(r => r.Rungs.Count > 0 && r.Rungs[^1].GeneratedSusceptibility is { Value: > 0, Error: { } e } g ? e / g.Value!.Value : double.NaN)
            .Where(double.IsFinite).ToArray();
        return relative.Length == 0 ? "n/a" : I($"{relative.Average():F3}");
    }

    private static string Mean(ReplicaMean? m) => m is null ? "n/a" : SweepReport.PlusMinus(m.MeanOrNaN, m.Error ?? double.NaN);

    private static string Stat(ValueWithError v) => v.Value is { } value ? SweepReport.PlusMinus(value, v.Error ?? double.NaN) : "n/a";

    private static string ZText(double? z) => z is { } v ? SweepReport.Z(v) : "";

    private static string I(FormattableString s) => FormattableString.Invariant(s);
}
