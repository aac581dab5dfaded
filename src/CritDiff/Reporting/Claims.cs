using System.Globalization;
using CritDiff.Experiments;
using CritDiff.Networks;

namespace CritDiff.Reporting;

/// <summary>A claim of docs/science.md section 1 with its measured sentence and a verdict computed from the data.</summary>
/// <param name="Id">C1..C4.</param>
/// <param name="Statement">What the claim says.</param>
/// <param name="Evidence">The measured numbers, in words.</param>
/// <param name="Criterion">The rule the verdict applies.</param>
/// <param name="Reproduced">True, false, or null when the data needed are missing.</param>
public sealed record ClaimVerdict(string Id, string Statement, string Evidence, string Criterion, bool? Reproduced)
{
    /// <summary>"reproduced", "not reproduced" or "not measured".</summary>
    public string Verdict => Reproduced switch { true => "reproduced", false => "not reproduced", null => "not measured" };

    /// <summary>
    /// Why the verdict cannot be trusted at the sizes measured (see <see cref="Claims.SizeCaveat"/>), or null
    /// when the sizes suffice.
    /// </summary>
    public string? Caveat { get; init; }
}

/// <summary>
/// Verdicts for claims C1-C4 from sweep summaries, by fixed criteria stated in each verdict:
/// C1: the one-layer power law is preferred and its exponent is within 0.3 (or 2 standard errors) of 2;
/// C2: at the fixed budget the one-layer KL grows with L, by more than 10x over the sweep, and ends
/// above the two-layer KL; C3 and C4: at least 3 sizes, converged everywhere, and an effective power
/// exponent below 1 (a law a + b ln L fitted by a power over these sizes has exponent
/// b / (a + b ln L), well below 1, while L^2 gives 2; the logarithmic fit is reported beside it), C4 also
/// with no more parameters than the one-layer network at every L. Sweeps with fewer sizes are listed
/// but do not count.
/// </summary>
public static class Claims
{
    /// <summary>The verdicts from population-GD sweeps (each must hold one-layer, two-layer and a local two-layer architecture).</summary>
    public static IReadOnlyList<ClaimVerdict> Judge(IReadOnlyList<ScalingSummary> sweeps, string localArchitecture)
    {
        ArgumentNullException.ThrowIfNull(sweeps);
        return [C1(sweeps) with { Caveat = SweepsCaveat(sweeps, NetworkCatalog.OneLayer.Name) }, C2(sweeps) with { Caveat = SweepsCaveat(sweeps, NetworkCatalog.OneLayer.Name) },
            Fast("C3", "A two-layer network (product of two linear layers) trains in ~log L steps.", sweeps, NetworkCatalog.TwoLayer.Name, false) with { Caveat = SweepsCaveat(sweeps, NetworkCatalog.TwoLayer.Name) },
            Fast("C4", $"A local two-layer network ({localArchitecture}) keeps the speed-up with no more parameters than the one-layer network.", sweeps, localArchitecture, true)
                with { Caveat = SweepsCaveat(sweeps, localArchitecture) }];
    }

    /// <summary>
    /// <c>claims.csv</c>: one line per claim, <c>claim,verdict,criterion,evidence</c>; no field is quoted (the commas of the
    /// criterion and evidence sentences are written as ';', see <see cref="SweepTables.Text"/>).
    /// </summary>
    public static string ToCsv(IEnumerable<ClaimVerdict> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var csv = new System.Text.StringBuilder("claim,verdict,criterion,evidence\n");
        foreach (var c in claims)
            csv.Append(SweepTables.Text(c.Id)).Append(',').Append(c.Verdict).Append(',').Append(SweepTables.Text(c.Criterion)).Append(',')
                .Append(SweepTables.Text(c.Evidence)).Append('\n');
        return csv.ToString();
    }

    /// <summary>Sizes a scaling fit needs before its verdict is trusted: at least this many distinct L ...</summary>
    public const int TrustedSizeCount = 4;

    /// <summary>... spanning at least this factor in L (a power L^p and a + b ln L differ by little over a factor 2).</summary>
    public const double TrustedSizeRatio = 4;

    /// <summary>
    /// Null when <paramref name="sizes"/> hold at least <see cref="TrustedSizeCount"/> distinct L spanning a
    /// factor <see cref="TrustedSizeRatio"/>; otherwise a sentence naming <paramref name="where"/> and its sizes.
    /// </summary>
    public static string? SizeCaveat(string where, IEnumerable<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var l = sizes.Distinct().Order().ToArray();
        if (l.Length == 0) return null;
        bool few = l.Length < TrustedSizeCount, narrow = l[^1] < TrustedSizeRatio * l[0];
        if (!few && !narrow) return null;
        string why = few && narrow ? $"fewer than {TrustedSizeCount} sizes, over less than a factor {TrustedSizeRatio} in L"
            : few ? $"fewer than {TrustedSizeCount} sizes" : $"less than a factor {TrustedSizeRatio} in L";
        return Invariant($"{where}: L = {string.Join(", ", l)} ({why})");
    }

    /// <summary>The caveats that are not null, joined; null when there are none.</summary>
    public static string? JoinCaveats(IEnumerable<string?> caveats)
    {
        var list = caveats.Where(c => c is not null).Distinct().ToArray();
        return list.Length == 0 ? null : string.Join("; ", list);
    }

    private static string? SweepsCaveat(IReadOnlyList<ScalingSummary> sweeps, string arch) =>
        JoinCaveats(sweeps.Select(s => SizeCaveat(Where(s), s.Rows.Where(r => r.Architecture == arch).Select(r => r.Length))));

    private static ClaimVerdict C1(IReadOnlyList<ScalingSummary> sweeps)
    {
        var parts = new List<string>();
        bool? ok = null;
        foreach (var s in sweeps)
        {
            var fit = s.Fits.FirstOrDefault(f => f.Architecture == NetworkCatalog.OneLayer.Name);
            if (fit?.PowerExponent is not { } p) continue;
            double err = fit.PowerExponentError ?? 0;
            bool pass = fit.Preferred == "power" && Math.Abs(p - 2) <= Math.Max(0.3, 2 * err);
            ok = (ok ?? true) && pass;
            parts.Add(Invariant($"{Where(s)}: steps ~ L^({SweepReport.PlusMinus(p, err)}) (theory {fit.PredictedPowerExponent:F2}; preferred fit: {fit.Preferred}; steps {Steps(s, NetworkCatalog.OneLayer.Name)})"));
        }
        return new ClaimVerdict("C1", "A one-layer network trained by gradient descent needs ~L^2 steps at criticality.",
            parts.Count == 0 ? "no one-layer sweep" : string.Join("; ", parts),
            "power law preferred and |exponent - 2| <= max(0.3, 2 SE)", ok);
    }

    private static ClaimVerdict C2(IReadOnlyList<ScalingSummary> sweeps)
    {
        var parts = new List<string>();
        bool? ok = null;
        foreach (var s in sweeps)
        {
            var one = s.Rows.Where(r => r.Architecture == NetworkCatalog.OneLayer.Name && r.KlAtBudget is not null).OrderBy(r => r.Length).ToArray();
            var two = s.Rows.Where(r => r.Architecture == NetworkCatalog.TwoLayer.Name && r.KlAtBudget is not null).OrderBy(r => r.Length).ToArray();
            if (one.Length < 2 || two.Length == 0) continue;
            bool rising = one.Zip(one.Skip(1)).All(p => p.Second.KlAtBudget > p.First.KlAtBudget);
            double growth = one[^1].KlAtBudget!.Value / one[0].KlAtBudget!.Value;
            bool pass = rising && growth > 10 && one[^1].KlAtBudget > two[^1].KlAtBudget;
            ok = (ok ?? true) && pass;
            parts.Add(Invariant($"{Where(s)}, {s.Budget} steps: one-layer KL per site {string.Join(", ", one.Select(r => $"{r.KlAtBudget:G2} (L={r.Length})"))}; ") +
                      Invariant($"two-layer {string.Join(", ", two.Select(r => $"{r.KlAtBudget:G2}"))}"));
        }
        return new ClaimVerdict("C2", "With a fixed training budget, samples generated from the one-layer network get worse as L grows.",
            parts.Count == 0 ? "no sweep with both networks" : string.Join("; ", parts),
            "one-layer KL at the budget rises with every L, by > 10x over the sweep, and ends above the two-layer KL", ok);
    }

    private static ClaimVerdict Fast(string id, string statement, IReadOnlyList<ScalingSummary> sweeps, string arch, bool checkParameters)
    {
        var parts = new List<string>();
        bool? ok = null;
        foreach (var s in sweeps)
        {
            var fit = s.Fits.FirstOrDefault(f => f.Architecture == arch);
            var rows = s.Rows.Where(r => r.Architecture == arch).ToArray();
            if (fit?.PowerExponent is not { } p || rows.Length == 0) continue;
            if (rows.Length < 3)
            {
                parts.Add(Invariant($"{Where(s)}: steps {Steps(s, arch)} (fewer than 3 sizes: not counted)"));
                continue;
            }
            bool converged = rows.All(r => r.Converged && !r.Diverged);
            bool fewer = !checkParameters || rows.All(r => s.Rows.FirstOrDefault(o => o.Architecture == NetworkCatalog.OneLayer.Name && o.Length == r.Length) is not { } one || r.Parameters <= one.Parameters);
            bool pass = converged && fewer && p < 1;
            ok = (ok ?? true) && pass;
            string gap = checkParameters ? Invariant($"; parameters {rows[0].Parameters}; reachable optimum above the exact score by {string.Join(", ", rows.Select(r => SweepReport.G(r.OptimumGapToExact)))} per site") : "";
            parts.Add(Invariant($"{Where(s)}: steps {Steps(s, arch)}, ~L^({SweepReport.PlusMinus(p, fit.PowerExponentError)}), or {fit.LogIntercept:F1} + {fit.LogSlope:F1} ln L (preferred fit: {fit.Preferred}){gap}"));
        }
        return new ClaimVerdict(id, statement, parts.Count == 0 ? $"no {arch} sweep" : string.Join("; ", parts),
            "at least 3 sizes, every size converged, and power exponent < 1 (sub-linear, against ~2 for one-layer)" + (checkParameters ? ", with no more parameters than one-layer" : ""), ok);
    }

    private static string Where(ScalingSummary s) => $"d = {s.Dimension}, {s.Family}";

    private static string Steps(ScalingSummary s, string arch) =>
        string.Join(", ", s.Rows.Where(r => r.Architecture == arch).Select(r => Invariant($"{r.Steps:G4} (L={r.Length})")));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
