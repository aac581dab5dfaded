namespace CritDiff.Statistics;

/// <summary>
/// Gamma(shape, 1) variates by Marsaglia and Tsang's method (ACM TOMS 26(3), 2000): for shape
/// alpha &gt;= 1, with d = alpha - 1/3 and c = 1/sqrt(9 d), draw x ~ N(0,1), v = (1 + c x)^3 and
/// accept d v when u &lt; 1 - 0.0331 x^4 (squeeze) or ln u &lt; x^2/2 + d (1 - v + ln v); exact, about
/// 1.02 normals per variate. For alpha &lt; 1, Gamma(alpha) = Gamma(alpha + 1) U^(1/alpha); Gamma(0) = 0
/// (the degenerate limit, as chi-square with 0 degrees of freedom).
/// </summary>
internal static class GammaVariates
{
    public static double Sample(ref RandomStream rng, double shape)
    {
        if (shape == 0) return 0;
        if (shape < 1)
        {
            double boosted = Sample(ref rng, shape + 1);
            return boosted * Math.Pow(OpenUniform(ref rng), 1 / shape);
        }
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = rng.NextGaussian();
            double v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = OpenUniform(ref rng), x2 = x * x;
            if (u < 1 - 0.0331 * x2 * x2) return d * v;
            if (Math.Log(u) < 0.5 * x2 + d * (1 - v + Math.Log(v))) return d * v;
        }
    }

    private static double OpenUniform(ref RandomStream rng) => ((rng.NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));
}
