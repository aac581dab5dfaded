namespace CritDiff.Statistics;

/// <summary>
/// exp(x) - 1 to a few ulps for every x (Math.NET's SpecialFunctions.Expm1 stops its series at 2^-16 of
/// the sum and is only ~2e-7 accurate for |x| &lt;= 0.1).
/// </summary>
internal static class ExpMinusOne
{
    /// <summary>
    /// Kahan's trick (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., sec. 1.14.1): with u = fl(exp x),
    /// (u - 1) x / log u cancels the rounding error of u to first order, so the result is within a few ulps of
    /// exp(x) - 1 for |x| &lt; 1; outside that range exp(x) - 1 loses at most one bit to the subtraction.
    /// </summary>
    public static double Of(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (Math.Abs(x) >= 1) return Math.Exp(x) - 1;
        double u = Math.Exp(x);
        if (u == 1) return x;
        double um1 = u - 1;
        if (um1 == -1) return -1;
        return um1 * x / Math.Log(u);
    }
}
