using System.Text.Json;
using System.Text.Json.Serialization;
using CritDiff.Persistence;

namespace CritDiff.Experiments;

/// <summary>
/// The compile-time JSON metadata of the quality study's stored pieces and summary (its own context, stacked on the study
/// metadata of <see cref="JsonFormats"/>, so the study adds no line to the shared context).
/// </summary>
[JsonSerializable(typeof(QualitySpec))]
[JsonSerializable(typeof(QualityEnsembleKey))]
[JsonSerializable(typeof(QualityJobKey))]
[JsonSerializable(typeof(QualityRow[]))]
[JsonSerializable(typeof(QualityEnsembleRow[]))]
[JsonSerializable(typeof(QualityAggregate[]))]
[JsonSerializable(typeof(KeyedResult.Stored<QualityEnsembleRow>))]
[JsonSerializable(typeof(KeyedResult.Stored<QualityRow>))]
internal sealed partial class QualityJsonMetadata : JsonSerializerContext;

/// <summary>Serializer settings of the quality study (<see cref="QualityJsonMetadata"/> over <see cref="JsonFormats"/>' metadata).</summary>
public static class QualityJson
{
    private static readonly JsonMetadataSource Metadata = new JsonMetadataSource(QualityJsonMetadata.Default,
        new Dictionary<Type, Func<object>> { [typeof(QualitySpec)] = () => new QualitySpec() }).Above(JsonFormats.Metadata);

    /// <summary>Keyed study pieces (<see cref="KeyedResult"/>).</summary>
    public static readonly JsonSerializerOptions Keyed = JsonFiles.Keyed(Metadata);

    /// <summary>System.Text.Json's default settings (summary.json nodes).</summary>
    public static readonly JsonSerializerOptions Plain = JsonFiles.Plain(Metadata);
}

// The keys of the study's stored pieces: every setting a piece depends on.

internal sealed record QualityEnsembleKey(
    [property: JsonPropertyName("v")] int Version, [property: JsonPropertyName("model")] ModelDescription Model, int Configurations,
    string Algorithm, int Thermalization, int PilotSweeps, [property: JsonPropertyName("seed")] ulong Seed);

internal sealed record QualityJobKey(
    [property: JsonPropertyName("v")] int Version, [property: JsonPropertyName("ensemble")] QualityEnsembleKey Ensemble,
    [property: JsonPropertyName("network")] string Network, IReadOnlyList<int> Ladder, int Slices, int BatchSize, double LearningRate,
    int RungSamples, int WeightSamples, string Sampler, int ReverseSteps, double MinTime, double ChiTolerance, double BinderTolerance,
    double HistogramTolerance, [property: JsonPropertyName("seed")] ulong Seed);
