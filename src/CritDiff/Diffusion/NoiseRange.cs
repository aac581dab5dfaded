namespace CritDiff.Diffusion;

/// <summary>
/// The default noise range of <see cref="GeometricVarianceExploding"/>, from the data (docs/science.md section 11), in field
/// units per site and component:
/// <list type="bullet">
/// <item>sigma_max = max(D, sqrt(chi V)): D the largest distance ||x_i - x_j|| between data points (Song and Ermon 2020,
/// technique 1), estimated on at most <see cref="DefaultMaxPairs"/> pairs, and sqrt(chi V) with chi the largest per-mode
/// variance (the susceptibility per component, chi = V &lt;|M|^2&gt;/n), so that sigma_max^2 &gt;= V chi swamps every mode;</item>
/// <item>sigma_min = 0.01 s, s the field's per-site scale sqrt(&lt;x^2&gt;) over sites and components.</item>
/// </list>
/// </summary>
/// <param name="SigmaMin">Smallest noise level.</param>
/// <param name="SigmaMax">Largest noise level.</param>
public sealed record NoiseRange(double SigmaMin, double SigmaMax)
{
    /// <summary>Most pairs the largest-distance estimate looks at.</summary>
    public const int DefaultMaxPairs = 2016;

    /// <summary>sigma_min as a fraction of the per-site scale.</summary>
    public const double MinFraction = 0.01;

    /// <summary>
    /// The largest distance between configurations (count x width values, C order): all pairs of m configurations spread
    /// evenly over the set (indices floor(j count / m)), m the largest with m (m - 1)/2 &lt;= <paramref name="maxPairs"/>,
    /// so every pair when count (count - 1)/2 &lt;= maxPairs. Deterministic; a lower bound of the true maximum otherwise.
    /// </summary>
    public static double LargestDistance(ReadOnlySpan<double> values, int count, int width, int maxPairs = DefaultMaxPairs)
    {
        if (count < 1 || width < 1 || (long)count * width != values.Length)
            throw new ArgumentException($"values must hold count x width = {count} x {width} numbers (got {values.Length})", nameof(values));
        if (maxPairs < 1) throw new ArgumentOutOfRangeException(nameof(maxPairs), maxPairs, "maxPairs must be >= 1");
        int m = 2;
        while (m < count && (long)(m + 1) * m / 2 <= maxPairs) m++;
        m = Math.Min(m, count);
        double largest = 0;
        for (int a = 0; a < m; a++)
        {
            var x = values.Slice((int)((long)a * count / m) * width, width);
            for (int b = a + 1; b < m; b++)
            {
                var y = values.Slice((int)((long)b * count / m) * width, width);
                double sum = 0;
                for (int j = 0; j < width; j++)
                {
                    double d = x[j] - y[j];
                    sum += d * d;
                }
                largest = Math.Max(largest, sum);
            }
        }
        return Math.Sqrt(largest);
    }

    /// <summary>The default range of an ensemble (count x width values, V sites) whose susceptibility per component is chi.</summary>
    public static NoiseRange FromEnsemble(ReadOnlySpan<double> values, int count, int width, int sites, double susceptibility)
    {
        if (sites < 1) throw new ArgumentOutOfRangeException(nameof(sites), sites, "sites must be >= 1");
        double distance = LargestDistance(values, count, width);
        double squares = 0;
        foreach (double x in values) squares += x * x;
        return Checked(MinFraction * Math.Sqrt(squares / values.Length), Math.Max(distance, Math.Sqrt(susceptibility * sites)));
    }

    /// <summary>
    /// The default range of a Gaussian law with per-mode variances C(k) (V modes): chi = max_k C(k), per-site scale
    /// sqrt(sum_k C / V), and in place of the largest distance the typical one sqrt(2 sum_k C) (two independent draws).
    /// </summary>
    public static NoiseRange FromSpectrum(ReadOnlySpan<double> spectrum)
    {
        if (spectrum.IsEmpty) throw new ArgumentException("the spectrum has no modes", nameof(spectrum));
        double trace = 0, chi = 0;
        foreach (double c in spectrum)
        {
            trace += c;
            chi = Math.Max(chi, c);
        }
        return Checked(MinFraction * Math.Sqrt(trace / spectrum.Length), Math.Max(Math.Sqrt(2 * trace), Math.Sqrt(chi * spectrum.Length)));
    }

    private static NoiseRange Checked(double min, double max) =>
        min > 0 && max > min && double.IsFinite(max)
            ? new NoiseRange(min, max)
            : throw new ArgumentException($"the data give no usable noise range (sigma_min {min:G4}, sigma_max {max:G4}): give both");
}
