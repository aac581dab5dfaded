using System.Globalization;
using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// Crossings of Binder cumulants, fitted locally where they cross (U is steep there at large L, so one polynomial over a
/// whole window is biased). The differences D(g) = U(L1, g) - U(L2, g) at the couplings both sizes share locate the sign
/// change: among several, the most significant one (largest |D_{i+1} - D_i| / sqrt(sigma_i^2 + sigma_{i+1}^2)). Each
/// size's U (points at one coupling merged, inverse-variance weighted) is then fitted by a weighted polynomial
/// (<see cref="PolynomialFit"/>) over only the <see cref="LocalPoints"/> shared couplings nearest that sign change (two on each side where the window allows), of
/// degree min(requested, points - 2) so that the fit keeps a degree of freedom, and the crossing solves p1(g) = p2(g)
/// in the fit range (grid of 2000 intervals refined by bisection; the root nearest the data's linear-interpolated
/// crossing). The error comes from resampling: every U is redrawn as U + sigma z (z standard normal, fixed seed), both
/// local fits are redone and the crossing nearest the central one is taken; the standard deviation of those crossings
/// (and of U there) is the error, multiplied by sqrt(chi^2 / dof) of the two fits when that exceeds 1. chi^2 / dof and
/// a quality flag are reported (<see cref="BinderCrossing.FitQuality"/>). Without a sign change in the data there is no
/// crossing: D > 0 everywhere (the smaller size's U above the larger's, the disordered side) puts it above the window,
/// D &lt; 0 below.
/// </summary>
public static class BinderCrossings
{
    /// <summary>Shared couplings per local fit: two on each side of the sign change.</summary>
    public const int LocalPoints = 4;

    /// <summary>Significance |Delta D| / sigma below which a sign change is reported as doubtful.</summary>
    public const double SignificantChange = 2;

    private const int GridIntervals = 2000;

    /// <summary>The crossing of sizes <paramref name="smaller"/> (points <paramref name="a"/>) and <paramref name="larger"/> (points <paramref name="b"/>).</summary>
    /// <param name="smaller">L1.</param>
    /// <param name="a">U(L1) at its couplings.</param>
    /// <param name="larger">L2.</param>
    /// <param name="b">U(L2) at its couplings.</param>
    /// <param name="lower">Window start (for messages and the edge test only: the data define the fit range).</param>
    /// <param name="upper">Window end.</param>
    /// <param name="degree">Highest degree of the local fits, 1 or 2.</param>
    /// <param name="resamples">Resamples for the error.</param>
    /// <param name="seed">Seed of the resampling.</param>
    public static BinderCrossing Find(int smaller, IReadOnlyList<BinderPoint> a, int larger, IReadOnlyList<BinderPoint> b,
        double lower, double upper, int degree, int resamples, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shared = Merge(a).Join(Merge(b), p => p.Coupling, q => q.Coupling, (p, q) => (A: p, B: q)).OrderBy(p => p.A.Coupling).ToArray();
        if (shared.Length < 3)
            return Failed(smaller, larger, shared.Length, resamples, 0,
                $"too few couplings measured at both sizes ({shared.Length}; a local fit needs 3)");
        int change = SignChange(shared, out double significance);
        if (change < 0)
        {
            int side = shared[0].A.Binder > shared[0].B.Binder ? +1 : -1;
            string where = side > 0 ? "above" : "below";
            return Failed(smaller, larger, shared.Length, resamples, side, string.Create(CultureInfo.InvariantCulture,
                $"the measured U do not cross in [{lower:G6}, {upper:G6}] (U(L = {smaller}) is {(side > 0 ? "above" : "below")} U(L = {larger}) at every coupling): the crossing lies {where} the window; move or widen it (--refine widens)"));
        }
        var local = Local(shared, change);
        int deg = Math.Max(1, Math.Min(degree, local.Length - 2));
        var (pa, pb) = (local.Select(p => p.A).ToArray(), local.Select(p => p.B).ToArray());
        var (fa, fb) = (Fit(pa, null, deg), Fit(pb, null, deg));
        double chi2 = ChiSquare(fa, pa) + ChiSquare(fb, pb);
        int dof = 2 * (local.Length - deg - 1);
        double fitLower = local[0].A.Coupling, fitUpper = local[^1].A.Coupling;
        var (lo, hi) = (shared[change].A, shared[change + 1].A);
        var (dlo, dhi) = (lo.Binder - shared[change].B.Binder, hi.Binder - shared[change + 1].B.Binder);
        double reference = dlo == dhi ? (lo.Coupling + hi.Coupling) / 2 : lo.Coupling + (hi.Coupling - lo.Coupling) * dlo / (dlo - dhi);
        int edge = change == 0 ? -1 : change == shared.Length - 2 ? +1 : 0;
        if (Root(fa, fb, fitLower, fitUpper, reference) is not { } g)
            return Failed(smaller, larger, local.Length, resamples, edge, string.Create(CultureInfo.InvariantCulture,
                $"the local fits over [{fitLower:G6}, {fitUpper:G6}] do not cross although the data change order near {reference:G6}: add couplings there"))
                with { ChiSquare = chi2, DegreesOfFreedom = dof, FitLower = fitLower, FitUpper = fitUpper, BracketLower = lo.Coupling, BracketUpper = hi.Coupling };
        double u = (fa.At(g) + fb.At(g)) / 2;
        var rng = new RandomStream(seed, (ulong)(smaller * 1000 + larger));
        var couplings = new List<double>();
        var binders = new List<double>();
        for (int r = 0; r < resamples; r++)
        {
            var (ra, rb) = (Fit(pa, Noise(pa, ref rng), deg), Fit(pb, Noise(pb, ref rng), deg));
            if (Root(ra, rb, fitLower, fitUpper, g) is not { } gr) continue;
            couplings.Add(gr);
            binders.Add((ra.At(gr) + rb.At(gr)) / 2);
        }
        int failed = resamples - couplings.Count;
        double scale = dof > 0 ? Math.Sqrt(Math.Max(1, chi2 / dof)) : 1;
        var warnings = new List<string>();
        if (edge != 0)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"the measured U change order in the window's {(edge < 0 ? "lowest" : "highest")} interval [{lo.Coupling:G6}, {hi.Coupling:G6}]: widen the window on that side (--refine widens)"));
        if (significance < SignificantChange)
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"the sign change of U(L = {smaller}) - U(L = {larger}) is only {significance:F1} standard errors: it may be noise"));
        if (failed > resamples / 10)
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{failed} of {resamples} resamples found no crossing: the error is unreliable"));
        if (dof > 0 && MathNet.Numerics.Distributions.ChiSquared.CDF(dof, chi2) > 1 - BinderCrossing.PoorFitPValue)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"poor local fit (chi2/dof = {chi2 / dof:F2} over [{fitLower:G6}, {fitUpper:G6}]): the error is scaled by {scale:F2}; add couplings near the crossing (--refine)"));
        return new BinderCrossing(smaller, larger, new Stats(g, scale * StandardDeviation(couplings)), new Stats(u, scale * StandardDeviation(binders)),
            local.Length, failed, warnings.Count > 0 ? string.Join("; ", warnings) : null)
        {
            ChiSquare = chi2, DegreesOfFreedom = dof, FitLower = fitLower, FitUpper = fitUpper, BracketLower = lo.Coupling,
            BracketUpper = hi.Coupling, Edge = edge,
        };
    }

    /// <summary>
    /// Inverse-variance weighted mean of the found crossings' couplings and U*, each error multiplied by
    /// sqrt(chi^2 / dof) when that exceeds 1 (crossings drift with L faster than their errors). Pairs sharing a size are
    /// correlated, so with more than two sizes the combined error is somewhat optimistic. NaN when none was found.
    /// </summary>
    public static (Stats Coupling, Stats Binder, double ChiSquarePerDof) Combine(IReadOnlyList<BinderCrossing> crossings)
    {
        ArgumentNullException.ThrowIfNull(crossings);
        var found = crossings.Where(c => c.Found && c.BinderAtCrossing.Error > 0).ToArray();
        if (found.Length == 0) return (new Stats(double.NaN, double.NaN), new Stats(double.NaN, double.NaN), double.NaN);
        var (g, chi2) = WeightedMean(found.Select(c => c.Coupling).ToArray());
        var (u, _) = WeightedMean(found.Select(c => c.BinderAtCrossing).ToArray());
        return (g, u, chi2);
    }

    private static (Stats Mean, double ChiSquarePerDof) WeightedMean(Stats[] values)
    {
        double sw = values.Sum(v => 1 / (v.Error * v.Error));
        double mean = values.Sum(v => v.Mean / (v.Error * v.Error)) / sw;
        double chi2 = values.Sum(v => Math.Pow((v.Mean - mean) / v.Error, 2));
        double perDof = values.Length > 1 ? chi2 / (values.Length - 1) : double.NaN;
        double inflate = values.Length > 1 ? Math.Sqrt(Math.Max(1, perDof)) : 1;
        return (new Stats(mean, inflate / Math.Sqrt(sw)), perDof);
    }

    /// <summary>
    /// The points with couplings equal to within 1e-9 relative (a refinement's grid repeating an earlier stage's coupling)
    /// merged into one: inverse-variance weighted mean at the first such coupling.
    /// </summary>
    private static BinderPoint[] Merge(IReadOnlyList<BinderPoint> points)
    {
        var merged = new List<BinderPoint>();
        foreach (var group in points.OrderBy(p => p.Coupling).Aggregate(new List<List<BinderPoint>>(), (groups, p) =>
                 {
                     if (groups.Count > 0 && Math.Abs(p.Coupling - groups[^1][0].Coupling) <= 1e-9 * Math.Abs(p.Coupling)) groups[^1].Add(p);
                     else groups.Add([p]);
                     return groups;
                 }))
        {
            double w = group.Sum(p => 1 / (p.Error * p.Error));
            merged.Add(new BinderPoint(group[0].Coupling, group.Sum(p => p.Binder / (p.Error * p.Error)) / w, 1 / Math.Sqrt(w)));
        }
        return [.. merged];
    }

    /// <summary>Index i of the most significant sign change of D between shared couplings i and i + 1, or -1.</summary>
    private static int SignChange((BinderPoint A, BinderPoint B)[] shared, out double significance)
    {
        int best = -1;
        significance = 0;
        for (int i = 0; i + 1 < shared.Length; i++)
        {
            var (p, q) = (shared[i], shared[i + 1]);
            double d0 = p.A.Binder - p.B.Binder, d1 = q.A.Binder - q.B.Binder;
            if (d0 != 0 && Math.Sign(d0) == Math.Sign(d1)) continue;
            if (d0 == 0 && i > 0) continue; // an exact zero inside counts once, in the interval that ends at it
            double variance = p.A.Error * p.A.Error + p.B.Error * p.B.Error + q.A.Error * q.A.Error + q.B.Error * q.B.Error;
            double score = Math.Abs(d1 - d0) / Math.Sqrt(variance);
            if (best < 0 || score > significance) (best, significance) = (i, score);
        }
        return best;
    }

    /// <summary>The <see cref="LocalPoints"/> shared couplings around the sign change in interval <paramref name="change"/> (fewer when the data hold fewer).</summary>
    private static (BinderPoint A, BinderPoint B)[] Local((BinderPoint A, BinderPoint B)[] shared, int change)
    {
        int count = Math.Min(LocalPoints, shared.Length);
        int start = Math.Clamp(change + 1 - count / 2, 0, shared.Length - count);
        return shared[start..(start + count)];
    }

    private static PolynomialFit Fit(BinderPoint[] points, double[]? noise, int degree) =>
        PolynomialFit.Of(points.Select(p => p.Coupling).ToArray(),
            points.Select((p, i) => p.Binder + (noise?[i] ?? 0)).ToArray(), points.Select(p => p.Error).ToArray(), degree);

    private static double ChiSquare(PolynomialFit fit, BinderPoint[] points) =>
        points.Sum(p => Math.Pow((fit.At(p.Coupling) - p.Binder) / p.Error, 2));

    private static double[] Noise(BinderPoint[] points, ref RandomStream rng)
    {
        var noise = new double[points.Length];
        for (int i = 0; i < noise.Length; i++) noise[i] = points[i].Error * rng.NextGaussian();
        return noise;
    }

    /// <summary>The root of p1 - p2 in [lower, upper] nearest <paramref name="reference"/>, or null.</summary>
    private static double? Root(PolynomialFit p1, PolynomialFit p2, double lower, double upper, double reference)
    {
        double Difference(double x) => p1.At(x) - p2.At(x);
        double? best = null;
        double step = (upper - lower) / GridIntervals, previous = Difference(lower);
        for (int i = 1; i <= GridIntervals; i++)
        {
            double x0 = lower + (i - 1) * step, x1 = i == GridIntervals ? upper : lower + i * step, current = Difference(x1);
            if (previous == 0 || Math.Sign(previous) != Math.Sign(current))
            {
                double root = Bisect(Difference, x0, x1);
                if (best is null || Math.Abs(root - reference) < Math.Abs(best.Value - reference)) best = root;
            }
            previous = current;
        }
        return best;
    }

    private static double Bisect(Func<double, double> f, double lo, double hi)
    {
        double flo = f(lo);
        if (flo == 0) return lo;
        for (int i = 0; i < 60; i++)
        {
            double mid = (lo + hi) / 2, fm = f(mid);
            if (Math.Sign(fm) == Math.Sign(flo)) (lo, flo) = (mid, fm);
            else hi = mid;
        }
        return (lo + hi) / 2;
    }

    private static double StandardDeviation(List<double> values)
    {
        if (values.Count < 2) return double.NaN;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    private static BinderCrossing Failed(int smaller, int larger, int points, int resamples, int edge, string reason) =>
        new(smaller, larger, new Stats(double.NaN, double.NaN), new Stats(double.NaN, double.NaN), points, resamples, reason) { Edge = edge };
}
