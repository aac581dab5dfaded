using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CritDiff.Persistence;

/// <summary>
/// Writes a double that is not finite (NaN, +-infinity) as JSON <c>null</c>, as docs/json.md promises, and a finite one as
/// System.Text.Json does. Reads <c>null</c> as NaN, and the strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c>
/// of files written before (named floating-point literals) as those values.
/// </summary>
internal sealed class FiniteOrNullConverter : JsonConverter<double>
{
    /// <inheritdoc/>
    public override bool HandleNull => true;

    /// <inheritdoc/>
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => double.NaN,
        JsonTokenType.String => reader.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x
                : throw new JsonException($"'{text}' is not a number"),
        },
        _ => reader.GetDouble(),
    };

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }
}
