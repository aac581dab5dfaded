using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CritDiff.Persistence;

namespace CritDiff.Experiments;

/// <summary>
/// The JSON metadata of the study specs and results CritDiff writes or reads, generated at compile time (System.Text.Json
/// source generation) instead of found by reflection at run time. Reflection-based serialization is switched off for the
/// whole solution (<c>JsonSerializerIsReflectionEnabledByDefault</c> in Directory.Build.props), as it is in the
/// native-compiled tool (issue 14): a type missing here fails in the tests, not only in a user's run. The file types
/// Persistence owns (ensemble side-cars, model descriptions) are listed there (PersistenceMetadata); this context stacks on
/// it. The naming and number settings are not fixed here but by the presets of <see cref="JsonFiles"/> that
/// <see cref="JsonFormats"/> applies, so the files keep the text they had when they were written by reflection.
/// </summary>
[JsonSourceGenerationOptions(Converters = [typeof(NetworkNameConverter)])]
[JsonSerializable(typeof(ScalingSpec))]
[JsonSerializable(typeof(JobResult))]
[JsonSerializable(typeof(ScalingSummary))]
[JsonSerializable(typeof(CriticalPointJobResult))]
[JsonSerializable(typeof(CriticalPointSpec))]
[JsonSerializable(typeof(BeyondGaussianSpec))]
[JsonSerializable(typeof(BeyondGaussianPoint))]
[JsonSerializable(typeof(LocalStudySpec))]
[JsonSerializable(typeof(StabilitySpec))]
[JsonSerializable(typeof(NonlinearSpec))]
[JsonSerializable(typeof(NonlinearEnsembleRow[]))]
[JsonSerializable(typeof(IReadOnlyList<NonlinearTrainingRow>))]
[JsonSerializable(typeof(IReadOnlyList<NonlinearGenerationRow>))]
[JsonSerializable(typeof(NonlinearTrainingKey))]
[JsonSerializable(typeof(NonlinearGenerationKey))]
[JsonSerializable(typeof(NonlinearTrainingKeyV2))]
[JsonSerializable(typeof(IReadOnlyList<NonlinearTrainingSummary>))]
[JsonSerializable(typeof(IReadOnlyList<NonlinearGenerationSummary>))]
[JsonSerializable(typeof(NonlinearTrainingFit[]))]
[JsonSerializable(typeof(NonlinearEnsembleKey))]
[JsonSerializable(typeof(KeyedResult.Stored<LocalStudyRow>))]
[JsonSerializable(typeof(KeyedResult.Stored<StabilityRow[]>))]
[JsonSerializable(typeof(KeyedResult.Stored<Training.SeedBoundary>))]
[JsonSerializable(typeof(KeyedResult.Stored<StabilityScan.TrainedRun>))]
[JsonSerializable(typeof(KeyedResult.Stored<NonlinearTrainingRow>))]
[JsonSerializable(typeof(KeyedResult.Stored<NonlinearGenerationRow>))]
[JsonSerializable(typeof(KeyedResult.Stored<NonlinearEnsembleRow>))]
internal sealed partial class JsonMetadata : JsonSerializerContext;

/// <summary>
/// Serializer settings over the study metadata (<see cref="JsonMetadata"/> stacked on Persistence's), one per kind of file
/// (presets of <see cref="JsonFiles"/>), and typed entry points.
/// </summary>
public static class JsonFormats
{
    /// <summary>
    /// The study metadata with the initial value of each type read from files whose properties have initial values (the
    /// required ones set to anything; see <see cref="JsonFiles.Deserialize{T}(JsonNode?, JsonSerializerOptions)"/>), and the
    /// text converters of the enums the study files hold. JsonMetadataTests checks every type against the reflection serializer.
    /// </summary>
    internal static readonly JsonMetadataSource Metadata = new JsonMetadataSource(JsonMetadata.Default, new Dictionary<Type, Func<object>>
    {
        [typeof(ScalingSpec)] = () => new ScalingSpec { Name = "", Family = null!, Dimension = 0, Sizes = [], Architectures = [] },
        [typeof(CriticalPointSpec)] = () => new CriticalPointSpec { Family = "", Components = 0, Dimension = 0, Sizes = [], Lower = 0, Upper = 0 },
        [typeof(BeyondGaussianSpec)] = () => new BeyondGaussianSpec { Series = [] },
        [typeof(LocalStudySpec)] = () => new LocalStudySpec { Family = null!, Dimension = 0, Sizes = [], Candidates = [] },
        [typeof(NonlinearSpec)] = () => new NonlinearSpec(),
        [typeof(StabilitySpec)] = () => new StabilitySpec { Family = null!, Dimension = 0, Sizes = [], Architecture = Networks.NetworkCatalog.OneLayer },
        [typeof(Training.StabilitySettings)] = () => new Training.StabilitySettings(),
    }, naming =>
    [
        new JsonStringEnumConverter<StoppingChoice>(naming),
        new JsonStringEnumConverter<Training.TrainingMode>(naming),
        new JsonStringEnumConverter<MonteCarlo.Preconditioner.Power>(naming),
        new JsonStringEnumConverter<Networks.Activation>(naming),
        new JsonStringEnumConverter<Networks.ParameterBasis>(naming),
    ], [new NetworkNameConverter()]).Above(JsonFiles.Metadata); // networks by name: the generated metadata's own options do not reach these

    /// <summary>System.Text.Json's default settings (property names as declared, enums as numbers, compact).</summary>
    public static readonly JsonSerializerOptions Plain = JsonFiles.Plain(Metadata);

    /// <summary>Run-folder files (config.json, job files, summary.json, side-cars): indented, snake_case names, enums as snake_case text.</summary>
    public static readonly JsonSerializerOptions Folder = JsonFiles.Folder(Metadata);

    /// <summary>Keyed study pieces (<see cref="KeyedResult"/>): indented, names as declared, NaN as null, enums as text.</summary>
    public static readonly JsonSerializerOptions Keyed = JsonFiles.Keyed(Metadata);

    /// <summary>Sets the study metadata as the only source of type information and makes <paramref name="options"/> read-only (enums as numbers).</summary>
    internal static JsonSerializerOptions Freeze(JsonSerializerOptions options) => JsonFiles.Freeze(options, Metadata);

    /// <summary>JsonSerializer.Serialize through the generated metadata.</summary>
    public static string Serialize<T>(T value, JsonSerializerOptions options) => JsonFiles.Serialize(value, options);

    /// <summary>JsonSerializer.SerializeToNode through the generated metadata (default: <see cref="Plain"/> settings).</summary>
    public static JsonNode? SerializeToNode<T>(T value, JsonSerializerOptions? options = null) => JsonFiles.SerializeToNode(value, options ?? Plain);

    /// <summary>JsonSerializer.Deserialize through the generated metadata; a key the text lacks reads as its initial value.</summary>
    public static T? Deserialize<T>(string json, JsonSerializerOptions options) => JsonFiles.Deserialize<T>(json, options);

    /// <summary>JsonSerializer.Deserialize of a node through the generated metadata (default: <see cref="Plain"/> settings); a
    /// key the node lacks reads as its initial value. The node is not changed.</summary>
    public static T? Deserialize<T>(JsonNode? node, JsonSerializerOptions? options = null) => JsonFiles.Deserialize<T>(node, options ?? Plain);
}
