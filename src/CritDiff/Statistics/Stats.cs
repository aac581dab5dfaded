using System.Globalization;

namespace CritDiff.Statistics;

/// <summary>
/// An estimate with its standard error and the integrated autocorrelation time of the series it came
/// from (0.5 for independent samples). Prints as "value +- error" with the error to two significant digits
/// and the value to the same decimal place ("108 +- 11", "0.6112 +- 0.0016").
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

    /// <summary>
    /// "value +- error": the error rounded to two significant digits and the value rounded to the same decimal
    /// place (Particle Data Group style without the 354 rule). A zero error prints the value with six significant
    /// digits and "+- 0"; a NaN or infinite error prints the value alone; a value that rounds to zero never
    /// prints as "-0".
    /// </summary>
    public override string ToString() => Format(Mean, Error);

    /// <summary>Formats <paramref name="value"/> +- <paramref name="error"/> as <see cref="ToString"/> does.</summary>
    public static string Format(double value, double error)
    {
        if (!double.IsFinite(value)) return value.ToString(CultureInfo.InvariantCulture);
        if (!double.IsFinite(error)) return Plain(value, "G6");
        error = Math.Abs(error);
        if (error == 0) return Plain(value, "G6") + " +- 0";
        int decimals = 1 - (int)Math.Floor(Math.Log10(error));
        // Rounding can carry the error into the next decade (0.0996 -> 0.100): decide the place again.
        decimals = 1 - (int)Math.Floor(Math.Log10(RoundTo(error, decimals)));
        // Far outside ordinary magnitudes fixed-point text gets unreadable: fall back to scientific notation.
        if (decimals > 12 || decimals < -6 || Math.Abs(value) >= 1e12)
            return Plain(value, "G6") + " +- " + Plain(error, "G2");
        double v = RoundTo(value, decimals), e = RoundTo(error, decimals);
        string format = "F" + Math.Max(decimals, 0).ToString(CultureInfo.InvariantCulture);
        return Plain(v, format) + " +- " + Plain(e, format);
    }

    private static double RoundTo(double x, int decimals) =>
        decimals >= 0 ? Math.Round(x, Math.Min(decimals, 15), MidpointRounding.AwayFromZero)
                      : Math.Round(x / Math.Pow(10, -decimals), MidpointRounding.AwayFromZero) * Math.Pow(10, -decimals);

    private static string Plain(double x, string format)
    {
        string text = x.ToString(format, CultureInfo.InvariantCulture);
        // "-0.00" (a negative value that rounds to zero) reads as a sign that is not there.
        return text.StartsWith('-') && text.Trim('-', '0', '.') is "" ? text[1..] : text;
    }
}
