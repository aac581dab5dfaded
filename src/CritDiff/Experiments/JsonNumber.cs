using System.Text.Json.Nodes;

namespace CritDiff.Experiments;

/// <summary>Numbers in the JSON summaries the commands print: JSON has no NaN, so a value that is not finite is null (docs/json.md).</summary>
internal static class JsonNumber
{
    /// <summary>A JSON number, or null for NaN and infinities.</summary>
    public static JsonNode? Of(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    /// <summary>A JSON number, or null (also for a missing value).</summary>
    public static JsonNode? Of(double? value) => value is { } v ? Of(v) : null;

    /// <summary>A JSON array of the values, each as <see cref="Of(double)"/>.</summary>
    public static JsonArray Array(IEnumerable<double> values) => new(values.Select(Of).ToArray());

    /// <summary>A JSON array of texts.</summary>
    public static JsonArray Texts(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    /// <summary>A JSON array of integers.</summary>
    public static JsonArray Integers(IEnumerable<int> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
