using System.Collections.Concurrent;
using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Training;

namespace CritDiff.Tests.Experiments;

/// <summary>
/// Studies hold typed networks (issue 21): names in files and keys are unchanged, a sweep on samples trains exactly what
/// <see cref="SampleTrainer"/> trains for the same settings, and a study gives the same rows on one and two threads.
/// </summary>
public sealed class StudyNetworkTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-study-networks-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ScalingSpec Conv => new()
    {
        Name = "conv",
        Family = new ModelFamily("xi/L", 0.25),
        Dimension = 1,
        Sizes = [4],
        Architectures = [NetworkCatalog.Parse("conv:2:1")],
        Samples = true,
        Optimizer = "adam",
        MaxSteps = 40,
        GenerationSlices = 2,
    };

    [Fact]
    public void SweepOnSamplesTrainsWhatTheSampleTrainerTrains()
    {
        var spec = Conv;
        var job = spec.Jobs().Single();
        var result = JobRunner.Run(spec, job);

        // The reference: one slice at t = 0.1 trained directly, with the settings the sweep documents (Adam at its default
        // rate, batch 64, eps 1e-2, root seed for seed index 0, the validation-excess rule for a network without the exact score).
        var field = spec.Family.Build(new Lattice(1, 4));
        var direct = SampleTrainer.TrainSlice(NetworkCatalog.Parse("conv:2:1").Create(field.Lattice, 1, 1), new GaussianSource(field),
            ForwardProcess.Parse("vp"), 0.1, new SampleTrainingConfig { Optimizer = new Adam(), BatchSize = 64, MaxSteps = 40, Eps = 1e-2, Seed = 1 }, 0,
            new ValidationExcessRule());
        Assert.Equal(direct.StepsToEps ?? direct.StepsRun, result.Steps);
        Assert.Equal(direct.Converged, result.Converged);
        Assert.Equal(direct.FinalExcess, result.FinalExcess);
        Assert.Equal("conv:2:1:tanh", result.Architecture);
        Assert.Equal(new ValidationExcessRule().Name, result.StoppingRule);
        Assert.Null(result.PredictedSteps);
        Assert.Empty(result.BudgetCurve);
    }

    [Fact]
    public void NetworksAreStoredByTheirNamesAndMomentKeysAreUnchanged()
    {
        var spec = Conv with { Architectures = [NetworkCatalog.OneLayer, NetworkCatalog.LocalThenFull(1)], Samples = false, Optimizer = "gd" };
        ScalingFolder.Prepare(_folder, spec);
        string text = File.ReadAllText(Path.Combine(_folder, "config.json"));
        Assert.Contains("\"architectures\": [\n    \"one-layer\",\n    \"layers:local:1,full\"\n  ]", text.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("samples", text); // a moment sweep's config.json has the keys it always had
        var back = ScalingFolder.ReadSpec(_folder);
        Assert.Equal(["one-layer", "layers:local:1,full"], back.Architectures.Select(a => a.Name));
        Assert.IsType<LinearModelSpec>(back.Architectures[1]);

        var scan = new StabilitySpec { Family = new ModelFamily("xi/L", 0.25), Dimension = 2, Sizes = [8], Architecture = NetworkCatalog.TwoLayer };
        string key = KeyedResult.KeyOf(JsonFormats.Keyed, scan);
        Assert.Contains("\"Architecture\": \"two-layer\"", key);
        Assert.DoesNotContain("amples", key);
        Assert.Contains("\"samples\": true", KeyedResult.KeyOf(JsonFormats.Keyed, scan with { Samples = true }));

        File.WriteAllText(Path.Combine(_folder, "config.json"), text.Replace("\"one-layer\"", "\"no-such-net\""));
        var e = Assert.Throws<InvalidDataException>(() => ScalingFolder.ReadSpec(_folder));
        Assert.Contains("no-such-net", e.Message);
    }

    [Fact]
    public void NetworkListsKeepLayerListsWhole()
    {
        var list = NetworkList.Parse("one-layer, layers:local:1,full,conv:2:1,two-layer-local:1");
        Assert.Equal(["one-layer", "layers:local:1,full", "conv:2:1:tanh", "two-layer-local:1"], list.Select(n => n.Name));
        Assert.StartsWith("lists an architecture twice", Assert.Throws<FormatException>(() => NetworkList.Parse("one-layer,one-layer")).Message);
        Assert.StartsWith("has an empty item", Assert.Throws<FormatException>(() => NetworkList.Parse("one-layer,,two-layer")).Message);
        Assert.Throws<FormatException>(() => NetworkList.Parse("one-layer,nonsense"));
    }

    /// <summary>A probe stable exactly below 0.37: the search must end with stable &lt;= 0.37 &lt; unstable within the tolerance.</summary>
    [Theory]
    [InlineData(0.01)]
    [InlineData(10.0)]
    public void SearchBracketsAThresholdProbe(double guess)
    {
        var settings = new StabilitySettings { Tolerance = 0.01 };
        var boundary = StabilityFinder.Search(rate => rate <= 0.37, guess, settings, 0);
        Assert.True(boundary.Stable <= 0.37 && boundary.Unstable > 0.37, $"{boundary}");
        Assert.True(boundary.Unstable / boundary.Stable - 1 <= settings.Tolerance, $"{boundary}");
    }

    /// <summary>Two sizes, two seeds, a short budget and a coarse tolerance: a scan of a few seconds.</summary>
    private static StabilitySpec SmallScan => new()
    {
        Family = new ModelFamily("xi/L", 0.25),
        Dimension = 2,
        Sizes = [6, 8],
        Architecture = NetworkCatalog.TwoLayer,
        Search = new StabilitySettings { Seeds = 2, Budget = 30, Tolerance = 0.2 },
        BatchSize = 16,
        MaxSteps = 2000,
    };

    [Fact]
    public void StabilityStudyGivesTheSameRowsOnOneAndTwoThreadsAndReportsEveryJob()
    {
        var spec = SmallScan;
        var single = StabilityScan.Study.Run(spec, new StudyRun { Threads = 1 });
        var events = new ConcurrentQueue<StudyProgress>();
        var study = StabilityScan.Study;
        int jobs = study.Jobs(spec, null);
        var run = study.Run(spec, new StudyRun { Threads = 2, Progress = new Inline(events) });
        Assert.Equal(single.Rows.Select(r => (r.Length, r.Stability.StableRate, r.TrainingRate, string.Join(",", r.SeedSteps))),
            run.Rows.Select(r => (r.Length, r.Stability.StableRate, r.TrainingRate, string.Join(",", r.SeedSteps))));
        Assert.Equal(2 * 2 * 2, jobs); // a search and a training run per (L, seed)
        Assert.Equal(jobs, events.Count(e => e.Done));
        Assert.Equal(jobs, events.Count(e => !e.Done));
        Assert.Equal(2, events.Count(e => e.Done && e.Detail.StartsWith("L=", StringComparison.Ordinal))); // one line per size
        Assert.Null(run.StoppingRule);
    }

    /// <summary>
    /// A scan cancelled after its first rate search keeps that search in its parts folder; the rerun reuses it (its end is
    /// reported as reused), gives the rows of an uninterrupted scan, keeps the whole scan and removes the parts.
    /// </summary>
    [Fact]
    public void InterruptedScanReusesItsFinishedPiecesAndGivesTheSameRows()
    {
        var spec = SmallScan;
        var whole = StabilityScan.Study.Run(spec, new StudyRun { Threads = 1 });
        string folder = Path.Combine(_folder, "cut");
        using var cancel = new CancellationTokenSource();
        var cut = new StudyRun { Folder = folder, Threads = 1, Cancellation = cancel.Token, Progress = new Inline(e => { if (e.Done) cancel.Cancel(); }) };
        Assert.ThrowsAny<OperationCanceledException>(() => StabilityScan.Study.Run(spec, cut));
        string parts = Directory.GetDirectories(folder, "*.parts").Single();
        Assert.Single(Directory.GetFiles(parts));
        Assert.Empty(Directory.GetFiles(folder, "*.json"));

        var events = new ConcurrentQueue<StudyProgress>();
        var again = StabilityScan.Study.Run(spec, new StudyRun { Folder = folder, Threads = 1, Progress = new Inline(events.Enqueue) });
        Assert.False(again.Reused);
        Assert.Single(events, e => e.Done && e.Detail.StartsWith("reused", StringComparison.Ordinal));
        Assert.Equal(whole.Rows.Select(r => (r.Length, r.Stability.StableRate, r.Stability.SafeRate, r.TrainingRate, string.Join(",", r.SeedSteps))),
            again.Rows.Select(r => (r.Length, r.Stability.StableRate, r.Stability.SafeRate, r.TrainingRate, string.Join(",", r.SeedSteps))));
        Assert.False(Directory.Exists(parts));
        Assert.Single(Directory.GetFiles(folder, "scan-two-layer-sgd-*.json"));
    }

    private sealed class Inline(Action<StudyProgress> report) : IProgress<StudyProgress>
    {
        public Inline(ConcurrentQueue<StudyProgress> events) : this(events.Enqueue)
        {
        }

        public void Report(StudyProgress value) => report(value);
    }
}
