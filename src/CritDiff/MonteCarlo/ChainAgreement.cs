using System.Globalization;
using System.Text.Json.Nodes;
using CritDiff.Statistics;
using MathNet.Numerics.Distributions;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Whether the chains of a run sample one distribution, so that pooling them is honest (issue 23: an HMC chain frozen in a
/// two-stripe domain wall gave an ensemble U of 0.560 against 0.667 without a word). Per chain and observable the mean
/// with its error from the chain's own tau_int; across chains two checks:
/// <list type="bullet">
/// <item>split-R-hat (<see cref="RHat.Split"/>) above <see cref="RHatThreshold"/> = <see cref="RHat.Threshold"/>;</item>
/// <item>a pairwise z-test of the chain means, z_ij = |mean_i - mean_j| / sqrt(err_i^2 + err_j^2), with a Bonferroni-corrected
/// threshold: with K = (strict observables) x C(C, 2) tests and family-wise false-alarm rate alpha (default 0.1%),
/// z* = Phi^-1(1 - alpha / (2 K)) (3.93 for four chains and two observables), so agreeing chains with exact errors
/// trip it with probability at most alpha. The errors come from tau_int estimated on each chain, which is uncertain
/// and slightly biased low on short chains: on independent AR(1) chains (tau_int = 9.5, four chains, two observables) the
/// measured rate is 0.27% at 4000 values per chain and 0.57% at 1000 (3000 runs each; tests/.../ChainAgreementTests).</item>
/// </list>
/// The chains must agree (<see cref="Agree"/>) on |M| and the energy ("strict"). The signed magnetisation (M for n = 1, each
/// component M_a for 2 &lt;= n &lt;= <see cref="MaxSignedComponents"/>) is reported for information only: in a broken phase a
/// chain without tunnelling stays in one sector (+M or -M, or one direction), so signed means legitimately differ between
/// chains while |M| and e agree; a frozen domain wall lowers |M| and raises e, and is caught there.
/// </summary>
/// <param name="Source">What was compared, in words ("measured sweeps", "stored configurations", "pilot sweeps").</param>
/// <param name="Length">Values per chain (the shortest chain's; R-hat cuts the others to it).</param>
/// <param name="FamilyAlpha">Family-wise false-alarm rate of the z-tests over the strict observables.</param>
/// <param name="Tests">K, the number of strict pairwise tests.</param>
/// <param name="ZThreshold">z* per test; NaN for one chain (no pairs: only R-hat, first half of the chain against its second).</param>
/// <param name="RHatThreshold">R-hat above which the chains disagree.</param>
/// <param name="Observables">The strict observables first, then the informational ones.</param>
public sealed record ChainAgreement(string Source, int Length, double FamilyAlpha, int Tests, double ZThreshold, double RHatThreshold,
    IReadOnlyList<ObservableAgreement> Observables)
{
    /// <summary>
    /// Family-wise false-alarm rate of the pairwise z-tests: 0.1%. Not 1%: the errors of the chain means are estimated (each
    /// chain's tau_int), which fattens the tails of z; at a nominal 1% agreeing AR(1) chains were flagged in 1.7% (4000
    /// values per chain, ~420 tau_int) to 3.3% (1000 values) of runs, at 0.1% in 0.27% to 0.57%. Runners that launch many
    /// runs (critical, reproduce) should not cry wolf; a frozen chain sits hundreds of errors away.
    /// </summary>
    public const double DefaultFamilyAlpha = 0.001;

    /// <summary>Signed components M_a are compared (for information) for n up to 4; beyond, only |M| and e.</summary>
    public const int MaxSignedComponents = 4;

    /// <summary>The R-hat variant, as reported.</summary>
    public const string RHatKind = "split-R-hat (Gelman et al. 2013, BDA3 11.4; Vehtari et al. 2021 without rank normalisation)";

    /// <summary>Chains compared.</summary>
    public int ChainCount => Observables[0].Chains.Count;

    /// <summary>True when every strict observable agrees across chains.</summary>
    public bool Agree => Observables.All(o => !o.Strict || o.Agrees);

    /// <summary>
    /// Compares <paramref name="observables"/> (name, strict, one series per chain; at least 4 values per chain, the same
    /// number of chains for each) across chains.
    /// </summary>
    public static ChainAgreement Compare(string source, IReadOnlyList<(string Name, bool Strict, IReadOnlyList<double[]> Chains)> observables,
        double familyAlpha = DefaultFamilyAlpha)
    {
        ArgumentNullException.ThrowIfNull(observables);
        if (observables.Count == 0) throw new ArgumentException("no observables", nameof(observables));
        if (!(familyAlpha is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(familyAlpha), familyAlpha, "alpha must be in (0, 1)");
        int chains = observables[0].Chains.Count;
        if (chains < 1 || observables.Any(o => o.Chains.Count != chains))
            throw new ArgumentException("every observable needs the same number (>= 1) of chains", nameof(observables));
        int tests = observables.Count(o => o.Strict) * chains * (chains - 1) / 2;
        // With no strict test (one chain) the informational ones still use one test's threshold at alpha.
        double z = chains < 2 ? double.NaN : Normal.InvCDF(0, 1, 1 - familyAlpha / (2 * Math.Max(1, tests)));
        var compared = observables.OrderBy(o => o.Strict ? 0 : 1).Select(o => Compare(o.Name, o.Strict, o.Chains, z)).ToArray();
        return new ChainAgreement(source, observables.Min(o => o.Chains.Min(c => c.Length)), familyAlpha, tests, z, RHat.Threshold, compared);
    }

    private static ObservableAgreement Compare(string name, bool strict, IReadOnlyList<double[]> chains, double threshold)
    {
        var stats = chains.Select(c => Autocorrelation.Mean(c)).ToArray();
        double rHat = RHat.Split(chains), maxZ = double.NaN;
        (int, int)? worst = null;
        for (int i = 0; i < stats.Length; i++)
            for (int j = i + 1; j < stats.Length; j++)
            {
                double difference = Math.Abs(stats[i].Mean - stats[j].Mean);
                double error = Math.Sqrt(stats[i].Error * stats[i].Error + stats[j].Error * stats[j].Error);
                double z = error > 0 ? difference / error : difference == 0 ? 0 : double.PositiveInfinity;
                if (worst is null || z > maxZ || double.IsNaN(z)) (maxZ, worst) = (z, (i, j));
            }
        bool agrees = rHat <= RHat.Threshold && !(maxZ > threshold) && !(stats.Length > 1 && double.IsNaN(maxZ));
        return new ObservableAgreement(name, strict, stats, rHat, maxZ, worst, agrees);
    }

    /// <summary>One warning per strict observable the chains disagree on: the chain means, R-hat, the worst pair, and what to do.</summary>
    public IReadOnlyList<string> Warnings => Observables.Where(o => o.Strict && !o.Agrees).Select(Warning).ToArray();

    private string Warning(ObservableAgreement o)
    {
        var text = FormattableString.Invariant(
            $"chains disagree on {o.Label} ({Source}): chain means {string.Join(", ", o.Chains.Select(s => s.ToString()))}; split R-hat {o.RHat:0.###}");
        text += o.RHat > RHatThreshold ? FormattableString.Invariant($" > {RHatThreshold:0.###}") : "";
        if (o.WorstPair is { } pair)
            text += FormattableString.Invariant(
                $"; chains {pair.First} and {pair.Second} differ by {o.MaxZ:0.##} standard errors{(o.MaxZ > ZThreshold ? " >" : ", threshold")} {ZThreshold:F2} (Bonferroni, {100 * FamilyAlpha:G3}% over {Tests} tests)");
        return text + ". A chain stuck in a metastable state (e.g. a domain wall) or chains far too short: the pooled estimates are " +
               "not to be trusted; run longer, start more chains or use a cluster algorithm (wolff)";
    }

    /// <summary>
    /// The JSON form (docs/json.md, key chain_agreement): agree, source, chains, length, r_hat_kind, r_hat_threshold,
    /// family_alpha, tests, z_threshold, and per observable name, strict, mean / error / tau_int per chain, r_hat, max_z,
    /// worst_pair and agree. Numbers that are not finite are null.
    /// </summary>
    public JsonObject ToJson() => new()
    {
        ["agree"] = Agree,
        ["source"] = Source,
        ["chains"] = ChainCount,
        ["length"] = Length,
        ["r_hat_kind"] = RHatKind,
        ["r_hat_threshold"] = RHatThreshold,
        ["family_alpha"] = FamilyAlpha,
        ["tests"] = Tests,
        ["z_threshold"] = Number(ZThreshold),
        ["observables"] = new JsonArray(Observables.Select(o => (JsonNode?)new JsonObject
        {
            ["name"] = o.Name,
            ["strict"] = o.Strict,
            ["mean"] = Numbers(o.Chains.Select(s => s.Mean)),
            ["error"] = Numbers(o.Chains.Select(s => s.Error)),
            ["tau_int"] = Numbers(o.Chains.Select(s => s.TauInt)),
            ["r_hat"] = Number(o.RHat),
            ["max_z"] = Number(o.MaxZ),
            ["worst_pair"] = o.WorstPair is { } p ? new JsonArray(p.First, p.Second) : null,
            ["agree"] = o.Agrees,
        }).ToArray()),
    };

    /// <summary>One line in words: agree or not, with the largest R-hat and z of the strict observables.</summary>
    public string Summary()
    {
        var strict = Observables.Where(o => o.Strict).ToArray();
        double rHat = strict.Max(o => o.RHat), z = strict.Select(o => o.MaxZ).DefaultIfEmpty(double.NaN).Max();
        string pairs = ChainCount > 1
            ? string.Create(CultureInfo.InvariantCulture, $", largest pairwise z {z:0.##} (threshold {ZThreshold:F2}, Bonferroni {100 * FamilyAlpha:G3}% over {Tests} tests)")
            : " (one chain: its halves)";
        return string.Create(CultureInfo.InvariantCulture,
            $"{ChainCount} chain(s) {(Agree ? "agree" : "DISAGREE")} on |M| and e ({Source}): largest split R-hat {rHat:0.###} (threshold {RHatThreshold:0.###}){pairs}");
    }

    /// <summary>Whether component series M_a are kept and compared for <paramref name="components"/>: 2 &lt;= n &lt;= <see cref="MaxSignedComponents"/>.</summary>
    public static bool HasSignedComponents(int components) => components is >= 2 and <= MaxSignedComponents;

    /// <summary>The keys of the signed magnetisation: M for n = 1, M_1..M_n for 2 &lt;= n &lt;= <see cref="MaxSignedComponents"/>, none beyond.</summary>
    public static IReadOnlyList<string> SignedNames(int components) =>
        components == 1 ? ["M"] : HasSignedComponents(components) ? Enumerable.Range(1, components).Select(a => $"M_{a}").ToArray() : [];

    /// <summary>The chains of a <see cref="ModelMcmc"/> run compared on every measured sweep: |M| and e strictly, the signed magnetisation for information.</summary>
    internal static ChainAgreement OfSeries(IReadOnlyList<ModelSeries> series, int components)
    {
        var observables = new List<(string, bool, IReadOnlyList<double[]>)>
        {
            ("abs_M", true, series.Select(s => s.MagnetisationNorm).ToArray()),
            ("energy", true, series.Select(s => s.Energy).ToArray()),
        };
        var names = SignedNames(components);
        for (int a = 0; a < names.Count; a++)
        {
            int component = a;
            observables.Add((names[a], false, series.Select(s => components == 1 ? s.Order : s.Components[component]).ToArray()));
        }
        return Compare("measured sweeps", observables);
    }

    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    private static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(Number).ToArray());
}
