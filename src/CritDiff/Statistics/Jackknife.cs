namespace CritDiff.Statistics;

/// <summary>
/// Leave-one-out jackknife for a smooth function of sample means: given per-sample vectors
/// (N samples x m quantities) and f(means), returns the bias-corrected estimate
/// N f(all) - (N-1) mean_i f(without i) (or, without bias correction, f(all)) with error
/// sqrt((N-1)/N sum_i (f_i - mean f_i)^2).
/// </summary>
public static class Jackknife
{
    /// <summary>
    /// Jackknife estimate of <paramref name="function"/> of the column means of <paramref name="samples"/>. Without
    /// <paramref name="biasCorrected"/> the value is f(all) itself: for self-normalised importance sampling that keeps a ratio of
    /// weighted means inside the range of the data (the corrected value can leave it, e.g. a negative chi, when a few weights dominate).
    /// </summary>
    public static Stats Estimate(double[,] samples, Func<double[], double> function, bool biasCorrected = true)
    {
        int n = samples.GetLength(0), m = samples.GetLength(1);
        if (n < 2) throw new ArgumentException("jackknife needs at least 2 samples", nameof(samples));
        var sums = new double[m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) sums[j] += samples[i, j];
        var means = new double[m];
        for (int j = 0; j < m; j++) means[j] = sums[j] / n;
        double full = function(means);
        var leaveOut = new double[n];
        var partial = new double[m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++) partial[j] = (sums[j] - samples[i, j]) / (n - 1);
            leaveOut[i] = function(partial);
        }
        double meanLeaveOut = leaveOut.Average();
        double ss = 0;
        foreach (double f in leaveOut) ss += (f - meanLeaveOut) * (f - meanLeaveOut);
        double error = Math.Sqrt((n - 1.0) / n * ss);
        return new Stats(biasCorrected ? n * full - (n - 1) * meanLeaveOut : full, error);
    }
}
