using System.Text.Json.Serialization;

namespace CritDiff.Persistence;

/// <summary>
/// The JSON metadata of the file types Persistence owns (ensemble side-cars and what they hold), generated at compile time
/// (System.Text.Json source generation) instead of found by reflection at run time: reflection-based serialization is
/// switched off for the whole solution (<c>JsonSerializerIsReflectionEnabledByDefault</c> in Directory.Build.props), as it is
/// in the native-compiled tool, so a type missing here fails in the tests. Study specs and results are listed higher up
/// (Experiments.JsonMetadata), stacked on this one (<see cref="JsonMetadataSource.Above"/>).
/// </summary>
[JsonSerializable(typeof(EnsembleSideCar))]
[JsonSerializable(typeof(ModelDescription))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, ValueWithError>))]
internal sealed partial class PersistenceMetadata : JsonSerializerContext;
