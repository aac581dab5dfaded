using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using CritDiff.Experiments;
using CritDiff.Persistence;

namespace CritDiff.Tests.Experiments;

/// <summary>
/// The compile-time JSON metadata (issue 14: the native-compiled tool has no reflection) against System.Text.Json's
/// reflection serializer with the same settings, which wrote every run folder before: the same text for the same value, and
/// the same value read back from a file that lacks any one key (a file written before the key existed).
/// </summary>
public sealed class JsonMetadataTests
{
    public static TheoryData<string> Settings => ["folder", "keyed", "plain", "persistence"];

    private static JsonSerializerOptions Generated(string name) => name switch
    {
        "folder" => JsonFormats.Folder,
        "keyed" => JsonFormats.Keyed,
        "persistence" => JsonFiles.RunFolder,
        _ => JsonFormats.Plain,
    };

    private static JsonSerializerOptions Reflection(string name) =>
        new(Generated(name)) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    /// <summary>The types listed on a source-generated context.</summary>
    internal static Type[] Roots(Type context) => context.GetCustomAttributesData()
        .Where(a => a.AttributeType == typeof(System.Text.Json.Serialization.JsonSerializableAttribute))
        .Select(a => (Type)a.ConstructorArguments[0].Value!).ToArray();

    /// <summary>The types the options' metadata lists: Persistence's alone, or the studies' stacked on Persistence's.</summary>
    private static Type[] Roots(JsonSerializerOptions options) => ReferenceEquals(options, JsonFiles.RunFolder)
        ? Roots(typeof(PersistenceMetadata))
        : [.. Roots(typeof(JsonMetadata)), .. Roots(typeof(PersistenceMetadata))];

    /// <summary>Every object type reachable from the listed roots (properties, elements, dictionary values).</summary>
    private static IEnumerable<Type> ObjectTypes(JsonSerializerOptions options)
    {
        var roots = Roots(options);
        var seen = new HashSet<Type>();
        var stack = new Stack<Type>(roots.Where(t => t is not null));
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (!seen.Add(t)) continue;
            var info = options.GetTypeInfo(t);
            foreach (var p in info.Properties) stack.Push(p.PropertyType);
            if (info.ElementType is { } e) stack.Push(e);
        }
        return seen.Where(t => options.GetTypeInfo(t).Kind == JsonTypeInfoKind.Object);
    }

    [Theory, MemberData(nameof(Settings))]
    public void EveryTypeReadsAFileLackingAnyKeyAsReflectionDid(string settings)
    {
        var generated = Generated(settings);
        var reflection = Reflection(settings);
        var differences = new List<string>();
        int checkedTypes = 0;
        foreach (var type in ObjectTypes(generated))
        {
            if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null) continue;
            object instance = Activator.CreateInstance(type)!;
            var full = JsonSerializer.SerializeToNode(instance, type, reflection)!.AsObject();
            checkedTypes++;
            foreach (string key in full.Select(p => p.Key).ToArray())
            {
                var lacking = full.DeepClone().AsObject();
                lacking.Remove(key);
                string text = lacking.ToJsonString();
                string expected = Read(text, type, reflection), actual = ReadGenerated(text, type, generated);
                if (expected != actual) differences.Add($"{type.Name}.{key}");
            }
        }
        Assert.True(checkedTypes > 0);
        Assert.True(differences.Count == 0, "read differently without the key: " + string.Join(", ", differences));
    }

    private static readonly MethodInfo DeserializeText = typeof(JsonFormats).GetMethods()
        .Single(m => m.Name == nameof(JsonFormats.Deserialize) && m.GetParameters()[0].ParameterType == typeof(string));

    /// <summary>What <see cref="JsonFormats.Deserialize{T}(string, JsonSerializerOptions)"/> reads, as text.</summary>
    private static string ReadGenerated(string text, Type type, JsonSerializerOptions options)
    {
        try
        {
            var value = DeserializeText.MakeGenericMethod(type).Invoke(null, [text, options]);
            return JsonSerializer.Serialize(value, type, Reflection("plain"));
        }
        catch (TargetInvocationException e) when (e.InnerException is JsonException j)
        {
            return "JsonException " + j.Message.Split('.')[0];
        }
    }

    private static string Read(string text, Type type, JsonSerializerOptions options)
    {
        try
        {
            var value = JsonSerializer.Deserialize(text, type, options);
            return JsonSerializer.Serialize(value, type, Reflection("plain"));
        }
        catch (JsonException e)
        {
            return "JsonException " + e.Message.Split('.')[0];
        }
    }

    [Theory, MemberData(nameof(Settings))]
    public void EveryTypeIsWrittenAsReflectionWroteIt(string settings)
    {
        var generated = Generated(settings);
        var reflection = Reflection(settings);
        int checkedTypes = 0;
        foreach (var type in ObjectTypes(generated))
        {
            if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null) continue;
            object instance = Activator.CreateInstance(type)!;
            Assert.Equal(JsonSerializer.Serialize(instance, type, reflection), JsonSerializer.Serialize(instance, generated.GetTypeInfo(type)));
            checkedTypes++;
        }
        Assert.True(checkedTypes >= (settings == "persistence" ? 2 : 8), $"{checkedTypes} types");
    }

    [Fact]
    public void PersistenceListsItsOwnTypesAndTheStudiesTheirs()
    {
        // Persistence's metadata stands alone (it must not need a higher layer), and no type is listed in both contexts.
        var own = Roots(typeof(PersistenceMetadata));
        Assert.Contains(typeof(EnsembleSideCar), own);
        Assert.All(own, t => Assert.NotNull(JsonFiles.RunFolder.GetTypeInfo(t)));
        Assert.Throws<NotSupportedException>(() => JsonFiles.RunFolder.GetTypeInfo(typeof(ScalingSpec)));
        Assert.Empty(own.Intersect(Roots(typeof(JsonMetadata))));
    }

    [Fact]
    public void EnumsAreWrittenAsTextInRunFolders()
    {
        // Each enum a run folder can hold has its own converter (the one for any enum needs run-time code generation).
        var enums = ObjectTypes(JsonFormats.Folder).SelectMany(t => JsonFormats.Folder.GetTypeInfo(t).Properties)
            .Select(p => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType).Where(t => t.IsEnum).Distinct().ToArray();
        Assert.NotEmpty(enums);
        foreach (var e in enums)
        {
            object value = Enum.GetValues(e).GetValue(0)!;
            Assert.StartsWith("\"", JsonSerializer.Serialize(value, JsonFormats.Folder.GetTypeInfo(e)));
        }
    }

    [Fact]
    public void StudyKeysAreTheTextOfTheAnonymousObjectsTheyReplaced()
    {
        // Keys of pieces stored by earlier versions (an anonymous object each, serialized by reflection) still match.
        var spec = new NonlinearSpec();
        ulong seed = 7927;
        int length = 16;
        string arch = "conv:3:1:odd";
        double t = 0.05;
        var keyed = Reflection("keyed");
        Assert.Equal(JsonSerializer.Serialize(new { v = 1, spec.Dimension, spec.Components, spec.Kappa, spec.Lambda, length, arch, t, spec.Configurations,
                spec.Algorithm, spec.Thermalization, spec.PilotSweeps, spec.BatchSize, spec.LearningRate, spec.MaxSteps, spec.Eps, spec.EvalInterval,
                spec.ValidationSize, spec.ReferenceLengthFactor, seed }, keyed),
            KeyedResult.KeyOf(JsonFormats.Keyed, new NonlinearTrainingKey(1, spec.Dimension, spec.Components, spec.Kappa, spec.Lambda, length, arch, t,
                spec.Configurations, spec.Algorithm, spec.Thermalization, spec.PilotSweeps, spec.BatchSize, spec.LearningRate, spec.MaxSteps,
                spec.Eps, spec.EvalInterval, spec.ValidationSize, spec.ReferenceLengthFactor, seed)));
        Assert.Equal(JsonSerializer.Serialize(new { v = 1, spec.Dimension, spec.Components, spec.Kappa, spec.Lambda, length, arch, spec.Configurations,
                spec.Algorithm, spec.Thermalization, spec.PilotSweeps, spec.BatchSize, spec.LearningRate, spec.GenerationSlices, spec.GenerationBudget,
                spec.GenerationSamples, spec.ReverseSteps, spec.MinTime, seed }, keyed),
            KeyedResult.KeyOf(JsonFormats.Keyed, new NonlinearGenerationKey(1, spec.Dimension, spec.Components, spec.Kappa, spec.Lambda, length, arch,
                spec.Configurations, spec.Algorithm, spec.Thermalization, spec.PilotSweeps, spec.BatchSize, spec.LearningRate, spec.GenerationSlices,
                spec.GenerationBudget, spec.GenerationSamples, spec.ReverseSteps, spec.MinTime, seed)));
        var model = ModelDescription.Of(new CritDiff.Fields.Phi4Model(new CritDiff.Lattices.Lattice(2, length), 1, spec.Kappa, spec.Lambda));
        Assert.Equal(JsonSerializer.Serialize(new { v = 1, model, spec.Configurations, spec.Algorithm, spec.Thermalization, spec.PilotSweeps, seed }, keyed),
            KeyedResult.KeyOf(JsonFormats.Keyed, new NonlinearEnsembleKey(1, model, spec.Configurations, spec.Algorithm, spec.Thermalization, spec.PilotSweeps, seed)));
    }
}
