using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Statistics;
using CritDiff.Tests.Training.TimeConditioned;

namespace CritDiff.Tests.Experiments;

public sealed class ConditionedCheckpointTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "critdiff-conditioned-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static TrainedModel Model(double decay)
    {
        var field = GaussianField.FreeField(new Lattice(1, 6), 0.5);
        var spec = new TestConditionedSpec(3);
        var model = spec.Create(field.Lattice, 1);
        var rng = new RandomStream(9, 0);
        var raw = model.CreateParameters().With((_, _) => rng.NextGaussian());
        var average = decay > 0 ? model.CreateParameters().With((_, _) => rng.NextGaussian()) : null;
        return TrainedModel.TimeConditioned(field, new VarianceExploding(), spec, 0.01, 40, raw, average, decay, new JsonObject { ["note"] = "test" });
    }

    private static double[] Scores(TrainedModel model, bool average, double t)
    {
        var x = Enumerable.Range(0, 12).Select(i => Math.Sin(i)).ToArray();
        var s = new double[x.Length];
        model.Score(interpolate: true, useAverage: average).Score(t, x, 2, s);
        return s;
    }

    [Theory]
    [InlineData(0.999)]
    [InlineData(0)]
    public void RoundTripKeepsBothWeightSetsTheRangeAndTheScores(double decay)
    {
        var model = Model(decay);
        ModelCheckpoint.Save(_folder, model);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "model.json")))!;
        Assert.Equal(ModelCheckpoint.ConditionedVersion, (int)json["version"]!);
        var back = ModelCheckpoint.Load(_folder, TestConditionedSpec.Resolve);
        Assert.True(back.IsTimeConditioned);
        Assert.Equal([0.01, 40], back.Times);
        Assert.Equal(decay, back.EmaDecay);
        Assert.Equal("samples", back.Mode);
        Assert.Equal("test", (string)back.Summary!["note"]!);
        Assert.Equal(model.Parameters[0].Layers[1], back.Parameters[0].Layers[1]);
        Assert.Equal(decay > 0, back.EmaParameters is not null);
        foreach (double t in new[] { 0.01, 3.0 })
        {
            Assert.Equal(Scores(model, true, t), Scores(back, true, t));
            Assert.Equal(Scores(model, false, t), Scores(back, false, t));
        }
        // Generation uses the average by default: it differs from the raw weights' score.
        if (decay > 0) Assert.NotEqual(Scores(back, false, 1), Scores(back, true, 1));
    }

    [Fact]
    public void DamagedFoldersAreRefusedNamingTheFileAndField()
    {
        ModelCheckpoint.Save(_folder, Model(0.9));
        File.Delete(Path.Combine(_folder, "ema_array1.npy"));
        Assert.Contains("ema_array1.npy", Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(_folder, TestConditionedSpec.Resolve)).Message);

        ModelCheckpoint.Save(_folder, Model(0.9));
        string path = Path.Combine(_folder, "model.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        void Expect(string field, JsonNode? value, string message)
        {
            var edited = json.DeepClone().AsObject();
            edited[field] = value;
            File.WriteAllText(path, edited.ToJsonString());
            var error = Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(_folder, TestConditionedSpec.Resolve)).Message;
            Assert.Contains("model.json", error);
            Assert.Contains(message, error);
        }
        Expect("version", 2, "is a time-conditioned network, but version 2");
        Expect("arch", "one-layer", "is a per-slice network, but version 3");
        Expect("ema_decay", 1.5, "'ema_decay'");
        Expect("ema_decay", 0, "'ema_files'");
        Expect("t_range", new JsonArray(2.0, 1.0), "'t_range'");
        Expect("ema_files", new JsonArray(new JsonArray("ema_array0.npy")), "'ema_files[0]' lists 1 arrays");
        Expect("parameters_per_slice", 7, "'parameters_per_slice'");
    }

    [Fact]
    public void PerSliceModelsStillWriteVersionTwo()
    {
        var field = GaussianField.FreeField(new Lattice(1, 6), 0.5);
        var spec = CritDiff.Networks.NetworkCatalog.OneLayer;
        var p = spec.Create(field.Lattice, 1).CreateParameters();
        ModelCheckpoint.Save(_folder, new TrainedModel(field, new VariancePreserving(), spec, "samples", [0.1], [p]));
        Assert.Equal(ModelCheckpoint.Version, (int)JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "model.json")))!["version"]!);
        Assert.False(ModelCheckpoint.Load(_folder).IsTimeConditioned);
    }
}
