using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Statistics;

namespace CritDiff.Tests.Persistence;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static CheckpointModel Model(string arch = "two-layer-local:1", ParameterBasis basis = ParameterBasis.Kernel)
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 6), 0.25);
        var architecture = Architecture.Parse(arch);
        var network = ScoreNetwork.Create(field.Lattice, architecture, basis);
        var rng = new RandomStream(3, 0);
        var parameters = Enumerable.Range(0, 3).Select(_ =>
        {
            var p = network.CreateParameters();
            foreach (var layer in p.Layers) rng.FillGaussian(layer);
            return p;
        }).ToArray();
        return new CheckpointModel(field, new VariancePreserving(), architecture, basis, [0.01, 0.1, 1.0], parameters,
            new JsonObject { ["steps_max"] = 12 });
    }

    [Theory]
    [InlineData("two-layer-local:1", ParameterBasis.Kernel)]
    [InlineData("two-layer", ParameterBasis.Fourier)]
    [InlineData("dense", ParameterBasis.Kernel)]
    public void RoundTripIsBitIdentical(string arch, ParameterBasis basis)
    {
        var model = Model(arch, basis);
        Checkpoint.Save(_folder, model);
        var back = Checkpoint.Load(_folder);
        Assert.Equal(model.Field, back.Field);
        Assert.Equal(model.Architecture.Name, back.Architecture.Name);
        Assert.Equal(model.Basis, back.Basis);
        Assert.Equal("vp", back.Process.Name);
        Assert.Equal(model.Times, back.Times);
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < model.Parameters[j].Layers.Length; i++)
                Assert.Equal(model.Parameters[j].Layers[i], back.Parameters[j].Layers[i]);
        Assert.Equal(12, (int)back.Summary!["steps_max"]!);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp-*"));
    }

    [Fact]
    public void ModelJsonWrittenWithGffStillLoads()
    {
        var field = GaussianField.FreeField(new Lattice(2, 6), 0.3);
        var model = Model() with { Field = field };
        Checkpoint.Save(_folder, model);
        string path = Path.Combine(_folder, "model.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var m = json["model"]!.AsObject();
        Assert.True((bool)m["free_field"]!);
        m.Remove("free_field");
        m["gff"] = true;
        File.WriteAllText(path, json.ToJsonString());
        Assert.Equal(field, Checkpoint.Load(_folder).Field);
    }

    [Fact]
    public void MissingFolderAndFilesAreReportedByName()
    {
        Assert.Contains("does not exist", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(Path.Combine(_folder, "nope"))).Message);
        Assert.Contains("model.json", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(_folder)).Message);
        Checkpoint.Save(_folder, Model());
        File.Delete(Path.Combine(_folder, "slice001_layer1.npy"));
        Assert.Contains("slice001_layer1.npy", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(_folder)).Message);
    }

    [Fact]
    public void CorruptJsonWrongLengthAndUnknownVersionAreRejected()
    {
        Checkpoint.Save(_folder, Model());
        string json = Path.Combine(_folder, "model.json");
        string text = File.ReadAllText(json);

        File.WriteAllText(json, text[..(text.Length / 2)]);
        Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(_folder)).Message);

        File.WriteAllText(json, text.Replace("\"version\": 1", "\"version\": 99"));
        Assert.Contains("unknown format version 99", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(_folder)).Message);

        // Another lattice: the stored model no longer solves its gap equation there.
        File.WriteAllText(json, text.Replace("\"L\": 6", "\"L\": 7"));
        Assert.Contains("gap equation", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(_folder)).Message);

        File.WriteAllText(json, text);
        NpyFile.Write(Path.Combine(_folder, "slice000_layer0.npy"), new double[4], [4]);
        Assert.Contains("holds 4 values", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(_folder)).Message);
    }
}
