using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CritDiff.Persistence;

/// <summary>
/// The compile-time JSON metadata of one layer's file types (a System.Text.Json source-generated context), with what the
/// generated code lacks: the initial value of each type's optional properties (read for a key a file lacks, see
/// <see cref="JsonFiles"/>) and one text converter per enum the types
/// hold (the converter for any enum needs run-time code generation). A layer's source stacks on the sources of the layers
/// below it (<see cref="Above"/>), so Persistence lists its own types and a higher layer its studies.
/// </summary>
internal sealed class JsonMetadataSource(
    IJsonTypeInfoResolver types,
    IReadOnlyDictionary<Type, Func<object>> defaults,
    Func<JsonNamingPolicy?, IEnumerable<JsonConverter>>? enumConverters = null,
    IReadOnlyList<JsonConverter>? converters = null) : IJsonTypeInfoResolver
{
    /// <summary>Converters every options object over this metadata carries, whatever its enum setting (e.g. a type written by name).</summary>
    public IReadOnlyList<JsonConverter> Converters => converters ?? [];

    /// <summary>The initial-value makers by type.</summary>
    private IReadOnlyDictionary<Type, Func<object>> Defaults => defaults;

    /// <summary>An instance of <paramref name="type"/> holding its initial values, or null when the type needs none.</summary>
    public Func<object>? DefaultOf(Type type) => defaults.GetValueOrDefault(type);

    /// <summary>The text converters of this source's enums, names by <paramref name="naming"/> (null: as declared).</summary>
    public IEnumerable<JsonConverter> EnumConverters(JsonNamingPolicy? naming) => enumConverters?.Invoke(naming) ?? [];

    /// <summary>This source, then <paramref name="lower"/> for the types this one does not list.</summary>
    public JsonMetadataSource Above(JsonMetadataSource lower)
    {
        ArgumentNullException.ThrowIfNull(lower);
        var merged = new Dictionary<Type, Func<object>>(defaults);
        foreach (var (type, make) in lower.Defaults) merged.TryAdd(type, make);
        return new JsonMetadataSource(JsonTypeInfoResolver.Combine(types, lower), merged,
            naming => EnumConverters(naming).Concat(lower.EnumConverters(naming)), [.. Converters, .. lower.Converters]);
    }

    /// <inheritdoc/>
    public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) => types.GetTypeInfo(type, options);
}
