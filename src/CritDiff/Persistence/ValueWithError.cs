using System.Text.Json.Serialization;
using CritDiff.Statistics;

namespace CritDiff.Persistence;

/// <summary>A value with its standard error in a JSON file (null where not a number: JSON has no NaN).</summary>
public sealed record ValueWithError(
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("error")] double? Error)
{
    /// <summary>From a <see cref="Stats"/>.</summary>
    public static ValueWithError Of(Stats stats) => new(Finite(stats.Mean), Finite(stats.Error));

    /// <summary>Back to a <see cref="Stats"/> (null becomes NaN).</summary>
    public Stats ToStats() => new(Value ?? double.NaN, Error ?? double.NaN);

    internal static double? Finite(double x) => double.IsFinite(x) ? x : null;
}
