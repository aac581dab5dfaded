using System.Globalization;

namespace CritDiff.Statistics;

/// <summary>
/// An estimate with its standard error and the integrated autocorrelation time of the series it came
/// from (0.5 for independent samples). Prints as "value +- error".
/// </summary>
public readonly record struct Stats(double Mean, double Error, double TauInt = 0.5)
{
    /// <summary>Mean and standard error of independent samples (error = sample std / sqrt(N)).</summary>
    public static Stats FromSamples(ReadOnlySpan<double> samples)
    {
        if (samples.Length == 0) throw new ArgumentException("no samples", nameof(samples));
        double mean = 0;
        foreach (double x in samples) mean += x;
        mean /= samples.Length;
        if (samples.Length == 1) return new Stats(mean, double.NaN);
        double ss = 0;
        foreach (double x in samples) ss += (x - mean) * (x - mean);
        double variance = ss / (samples.Length - 1);
        return new Stats(mean, Math.Sqrt(variance / samples.Length));
    }

    /// <summary>Deviation from a reference value in units of the standard error.</summary>
    public double StandardScore(double reference) => (Mean - reference) / Error;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Mean:G6} +- {Error:G2}");
}
