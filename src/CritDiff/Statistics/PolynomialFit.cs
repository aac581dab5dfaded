namespace CritDiff.Statistics;

/// <summary>
/// Weighted least-squares polynomial y = sum_j c_j t^j of degree 0..3 in the scaled variable t = (x - Centre) / Scale
/// (scaling keeps the normal equations well conditioned), weights 1/sigma_i^2. Solved by Gaussian elimination with
/// partial pivoting on the (degree + 1)^2 normal equations; no parameter errors (callers resample instead).
/// </summary>
public sealed record PolynomialFit(double[] Coefficients, double Centre, double Scale)
{
    /// <summary>Degree of the polynomial.</summary>
    public int Degree => Coefficients.Length - 1;

    /// <summary>Fits degree <paramref name="degree"/> to (x_i, y_i) with errors sigma_i (all > 0 and finite).</summary>
    public static PolynomialFit Of(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<double> errors, int degree)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(errors);
        if (degree is < 0 or > 3) throw new ArgumentOutOfRangeException(nameof(degree), degree, "degree must be 0..3");
        int n = x.Count, m = degree + 1;
        if (y.Count != n || errors.Count != n) throw new ArgumentException("x, y and errors must have the same length");
        if (n < m) throw new ArgumentException($"a degree-{degree} polynomial needs at least {m} points (got {n})");
        double min = x.Min(), max = x.Max();
        double centre = (min + max) / 2, scale = max > min ? (max - min) / 2 : 1;
        var a = new double[m, m + 1];
        var powers = new double[m];
        for (int i = 0; i < n; i++)
        {
            double e = errors[i];
            if (!(e > 0) || !double.IsFinite(e) || !double.IsFinite(x[i]) || !double.IsFinite(y[i]))
                throw new ArgumentException($"point {i} ({x[i]}, {y[i]} +- {e}) needs finite values and error > 0");
            double w = 1 / (e * e), t = (x[i] - centre) / scale;
            powers[0] = 1;
            for (int j = 1; j < m; j++) powers[j] = powers[j - 1] * t;
            for (int j = 0; j < m; j++)
            {
                for (int k = 0; k < m; k++) a[j, k] += w * powers[j] * powers[k];
                a[j, m] += w * powers[j] * y[i];
            }
        }
        return new PolynomialFit(Solve(a, m), centre, scale);
    }

    /// <summary>The fitted value at <paramref name="x"/>.</summary>
    public double At(double x)
    {
        double t = (x - Centre) / Scale, value = 0;
        for (int j = Degree; j >= 0; j--) value = value * t + Coefficients[j];
        return value;
    }

    private static double[] Solve(double[,] a, int m)
    {
        for (int col = 0; col < m; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < m; r++)
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (a[pivot, col] == 0) throw new ArgumentException("the points do not determine the polynomial (too few distinct x)");
            for (int k = 0; k <= m; k++) (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
            for (int r = col + 1; r < m; r++)
            {
                double f = a[r, col] / a[col, col];
                for (int k = col; k <= m; k++) a[r, k] -= f * a[col, k];
            }
        }
        var c = new double[m];
        for (int r = m - 1; r >= 0; r--)
        {
            double sum = a[r, m];
            for (int k = r + 1; k < m; k++) sum -= a[r, k] * c[k];
            c[r] = sum / a[r, r];
        }
        return c;
    }
}
