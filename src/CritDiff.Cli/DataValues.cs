using System.Globalization;

namespace CritDiff.Cli;

/// <summary>Checks the values of a data file (--data, --spectrum) before any statistic is taken from them.</summary>
internal static class DataValues
{
    /// <summary>
    /// Largest |value| accepted: fourth moments of the magnetisation, (V |x|)^4 with V up to 2^28, summed over up to
    /// 2^31 configurations, stay finite in doubles (field values are O(1) to O(100) in every model here).
    /// </summary>
    public const double MaxMagnitude = 1e50;

    /// <summary>Throws a usage error naming <paramref name="option"/> and the file at the first NaN, infinite or huge value.</summary>
    public static void Check(string option, string path, ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double x = values[i];
            if (!double.IsFinite(x))
                throw new UsageException($"{option}: {path} contains NaN or infinite values (value {i} is {x.ToString(CultureInfo.InvariantCulture)})");
            if (Math.Abs(x) > MaxMagnitude)
                throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                    $"{option}: {path}: value {i} is {x:G4}; values must have |x| <= {MaxMagnitude:G1} (larger ones overflow the moments)"));
        }
    }
}
