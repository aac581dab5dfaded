using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Persistence;

namespace CritDiff.Tests.Persistence;

/// <summary>Run-folder files written before a key was renamed (docs/json.md) are still read, with the same values.</summary>
public sealed class LegacyKeysTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-legacy-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void CriticalPointJobWithTauM2LowerCaseIsRead()
    {
        var v = new ValueWithError(0.5, 0.01);
        var job = new CriticalPointJobResult
        {
            Stage = 0, Length = 8, Index = 1, Coupling = 0.44, Binder = v, Susceptibility = v, SecondMomentLengthOverSize = v,
            Magnetisation = v, Energy = v, TauMagnetisationSquared = 3.25, TauEnergy = 1.5, Acceptance = null, Seed = 7,
            SiteUpdates = 640, WallSeconds = 0.1, Valid = true, Warnings = [],
        };
        var json = JsonSerializer.SerializeToNode(job, JsonFormats.Folder)!.AsObject();
        Assert.True(json.ContainsKey("tau_M2"));
        var value = json["tau_M2"];
        json.Remove("tau_M2");
        json["tau_m2"] = value;
        Directory.CreateDirectory(Path.Combine(_folder, "jobs"));
        File.WriteAllText(Path.Combine(_folder, "jobs", "old.json"), json.ToJsonString());
        var back = Assert.Single(CriticalPointFinder.ReadJobs(_folder));
        Assert.Equal(3.25, back.TauMagnetisationSquared);
        Assert.Equal(JsonSerializer.Serialize(job, JsonFormats.Folder), JsonSerializer.Serialize(back, JsonFormats.Folder));
    }

    [Fact]
    public void CriticalPointConfigWithAlgorithmAndThermalizationIsRead()
    {
        var spec = new CriticalPointSpec { Family = "on", Components = 1, Dimension = 2, Sizes = [8, 16], Lower = 0.4, Upper = 0.5, Algorithm = "metropolis", Thermalization = 123 };
        string text = JsonSerializer.Serialize(spec, JsonFormats.Folder);
        string old = text.Replace("\"algo\"", "\"algorithm\"").Replace("\"thermalize\"", "\"thermalization\"");
        Assert.NotEqual(text, old);
        var back = JsonSerializer.Deserialize<CriticalPointSpec>(LegacyKeys.Upgrade(old, LegacyKeys.MonteCarloSettings), JsonFormats.Folder)!;
        Assert.Equal(text, JsonSerializer.Serialize(back, JsonFormats.Folder));
    }

    [Fact]
    public void CurrentKeyWinsAndOtherTextIsUnchanged()
    {
        const string both = """{"dimension":2,"d":3}""";
        Assert.Equal(both, LegacyKeys.Upgrade(both, LegacyKeys.ScalingSpec));
        Assert.Equal("[1]", LegacyKeys.Upgrade("[1]", LegacyKeys.ScalingSpec));
        Assert.Equal("not json", LegacyKeys.Upgrade("not json", LegacyKeys.ScalingSpec));
        Assert.Equal(2, (int)JsonNode.Parse(LegacyKeys.Upgrade("""{"dimension":2}""", LegacyKeys.ScalingSpec))!["d"]!);
    }
}
