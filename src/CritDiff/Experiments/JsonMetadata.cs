using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CritDiff.Experiments;

/// <summary>
/// The JSON metadata of every type CritDiff writes or reads, generated at compile time (System.Text.Json source generation)
/// instead of found by reflection at run time. Reflection-based serialization is switched off for the whole solution
/// (<c>JsonSerializerIsReflectionEnabledByDefault</c> in Directory.Build.props), as it is in the native-compiled tool
/// (issue 14): a type missing here fails in the tests, not only in a user's run. The naming and number settings are not
/// fixed here but by the options that use this metadata (<see cref="ExperimentFolder.Json"/>, <see cref="KeyedResult"/>,
/// <see cref="JsonFormats.Plain"/>), so the files keep the text they had when they were written by reflection.
/// </summary>
[JsonSourceGenerationOptions(Converters = [typeof(NetworkNameConverter)])]
[JsonSerializable(typeof(ScalingSpec))]
[JsonSerializable(typeof(JobResult))]
[JsonSerializable(typeof(ScalingSummary))]
[JsonSerializable(typeof(EnsembleSideCar))]
[JsonSerializable(typeof(CriticalPointJobResult))]
[JsonSerializable(typeof(CriticalPointSpec))]
[JsonSerializable(typeof(BeyondGaussianSpec))]
[JsonSerializable(typeof(BeyondGaussianPoint))]
[JsonSerializable(typeof(ModelDescription))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, ValueWithError>))]
[JsonSerializable(typeof(LocalStudySpec))]
[JsonSerializable(typeof(StabilitySpec))]
[JsonSerializable(typeof(NonlinearSpec))]
[JsonSerializable(typeof(NonlinearEnsembleRow[]))]
[JsonSerializable(typeof(IReadOnlyList<NonlinearTrainingRow>))]
[JsonSerializable(typeof(IReadOnlyList<NonlinearGenerationRow>))]
[JsonSerializable(typeof(NonlinearTrainingKey))]
[JsonSerializable(typeof(NonlinearGenerationKey))]
[JsonSerializable(typeof(NonlinearEnsembleKey))]
[JsonSerializable(typeof(KeyedResult.Stored<LocalStudyRow>))]
[JsonSerializable(typeof(KeyedResult.Stored<StabilityRow[]>))]
[JsonSerializable(typeof(KeyedResult.Stored<Training.SeedBoundary>))]
[JsonSerializable(typeof(KeyedResult.Stored<StabilityScan.TrainedRun>))]
[JsonSerializable(typeof(KeyedResult.Stored<NonlinearTrainingRow>))]
[JsonSerializable(typeof(KeyedResult.Stored<NonlinearGenerationRow>))]
[JsonSerializable(typeof(KeyedResult.Stored<NonlinearEnsembleRow>))]
internal sealed partial class JsonMetadata : JsonSerializerContext;

/// <summary>Serializer settings and typed entry points over <see cref="JsonMetadata"/>.</summary>
public static class JsonFormats
{
    /// <summary>System.Text.Json's default settings (property names as declared, enums as numbers, compact).</summary>
    public static readonly JsonSerializerOptions Plain = Freeze(new JsonSerializerOptions());

    /// <summary>
    /// Sets the generated metadata as the only source of type information, adds the enum converters if
    /// <paramref name="enumsAsText"/> (names by <paramref name="enumNaming"/>, null: as declared), and makes the options
    /// read-only. Enums get one converter each, listed here: the converter for any enum needs run-time code generation.
    /// Networks (<see cref="Networks.ScoreModelSpec"/>) are read and written by name (<see cref="NetworkNameConverter"/>).
    /// </summary>
    internal static JsonSerializerOptions Freeze(JsonSerializerOptions options, bool enumsAsText = false, JsonNamingPolicy? enumNaming = null)
    {
        if (enumsAsText)
        {
            options.Converters.Add(new JsonStringEnumConverter<StoppingChoice>(enumNaming));
            options.Converters.Add(new JsonStringEnumConverter<Training.TrainingMode>(enumNaming));
            options.Converters.Add(new JsonStringEnumConverter<Generation.RealSpaceScheme>(enumNaming));
            options.Converters.Add(new JsonStringEnumConverter<MonteCarlo.Preconditioner.Power>(enumNaming));
            options.Converters.Add(new JsonStringEnumConverter<Networks.Activation>(enumNaming));
            options.Converters.Add(new JsonStringEnumConverter<Networks.ParameterBasis>(enumNaming));
        }
        options.Converters.Add(new NetworkNameConverter()); // networks by name: the generated metadata's own options do not reach these
        options.TypeInfoResolver = JsonMetadata.Default;
        options.MakeReadOnly();
        return options;
    }

    /// <summary>JsonSerializer.Serialize through the generated metadata.</summary>
    public static string Serialize<T>(T value, JsonSerializerOptions options) => JsonSerializer.Serialize(value, options.Info<T>());

    /// <summary>JsonSerializer.SerializeToNode through the generated metadata (default: <see cref="Plain"/> settings).</summary>
    public static JsonNode? SerializeToNode<T>(T value, JsonSerializerOptions? options = null) =>
        JsonSerializer.SerializeToNode(value, (options ?? Plain).Info<T>());

    /// <summary>JsonSerializer.Deserialize through the generated metadata; a key the text lacks reads as its default (see <see cref="Defaults"/>).</summary>
    public static T? Deserialize<T>(string json, JsonSerializerOptions options) => Deserialize<T>(JsonNode.Parse(json), options);

    /// <summary>JsonSerializer.Deserialize of a node through the generated metadata (default: <see cref="Plain"/> settings); a
    /// key the node lacks reads as its default (see <see cref="Defaults"/>). The node is not changed.</summary>
    public static T? Deserialize<T>(JsonNode? node, JsonSerializerOptions? options = null)
    {
        if (node is null) return default;
        var info = (options ?? Plain).Info<T>();
        if (node is JsonObject obj)
        {
            obj = obj.DeepClone().AsObject();
            FillDefaults(obj, info);
            node = obj;
        }
        return JsonSerializer.Deserialize(node, info);
    }

    /// <summary>
    /// An instance of each type read from files whose properties have initial values (the required ones set to anything):
    /// source-generated metadata builds such a type through an object initializer that sets every property, so a key
    /// missing from a file (one written before the key existed) would read as zero or null instead of the initial value,
    /// as the reflection serializer kept it. JsonMetadataTests checks every type against the reflection serializer.
    /// </summary>
    private static readonly Dictionary<Type, Func<object>> Defaults = new()
    {
        [typeof(ScalingSpec)] = () => new ScalingSpec { Name = "", Family = null!, Dimension = 0, Sizes = [], Architectures = [] },
        [typeof(CriticalPointSpec)] = () => new CriticalPointSpec { Family = "", Components = 0, Dimension = 0, Sizes = [], Lower = 0, Upper = 0 },
        [typeof(EnsembleSideCar)] = () => new EnsembleSideCar { Shape = [], Count = 0, Model = null!, Algorithm = "" },
        [typeof(BeyondGaussianSpec)] = () => new BeyondGaussianSpec { Series = [] },
        [typeof(LocalStudySpec)] = () => new LocalStudySpec { Family = null!, Dimension = 0, Sizes = [], Candidates = [] },
        [typeof(NonlinearSpec)] = () => new NonlinearSpec(),
        [typeof(StabilitySpec)] = () => new StabilitySpec { Family = null!, Dimension = 0, Sizes = [], Architecture = Networks.NetworkCatalog.OneLayer },
        [typeof(Training.StabilitySettings)] = () => new Training.StabilitySettings(),
    };

    /// <summary>Adds the initial value of every optional property <paramref name="obj"/> lacks, here and in nested objects.</summary>
    private static void FillDefaults(JsonObject obj, JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        if (Defaults.TryGetValue(info.Type, out var make))
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

    /// <summary>The metadata of <typeparamref name="T"/> under <paramref name="options"/>; throws if CritDiff does not serialize the type.</summary>
    public static JsonTypeInfo<T> Info<T>(this JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}
