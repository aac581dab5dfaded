using System.Text.Json;
using System.Text.Json.Serialization;
using CritDiff.Networks;

namespace CritDiff.Experiments;

/// <summary>
/// Writes a <see cref="ScoreModelSpec"/> as its command-line name and reads one through <see cref="NetworkCatalog.Parse(string)"/>,
/// so that study specs hold typed networks while config.json, stored job keys and spec files keep the name strings they
/// always had (files written before the specs were typed read unchanged). A name no family accepts is a
/// <see cref="JsonException"/> naming it.
/// </summary>
public sealed class NetworkNameConverter : JsonConverter<ScoreModelSpec>
{
    /// <inheritdoc />
    public override ScoreModelSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"a network must be a name string (got {reader.TokenType})");
        string name = reader.GetString()!;
        try
        {
            return NetworkCatalog.Parse(name);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new JsonException($"network '{name}': {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ScoreModelSpec value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(value.Name);
    }
}
