using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Statistics;

namespace CritDiff.Tests.Experiments;

public sealed class ModelCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static TrainedModel Model(LatticeModel target, ScoreModelSpec spec, string mode = "population")
    {
        var network = spec.Create(target.Lattice, target.Components);
        var rng = new RandomStream(3, 0);
        var parameters = Enumerable.Range(0, 3).Select(_ =>
        {
            var p = network.CreateParameters();
            foreach (var layer in p.Layers) rng.FillGaussian(layer);
            return p;
        }).ToArray();
        return new TrainedModel(target, new VariancePreserving(), spec, mode, [0.01, 0.1, 1.0], parameters, new JsonObject { ["steps_max"] = 12 });
    }

    private static TrainedModel Linear(string arch = "two-layer-local:1", ParameterBasis basis = ParameterBasis.Kernel) =>
        Model(GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 6), 0.25), new LinearModelSpec(Architecture.Parse(arch), basis));

    private static void AssertSameParameters(TrainedModel expected, TrainedModel actual)
    {
        Assert.Equal(expected.Parameters.Count, actual.Parameters.Count);
        for (int j = 0; j < expected.Parameters.Count; j++)
        {
            Assert.Equal(expected.Parameters[j].Layers.Length, actual.Parameters[j].Layers.Length);
            for (int i = 0; i < expected.Parameters[j].Layers.Length; i++)
                Assert.Equal(expected.Parameters[j].Layers[i], actual.Parameters[j].Layers[i]);
        }
    }

    [Theory]
    [InlineData("two-layer-local:1", ParameterBasis.Kernel, "population")]
    [InlineData("two-layer", ParameterBasis.Fourier, "empirical")]
    [InlineData("dense", ParameterBasis.Kernel, "population")]
    [InlineData("one-layer", ParameterBasis.Kernel, "samples")]
    public void LinearNetworksRoundTripBitIdentically(string arch, ParameterBasis basis, string mode)
    {
        var model = Linear(arch, basis) with { Mode = mode };
        ModelCheckpoint.Save(_folder, model);
        var back = ModelCheckpoint.Load(_folder);
        Assert.Equal(model.Target, back.Target);
        Assert.Equal((arch, basis), (back.Spec.Name, Assert.IsType<LinearModelSpec>(back.Spec).Basis));
        Assert.Equal(mode, back.Mode);
        Assert.Equal(mode == "samples", back.TrainedOnSamples);
        Assert.Equal("vp", back.Process.Name);
        Assert.Equal(model.Times, back.Times);
        AssertSameParameters(model, back);
        Assert.Equal(12, (int)back.Summary!["steps_max"]!);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp-*"));
    }

    public static TheoryData<string> Targets => ["beta", "mass2", "xi", "xi/L", "critical", "gff", "gff (xi)", "on", "phi4"];

    private static LatticeModel TargetOf(string kind)
    {
        var lattice = new Lattice(kind == "critical" ? 3 : 2, 4);
        return kind switch
        {
            "beta" => GaussianField.AtBeta(lattice, 0.3),
            "mass2" => GaussianField.AtMassSquared(lattice, 0.37),
            "xi" => GaussianField.AtCorrelationLength(lattice, 1.7),
            "xi/L" => GaussianField.AtCorrelationLengthOverSize(lattice, 0.3),
            "critical" => GaussianField.AtCriticalPoint(lattice),
            "gff" => GaussianField.FreeField(lattice, 0.21),
            "gff (xi)" => new ModelFamily("xi", 2.3, freeField: true).Build(lattice),
            "on" => SpinModel.AtBetaUnit(lattice, 3, 0.9),
            _ => new Phi4Model(lattice, 2, 0.25, 0.5),
        };
    }

    /// <summary>
    /// The real target comes back as the very record that was trained on, for every way of giving it: the coupling its
    /// parameterisation gave is stored exactly and the other one solved from it again, as when it was made.
    /// </summary>
    [Theory]
    [MemberData(nameof(Targets))]
    public void EveryTargetComesBackExactly(string kind)
    {
        var target = TargetOf(kind);
        var model = Model(target, ScoreModelSpec.Parse("conv:2:1:2:silu"), "samples");
        ModelCheckpoint.Save(_folder, model);
        var back = ModelCheckpoint.Load(_folder);
        Assert.Equal(target, back.Target);
        Assert.Equal(model.Spec, back.Spec);
        AssertSameParameters(model, back);
        // Fourier-space generation compares with the target, or with the free-field stand-in of a finite-n target.
        Assert.Equal(target as GaussianField ?? GaussianField.FreeField(target.Lattice, 1), back.GaussianTarget);
        Assert.Throws<ArgumentException>(() => back.MultiplierSchedule(interpolate: false));
    }

    [Fact]
    public void MissingFolderAndFilesAreReportedByName()
    {
        Assert.Contains("does not exist", Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(Path.Combine(_folder, "nope"))).Message);
        Assert.Contains("model.json", Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(_folder)).Message);
        ModelCheckpoint.Save(_folder, Linear());
        File.Delete(Path.Combine(_folder, "slice001_array1.npy"));
        Assert.Contains("slice001_array1.npy", Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(_folder)).Message);
    }

    [Theory]
    [InlineData("\"version\": 2", "\"version\": 99", "unknown format version 99")]
    [InlineData("\"format\": \"critdiff-score-model\"", "\"format\": \"other\"", "not a CritDiff model file")]
    [InlineData("\"mode\": \"population\"", "\"mode\": \"moments\"", "'mode'")]
    [InlineData("\"basis\": \"kernel\"", "\"basis\": \"wavelet\"", "'basis'")]
    [InlineData("\"n\": 1", "\"n\": 2", "'n'")]
    [InlineData("\"parameters_per_slice\": 18", "\"parameters_per_slice\": 19", "parameters_per_slice")]
    public void EditedFieldsAreRefusedByName(string from, string to, string expected)
    {
        ModelCheckpoint.Save(_folder, Linear());
        string json = Path.Combine(_folder, "model.json");
        string text = File.ReadAllText(json);
        Assert.Contains(from, text);
        File.WriteAllText(json, text.Replace(from, to));
        Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(_folder)).Message);
    }

    [Fact]
    public void CorruptJsonEditedLatticeAndWrongLengthAreRejected()
    {
        ModelCheckpoint.Save(_folder, Linear());
        string json = Path.Combine(_folder, "model.json");
        string text = File.ReadAllText(json);

        File.WriteAllText(json, text[..(text.Length / 2)]);
        Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(_folder)).Message);

        // The lattice is stated twice (target and lattice); an edit of one is named.
        var edited = JsonNode.Parse(text)!.AsObject();
        edited["lattice"]!["L"] = 8;
        File.WriteAllText(json, edited.ToJsonString());
        Assert.Contains("'lattice'", Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(_folder)).Message);

        File.WriteAllText(json, text);
        NpyFile.Write(Path.Combine(_folder, "slice000_array0.npy"), new double[4], [4]);
        Assert.Contains("holds 4 values", Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(_folder)).Message);
    }

    [Fact]
    public void SavingFewerSlicesRemovesTheEarlierModelsArrays()
    {
        ModelCheckpoint.Save(_folder, Linear());
        var shorter = Linear() with { Times = [0.5], Parameters = [Linear().Parameters[0]] };
        ModelCheckpoint.Save(_folder, shorter);
        Assert.Equal(["slice000_array0.npy", "slice000_array1.npy"], Directory.GetFiles(_folder, "*.npy").Select(Path.GetFileName).Order());
        Assert.Single(ModelCheckpoint.Load(_folder).Times);
    }

    private static string Legacy(string name) =>
        Path.Combine(RepositoryFiles.Root(), "tests", "CritDiff.Tests", "Experiments", "LegacyCheckpoints", name);

    /// <summary>The arrays of a legacy folder, read straight from its files in model.json's order.</summary>
    private static double[][][] StoredArrays(string folder)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.json")))!;
        return json["files"]!.AsArray().Select(slice => slice!.AsArray().Select(f => NpyFile.Read(Path.Combine(folder, (string)f!)).Data).ToArray()).ToArray();
    }

    [Theory]
    [InlineData("linear-v1", "two-layer-local:1", "population", "gaussian")]
    [InlineData("samples-linear-v1", "one-layer", "samples", "gaussian")]
    [InlineData("samples-conv-v1", "conv:2:1:tanh", "samples", "phi4")]
    public void FoldersOfBothOldFormatsStillLoad(string name, string arch, string mode, string kind)
    {
        string folder = Legacy(name);
        var model = ModelCheckpoint.Load(folder);
        Assert.Equal(arch, model.Spec.Name);
        Assert.Equal(mode, model.Mode);
        Assert.Equal(kind, model.Target.Kind);
        Assert.Equal(new Lattice(2, 4), model.Target.Lattice);
        var stored = StoredArrays(folder);
        Assert.Equal(stored.Length, model.Parameters.Count);
        for (int j = 0; j < stored.Length; j++)
            Assert.Equal(stored[j], model.Parameters[j].Layers);
    }

    [Fact]
    public void OldLinearFolderWrittenWithGffStillLoads()
    {
        foreach (string file in Directory.GetFiles(Legacy("linear-v1")))
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        string path = Path.Combine(_folder, "model.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var m = json["model"]!.AsObject();
        m.Remove("free_field");
        m["gff"] = true;
        File.WriteAllText(path, json.ToJsonString());
        Assert.Equal(GaussianField.FreeField(new Lattice(2, 4), (double)m["mu2"]!) with { Parameterisation = "mass2" },
            ModelCheckpoint.Load(_folder).Target);
        // Another lattice: the stored model no longer solves its gap equation there.
        m["gff"] = false;
        json["lattice"]!["L"] = 5;
        File.WriteAllText(path, json.ToJsonString());
        Assert.Contains("gap equation", Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(_folder)).Message);
    }

    /// <summary>generate on a folder of each old format prints what it printed with the code that wrote the folder (wall time aside).</summary>
    [Theory]
    [InlineData("linear-v1")]
    [InlineData("samples-linear-v1")]
    [InlineData("samples-conv-v1")]
    public void GenerateOnOldFoldersGivesTheOldNumbers(string name)
    {
        // Since issue 22 log q is computed only when asked (the linear-v1 folder goes the per-mode way, which has no --log-density).
        string[] logDensity = name == "linear-v1" ? [] : ["--log-density", "exact"];
        var (code, output, error) = Cli.Cli.Run(["generate", "--model", Legacy(name), "--n", "8", "--steps", "10", "--sampler", "ode-heun", "--json", "--seed", "2", .. logDensity]);
        Assert.True(code == 0, error);
        var expected = JsonNode.Parse(File.ReadAllText(Legacy(name + ".generate.json")))!;
        var actual = OnlyKeysOf(expected, WithoutWallTime(JsonNode.Parse(output)!));
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\nactual {actual.ToJsonString()}");
    }

    /// <summary>
    /// <paramref name="actual"/> without the object keys <paramref name="expected"/> lacks (keys added since the folder was
    /// written, e.g. issue 22's observables and two_point): every old key keeps its old value, new keys are additions.
    /// </summary>
    private static JsonNode OnlyKeysOf(JsonNode expected, JsonNode actual)
    {
        if (expected is JsonObject e && actual is JsonObject a)
            foreach (var (key, value) in a.ToArray())
            {
                if (!e.ContainsKey(key)) a.Remove(key);
                else if (e[key] is { } old && value is not null) OnlyKeysOf(old, value);
            }
        return actual;
    }

    private static JsonNode WithoutWallTime(JsonNode node)
    {
        if (node is JsonObject o)
        {
            o.Remove("wall_seconds");
            foreach (var (_, value) in o.ToArray())
                if (value is not null) WithoutWallTime(value);
        }
        else if (node is JsonArray a)
            foreach (var item in a)
                if (item is not null) WithoutWallTime(item);
        return node;
    }
}
