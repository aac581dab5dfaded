namespace CritDiff.Statistics;

/// <summary>
/// Weighted least-squares straight line y = Intercept + Slope x with standard errors. With per-point
/// errors sigma_i the weights are 1/sigma_i^2 and the covariance is (X^T W X)^-1, inflated by the
/// reduced chi-square when that exceeds 1 (the scatter is larger than the stated errors). Without
/// errors the covariance is s^2 (X^T X)^-1 with s^2 = RSS/(n - 2), so two points give no error (NaN).
/// </summary>
public sealed record LinearFit(double Intercept, double InterceptError, double Slope, double SlopeError,
    double ResidualSumOfSquares, int PointCount)
{
    /// <summary>Fits a line through (x_i, y_i), optionally weighted by per-point errors (all &gt; 0).</summary>
    public static LinearFit Of(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<double>? yErrors = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        int n = x.Count;
        if (y.Count != n || (yErrors is not null && yErrors.Count != n))
            throw new ArgumentException("x, y and the errors must have the same length");
        if (n < 2) throw new ArgumentException($"a line needs at least 2 points (got {n})");
        double sw = 0, sx = 0, sy = 0;
        for (int i = 0; i < n; i++)
        {
            double w = Weight(yErrors, i);
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]))
                throw new ArgumentException($"point {i} is not finite ({x[i]}, {y[i]})");
            sw += w;
            sx += w * x[i];
            sy += w * y[i];
        }
        double xm = sx / sw, ym = sy / sw, sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++)
        {
            double w = Weight(yErrors, i), dx = x[i] - xm;
            sxx += w * dx * dx;
            sxy += w * dx * (y[i] - ym);
        }
        if (sxx == 0) throw new ArgumentException("all x are equal: the slope is undetermined");
        double slope = sxy / sxx, intercept = ym - slope * xm;
        double rss = 0, chi2 = 0;
        for (int i = 0; i < n; i++)
        {
            double r = y[i] - intercept - slope * x[i];
            rss += r * r;
            chi2 += Weight(yErrors, i) * r * r;
        }
        int dof = n - 2;
        double scale = yErrors is null
            ? (dof > 0 ? chi2 / dof : double.NaN)
            : (dof > 0 ? Math.Max(1, chi2 / dof) : 1);
        double slopeVar = scale / sxx, interceptVar = scale * (1 / sw + xm * xm / sxx);
        return new LinearFit(intercept, Math.Sqrt(interceptVar), slope, Math.Sqrt(slopeVar), rss, n);
    }

    /// <summary>The fitted value at <paramref name="x"/>.</summary>
    public double At(double x) => Intercept + Slope * x;

    private static double Weight(IReadOnlyList<double>? errors, int i)
    {
        if (errors is null) return 1;
        double e = errors[i];
        if (!(e > 0) || double.IsInfinity(e)) throw new ArgumentException($"error {i} must be > 0 and finite (got {e})");
        return 1 / (e * e);
    }
}
