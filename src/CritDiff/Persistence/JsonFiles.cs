using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace CritDiff.Persistence;

/// <summary>
/// The settings of CritDiff's JSON files and the typed entry points that serialize through compile-time metadata
/// (<see cref="JsonMetadataSource"/>). Each kind of file has one preset, so a file keeps the text it had when it was written
/// by reflection: <see cref="Folder"/> (run folders and side-cars: indented, snake_case names, enums as snake_case text),
/// <see cref="Keyed"/> (<see cref="KeyedResult"/> pieces: indented, names as declared, non-finite numbers as null, enums
/// as text) and <see cref="Plain"/> (System.Text.Json's defaults: names as declared, enums as numbers, compact). A preset
/// takes the metadata of the layer that uses it; the types Persistence owns are in <see cref="Metadata"/>.
/// </summary>
public static class JsonFiles
{
    /// <summary>The metadata of the types Persistence owns.</summary>
    internal static readonly JsonMetadataSource Metadata = new(PersistenceMetadata.Default, new Dictionary<Type, Func<object>>
    {
        [typeof(EnsembleSideCar)] = () => new EnsembleSideCar { Shape = [], Count = 0, Model = null!, Algorithm = "" },
    });

    /// <summary>Run-folder settings over Persistence's own types (ensemble side-cars).</summary>
    public static readonly JsonSerializerOptions RunFolder = Folder(Metadata);

    /// <summary>Run folders: indented, snake_case property and enum names, nulls kept.</summary>
    internal static JsonSerializerOptions Folder(JsonMetadataSource metadata) => Freeze(new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    }, metadata, enumsAsText: true, enumNaming: JsonNamingPolicy.SnakeCaseLower);

    /// <summary>Keyed pieces: indented, names as declared, NaN as null (docs/json.md; "NaN" of older files still reads), enums as text.</summary>
    internal static JsonSerializerOptions Keyed(JsonMetadataSource metadata) => Freeze(new JsonSerializerOptions
    {
        WriteIndented = true,
        Converters = { new FiniteOrNullConverter() },
    }, metadata, enumsAsText: true);

    /// <summary>System.Text.Json's default settings (property names as declared, enums as numbers, compact).</summary>
    internal static JsonSerializerOptions Plain(JsonMetadataSource metadata) => Freeze(new JsonSerializerOptions(), metadata);

    /// <summary>
    /// Sets <paramref name="metadata"/> as the only source of type information, adds its enum converters if
    /// <paramref name="enumsAsText"/> (names by <paramref name="enumNaming"/>, null: as declared) and its other converters,
    /// and makes the options read-only.
    /// </summary>
    internal static JsonSerializerOptions Freeze(JsonSerializerOptions options, JsonMetadataSource metadata, bool enumsAsText = false,
        JsonNamingPolicy? enumNaming = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        if (enumsAsText)
            foreach (var converter in metadata.EnumConverters(enumNaming)) options.Converters.Add(converter);
        foreach (var converter in metadata.Converters) options.Converters.Add(converter);
        options.TypeInfoResolver = metadata;
        options.MakeReadOnly();
        return options;
    }

    /// <summary>JsonSerializer.Serialize through the generated metadata.</summary>
    public static string Serialize<T>(T value, JsonSerializerOptions options) => JsonSerializer.Serialize(value, options.Info<T>());

    /// <summary>JsonSerializer.SerializeToNode through the generated metadata.</summary>
    public static JsonNode? SerializeToNode<T>(T value, JsonSerializerOptions options) => JsonSerializer.SerializeToNode(value, options.Info<T>());

    /// <summary>JsonSerializer.Deserialize through the generated metadata; a key the text lacks reads as its initial value.</summary>
    public static T? Deserialize<T>(string json, JsonSerializerOptions options) => Deserialize<T>(JsonNode.Parse(json), options);

    /// <summary>
    /// JsonSerializer.Deserialize of a node through the generated metadata; a key the node lacks reads as its initial value:
    /// source-generated metadata builds a type through an object initializer that sets every property, so a key missing from
    /// a file (one written before the key existed) would read as zero or null instead of the initial value, as the reflection
    /// serializer kept it. The node is not changed.
    /// </summary>
    public static T? Deserialize<T>(JsonNode? node, JsonSerializerOptions options)
    {
        if (node is null) return default;
        var info = options.Info<T>();
        if (node is JsonObject obj)
        {
            obj = obj.DeepClone().AsObject();
            FillDefaults(obj, info);
            node = obj;
        }
        return JsonSerializer.Deserialize(node, info);
    }

    /// <summary>Adds the initial value of every optional property <paramref name="obj"/> lacks, here and in nested objects.</summary>
    private static void FillDefaults(JsonObject obj, JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        if ((info.Options.TypeInfoResolver as JsonMetadataSource)?.DefaultOf(info.Type) is { } make)
        {
            var defaults = JsonSerializer.SerializeToNode(make(), info)!.AsObject();
            foreach (var property in info.Properties)
                if (!property.IsRequired && !obj.ContainsKey(property.Name) && defaults.TryGetPropertyValue(property.Name, out var value))
                    obj[property.Name] = value?.DeepClone();
        }
        foreach (var property in info.Properties)
        {
            if (!obj.TryGetPropertyValue(property.Name, out var child) || child is null) continue;
            var childInfo = info.Options.GetTypeInfo(property.PropertyType);
            if (child is JsonObject nested) FillDefaults(nested, childInfo);
            else if (child is JsonArray array && childInfo.ElementType is { } element)
                foreach (var item in array)
                    if (item is JsonObject o) FillDefaults(o, info.Options.GetTypeInfo(element));
        }
    }

    /// <summary>The metadata of <typeparamref name="T"/> under <paramref name="options"/>; throws if the options' metadata does not list the type.</summary>
    public static JsonTypeInfo<T> Info<T>(this JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
    }

    /// <summary>A JSON file's text, as every CritDiff JSON file is written: indented, with a final newline.</summary>
    public static string ToFileText(System.Text.Json.Nodes.JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.ToJsonString(IndentedText) + "\n";
    }

    private static readonly JsonSerializerOptions IndentedText = new() { WriteIndented = true };
}
