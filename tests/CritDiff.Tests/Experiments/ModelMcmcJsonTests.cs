using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Tests.MonteCarlo;

namespace CritDiff.Tests.Experiments;

/// <summary>The run summary JSON carries the documented keys, the model, and writes NaN as null.</summary>
public class ModelMcmcJsonTests
{
    [Fact]
    public void SummaryHasTheDocumentedKeysAndParses()
    {
        var model = SpinModel.AtBetaUnit(new Lattice(2, 4), 1, 0.3);
        var result = ModelMcmc.Run(new TestKernels.IsingMetropolis(model), new ModelMcmcSettings(64, 16, Chains: 2, Seed: 1, SpectrumInterval: 4));
        var json = JsonNode.Parse(ModelMcmcJson.Of(result, includeSeries: true).ToJsonString())!;
        foreach (string key in new[] { "model", "algorithm", "settings", "acceptance", "tau_int", "block_length", "observables", "cost", "histogram", "valid", "warnings", "spectrum", "series" })
            Assert.NotNull(json[key]);
        Assert.Equal("on", (string?)json["model"]!["kind"]);
        Assert.Equal(16, json["spectrum"]!["mean"]!.AsArray().Count);
        Assert.Equal(128, json["histogram"]!["counts"]!.AsArray().Sum(c => (long)c!));
        Assert.Equal(64, json["series"]![1]!["m2"]!.AsArray().Count);
        Assert.Equal(result.Estimates.Binder.Mean, (double)json["observables"]!["binder"]!["value"]!);
    }

    [Fact]
    public void NotANumberIsWrittenAsNull()
    {
        // A frozen hot chain: acceptance 0, a single block (no errors), and chi below G(k1) (no xi2). Whatever is NaN must
        // come out as null, and the summary must still serialise.
        var model = SpinModel.AtBeta(new Lattice(2, 4), 2, 0.3);
        var result = ModelMcmc.Run(new TestKernels.Frozen(model), new ModelMcmcSettings(16, 0, Chains: 1));
        var json = JsonNode.Parse(ModelMcmcJson.Of(result).ToJsonString())!;
        Assert.False((bool)json["valid"]!);
        Assert.Null(json["observables"]!["xi2"]!["value"]); // chi <= G(k1) for this hot configuration
        Assert.Null(json["observables"]!["binder"]!["error"]); // one block
        Assert.Null(json["spectrum"]!["error"]![0]);
    }
}
