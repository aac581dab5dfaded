namespace CritDiff.Statistics;

/// <summary>
/// Integrated autocorrelation time of a time series with Sokal's automatic window: tau_int(W) =
/// 1/2 + sum_{t=1}^{W} rho(t), with W the smallest window such that W >= c tau_int(W) (c = 6).
/// Error (Madras-Sokal): tau sqrt(2(2W + 1)/N). The mean's error is sqrt(2 tau_int var / N).
/// </summary>
public static class Autocorrelation
{
    /// <summary>Window factor c of the self-consistent window.</summary>
    public const double WindowFactor = 6;

    /// <summary>(tau_int, its error, the window W) of a series.</summary>
    public static (double Tau, double TauError, int Window) IntegratedTime(ReadOnlySpan<double> series)
    {
        int n = series.Length;
        if (n < 4) throw new ArgumentException("need at least 4 points", nameof(series));
        double mean = 0;
        foreach (double x in series) mean += x;
        mean /= n;
        double c0 = 0;
        foreach (double x in series) c0 += (x - mean) * (x - mean);
        c0 /= n;
        if (c0 == 0) return (0.5, 0, 0);
        double tau = 0.5;
        int window = 0;
        for (int t = 1; t < n / 2; t++)
        {
            double ct = 0;
            for (int i = 0; i + t < n; i++) ct += (series[i] - mean) * (series[i + t] - mean);
            tau += ct / (n * c0);
            window = t;
            if (t >= WindowFactor * tau) break;
        }
        tau = Math.Max(tau, 0.5);
        return (tau, tau * Math.Sqrt(2.0 * (2 * window + 1) / n), window);
    }

    /// <summary>Mean with an autocorrelation-corrected error: sqrt(2 tau_int var / N).</summary>
    public static Stats Mean(ReadOnlySpan<double> series)
    {
        var plain = Stats.FromSamples(series);
        var (tau, _, _) = IntegratedTime(series);
        return new Stats(plain.Mean, plain.Error * Math.Sqrt(2 * tau), tau);
    }
}
