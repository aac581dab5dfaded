using System.Globalization;

namespace CritDiff.Statistics;

/// <summary>
/// An estimate with its standard error and the integrated autocorrelation time of the series it came
/// from (0.5 for independent samples). Prints as "value +- error" with the error to two significant digits
/// and the value to the same decimal place ("108 +- 11", "0.6112 +- 0.0016"): <see cref="Format(double, double)"/>.
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

    /// <summary>"value +- error" by <see cref="Format(double, double)"/>.</summary>
    public override string ToString() => Format(Mean, Error);

    /// <summary>
    /// The one formatter of a value with a standard error, used by the CLI and the reports alike: the error rounded to
    /// two significant digits and the value rounded to the same decimal place ("108 +- 11", "0.6112 +- 0.0016",
    /// "1.00 +- 0.10"; Particle Data Group style without the 354 rule). An exact value (error 0) or one whose error is
    /// unknown (NaN) prints as the plain value (<see cref="FormatValue"/>); an infinite error as "value +- inf"; a NaN
    /// value as "n/a" and an infinite one as "inf" / "-inf". When the larger of |value| and error is 1e6 or more or below
    /// 1e-3, both share one power of ten: "(1.2346 +- 0.0012)e15". A value that rounds to zero never prints as "-0".
    /// </summary>
    public static string Format(double value, double error)
    {
        if (!double.IsFinite(value) || double.IsNaN(error) || error == 0) return FormatValue(value);
        error = Math.Abs(error);
        if (double.IsInfinity(error)) return FormatValue(value) + " +- inf";
        // The error's leading decade after rounding to two significant digits (0.0996 -> 0.100 carries into the next).
        int errorExponent = (int)Math.Floor(Math.Log10(error));
        if (RoundToSignificant(error, 2) >= Math.Pow(10, errorExponent + 1)) errorExponent++;
        int valueExponent = value == 0 ? int.MinValue : (int)Math.Floor(Math.Log10(Math.Abs(value)));
        // An error far below the value's last useful digit (rounding noise: 1.5 +- 1e-17) would ask for more digits than
        // float64 holds: print the value plainly and the error on its own.
        if (valueExponent != int.MinValue && valueExponent - errorExponent + 2 > MaxSignificantDigits)
            return FormatValue(value) + " +- " + FormatValue(RoundToSignificant(error, 2));
        int decimals = 1 - errorExponent;
        int exponent = Math.Max(valueExponent, errorExponent);
        if (exponent >= 6 || exponent <= -4)
        {
            // Scientific notation with a shared exponent: the same rule on the mantissas.
            double scale = Math.Pow(10, exponent);
            return "(" + Fixed(value / scale, error / scale, decimals + exponent) + ")e" + exponent.ToString(CultureInfo.InvariantCulture);
        }
        return Fixed(value, error, decimals);
    }

    /// <summary>Most significant digits of a value printed to its error's place (beyond them the error is rounding noise).</summary>
    private const int MaxSignificantDigits = 10;

    /// <summary>As <see cref="Format(double, double)"/>; a null error prints the plain value.</summary>
    public static string Format(double value, double? error) => Format(value, error ?? double.NaN);

    /// <summary>
    /// A value without an error: six significant digits ("0.1763", "49", "1.23457e15"), "n/a" for NaN, "inf" / "-inf",
    /// never "-0".
    /// </summary>
    public static string FormatValue(double value)
    {
        if (double.IsNaN(value)) return "n/a";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        string text = Plain(value, "G6");
        int e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0) return text;
        int exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return text[..e] + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    private static string Fixed(double value, double error, int decimals)
    {
        double v = RoundTo(value, decimals), e = RoundTo(error, decimals);
        string format = "F" + Math.Max(decimals, 0).ToString(CultureInfo.InvariantCulture);
        return Plain(v, format) + " +- " + Plain(e, format);
    }

    private static double RoundTo(double x, int decimals) =>
        decimals is >= 0 and <= 15 ? Math.Round(x, decimals, MidpointRounding.AwayFromZero)
        : decimals > 15 ? Math.Round(x * Math.Pow(10, decimals), MidpointRounding.AwayFromZero) / Math.Pow(10, decimals)
        : Math.Round(x / Math.Pow(10, -decimals), MidpointRounding.AwayFromZero) * Math.Pow(10, -decimals);

    private static double RoundToSignificant(double x, int digits) =>
        RoundTo(x, digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(x))));

    private static string Plain(double x, string format)
    {
        string text = x.ToString(format, CultureInfo.InvariantCulture);
        // "-0.00" (a negative value that rounds to zero) reads as a sign that is not there.
        return text.StartsWith('-') && text.Trim('-', '0', '.') is "" ? text[1..] : text;
    }
}
