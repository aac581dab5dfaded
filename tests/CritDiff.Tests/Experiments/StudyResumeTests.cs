using System.Text.Json;
using CritDiff.Experiments;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Tests.Experiments;

/// <summary>
/// Resume of the studies inside reproduce (issue 13): a rerun with the same settings reads the kept results
/// instead of computing them, gives the same result, leaves the files untouched, and recomputes when a setting changes.
/// </summary>
public sealed class StudyResumeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(), // results compared as text; not a file format
    };

    [Fact]
    public void StabilityScanIsReusedWhenItsSpecMatches()
    {
        var spec = new StabilitySpec
        {
            Family = new ModelFamily("xi/L", 0.25),
            Dimension = 2,
            Sizes = [6, 8],
            Architecture = NetworkCatalog.TwoLayer,
            Search = new StabilitySettings { Seeds = 2, Budget = 50, Tolerance = 0.1 },
            BatchSize = 16,
        };
        var first = StabilityScan.Study.Run(spec, new StudyRun { Folder = _folder });
        Assert.False(first.Reused);
        var files = Directory.GetFiles(_folder).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        Assert.Single(files);
        var again = StabilityScan.Study.Run(spec, new StudyRun { Folder = _folder });
        Assert.True(again.Reused);
        Assert.Equal(JsonSerializer.Serialize(first.Rows, Json), JsonSerializer.Serialize(again.Rows, Json));
        Assert.Equal(JsonSerializer.Serialize(first.RateFit, Json), JsonSerializer.Serialize(again.RateFit, Json));
        Assert.Equal(first.WallSeconds, again.WallSeconds);
        Assert.All(files, f => Assert.Equal(f.Value, File.GetLastWriteTimeUtc(f.Key))); // not rewritten
        // Another setting is another scan: computed, and kept beside the first.
        Assert.False(StabilityScan.Study.Run(spec with { Fraction = 0.2 }, new StudyRun { Folder = _folder }).Reused);
        Assert.Equal(2, Directory.GetFiles(_folder).Length);
    }

    [Fact]
    public void LocalStudyReusesEachFinishedRun()
    {
        var spec = new LocalStudySpec
        {
            Family = new ModelFamily("xi/L", 0.25),
            Dimension = 2,
            Sizes = [6, 8],
            Candidates = [new(NetworkCatalog.OneLayerLocal(1)), new(NetworkCatalog.TwoLayerLocal(1))],
        };
        var first = LocalArchitectureStudy.Study.Run(spec, new StudyRun { Folder = _folder });
        Assert.Equal(0, first.Reused);
        Assert.Equal(4, Directory.GetFiles(_folder).Length);
        // A kill after some runs: delete one kept run; the rerun trains only that one.
        File.Delete(Directory.GetFiles(_folder).Order(StringComparer.Ordinal).First());
        var again = LocalArchitectureStudy.Study.Run(spec, new StudyRun { Folder = _folder });
        Assert.Equal(3, again.Reused);
        Assert.Equal(JsonSerializer.Serialize(first.Rows, Json), JsonSerializer.Serialize(again.Rows, Json));
        Assert.Equal(JsonSerializer.Serialize(first.Fits, Json), JsonSerializer.Serialize(again.Fits, Json));
        // A larger size list reuses the runs it shares.
        Assert.Equal(4, LocalArchitectureStudy.Study.Run(spec with { Sizes = [6, 8, 10] }, new StudyRun { Folder = _folder }).Reused);
    }
}
