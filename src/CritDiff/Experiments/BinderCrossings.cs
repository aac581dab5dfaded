using System.Globalization;
using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// Crossings of Binder cumulants: each size's U(g) is fitted by a weighted polynomial (degree 1 or 2,
/// <see cref="PolynomialFit"/>) over the window, and the crossing solves p1(g) = p2(g) there (sign changes of p1 - p2 on a
/// grid of 2000 intervals, refined by bisection; among several, the one nearest the raw data's own crossing). The error
/// comes from resampling: every U is redrawn as U + sigma z (z standard normal, fixed seed), both fits are redone and the
/// crossing nearest the central one is taken; the standard deviation of those crossings (and of U there) is the error.
/// </summary>
public static class BinderCrossings
{
    private const int GridIntervals = 2000;

    /// <summary>The crossing of sizes <paramref name="smaller"/> (points <paramref name="a"/>) and <paramref name="larger"/> (points <paramref name="b"/>).</summary>
    public static BinderCrossing Find(int smaller, IReadOnlyList<BinderPoint> a, int larger, IReadOnlyList<BinderPoint> b,
        double lower, double upper, int degree, int resamples, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (Math.Min(a.Count, b.Count) <= degree)
            return Failed(smaller, larger, Math.Min(a.Count, b.Count), resamples, $"too few valid points ({a.Count}, {b.Count}) for a degree-{degree} fit");
        var (fa, fb) = (Fit(a, null, degree), Fit(b, null, degree));
        double reference = DataCrossing(a, b, out bool crossesInData) ?? (lower + upper) / 2;
        double? central = Root(fa, fb, lower, upper, reference);
        if (central is not { } g)
            return Failed(smaller, larger, a.Count, resamples, "the fitted curves do not cross in the window: widen or move it");
        double u = (fa.At(g) + fb.At(g)) / 2;
        var rng = new RandomStream(seed, (ulong)(smaller * 1000 + larger));
        var couplings = new List<double>();
        var binders = new List<double>();
        for (int r = 0; r < resamples; r++)
        {
            var (ra, rb) = (Fit(a, Noise(a, ref rng), degree), Fit(b, Noise(b, ref rng), degree));
            if (Root(ra, rb, lower, upper, g) is not { } gr) continue;
            couplings.Add(gr);
            binders.Add((ra.At(gr) + rb.At(gr)) / 2);
        }
        int failed = resamples - couplings.Count;
        string? warning = !crossesInData ? "the measured U values do not change order in the window (the crossing is an extrapolation of the fits)"
            : failed > resamples / 10 ? string.Create(CultureInfo.InvariantCulture, $"{failed} of {resamples} resamples found no crossing: the error is unreliable")
            : null;
        return new BinderCrossing(smaller, larger, new Stats(g, StandardDeviation(couplings)), new Stats(u, StandardDeviation(binders)),
            a.Count, failed, warning);
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

    private static PolynomialFit Fit(IReadOnlyList<BinderPoint> points, double[]? noise, int degree) =>
        PolynomialFit.Of(points.Select(p => p.Coupling).ToArray(),
            points.Select((p, i) => p.Binder + (noise?[i] ?? 0)).ToArray(), points.Select(p => p.Error).ToArray(), degree);

    private static double[] Noise(IReadOnlyList<BinderPoint> points, ref RandomStream rng)
    {
        var noise = new double[points.Count];
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

    /// <summary>Linear-interpolated zero of U_a - U_b at the first sign change over couplings both sizes share, or null.</summary>
    private static double? DataCrossing(IReadOnlyList<BinderPoint> a, IReadOnlyList<BinderPoint> b, out bool crosses)
    {
        var shared = a.Join(b, p => p.Coupling, q => q.Coupling, (p, q) => (G: p.Coupling, D: p.Binder - q.Binder))
            .OrderBy(p => p.G).ToArray();
        crosses = false;
        for (int i = 1; i < shared.Length; i++)
            if (Math.Sign(shared[i - 1].D) != Math.Sign(shared[i].D))
            {
                crosses = true;
                var (p, q) = (shared[i - 1], shared[i]);
                return p.G + (q.G - p.G) * p.D / (p.D - q.D);
            }
        // Without shared couplings (or no sign change), trust the fits alone.
        crosses = shared.Length < 2;
        return null;
    }

    private static double StandardDeviation(List<double> values)
    {
        if (values.Count < 2) return double.NaN;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    private static BinderCrossing Failed(int smaller, int larger, int points, int resamples, string reason) =>
        new(smaller, larger, new Stats(double.NaN, double.NaN), new Stats(double.NaN, double.NaN), points, resamples, reason);
}
