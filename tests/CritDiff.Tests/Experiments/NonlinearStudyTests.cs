using CritDiff.Experiments;
using CritDiff.Reporting;

namespace CritDiff.Tests.Experiments;

/// <summary>The nonlinear study's machinery on tiny lattices (resumable jobs, report files), its verdict rules on made-up results, and the histogram distance.</summary>
public sealed class NonlinearStudyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-nonlinear-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly NonlinearSpec Tiny = new()
    {
        Sizes = [4, 6], Times = [0.3], Architectures = ["one-layer", "conv:1:1:odd"], GenerationArchitectures = ["one-layer", "conv:1:1:odd"],
        Configurations = 64, Thermalization = 50, PilotSweeps = 50, MaxSteps = 40, ValidationSize = 16, ReferenceLengthFactor = 1,
        EvalInterval = 5, GenerationSlices = 3, GenerationBudget = 20, GenerationSamples = 16, ReverseSteps = 8, Seed = 4,
    };

    [Fact]
    public void RunsEveryJobOnceAndResumes()
    {
        var first = NonlinearStudy.Study.Run(Tiny, new StudyRun { Folder = _folder, Threads = 2 });
        Assert.Equal(4, first.Training.Count);
        Assert.Equal(4, first.Generation.Count);
        Assert.Equal([4, 6], first.Ensembles.Select(e => e.Length));
        Assert.All(first.Ensembles, e => Assert.Equal(64, e.Magnetisations.Length));
        Assert.Equal(0, first.Reused);
        Assert.True(File.Exists(Path.Combine(_folder, "ensembles", "phi4-L6.npy")));
        Assert.True(File.Exists(Path.Combine(_folder, "ensembles", "phi4-L6.npy.json")));
        Assert.All(first.Generation, g => Assert.Equal(16, g.Samples));

        var second = NonlinearStudy.Study.Run(Tiny, new StudyRun { Folder = _folder, Threads = 1 });
        Assert.Equal(2 + 4 + 4, second.Reused);
        Assert.Equal(first.Training, second.Training);
        Assert.Equal(first.Generation.Select(g => g.EssFraction), second.Generation.Select(g => g.EssFraction));

        var report = new ReportDocument("test");
        var verdicts = NonlinearReport.Judge(second);
        Assert.Equal(["NL-C1", "NL-C3", "NL-C2", "NL-C4", "NL-reweight"], verdicts.Select(v => v.Id));
        NonlinearReport.Add(report, Path.Combine(_folder, "report"), second, verdicts, "report/");
        foreach (string file in new[] { "training.csv", "generation.csv", "ensembles.csv", "steps.png", "steps.svg", "ess.png" })
            Assert.True(File.Exists(Path.Combine(_folder, "report", file)), file);
        Assert.Contains("NL-C2", report.ToMarkdown());
    }

    [Fact]
    public void ChangedSettingsAreRecomputedNotReused()
    {
        NonlinearStudy.Study.Run(Tiny with { Sizes = [4, 5] }, new StudyRun { Folder = _folder, Threads = 2 });
        var changed = NonlinearStudy.Study.Run(Tiny with { Sizes = [4, 5], MaxSteps = 30 }, new StudyRun { Folder = _folder, Threads = 2 });
        Assert.Equal(2 + 4, changed.Reused); // the 2 ensembles and 4 generation jobs do not depend on the training cap; the 4 training jobs do
        Assert.Equal(4, changed.Training.Count);
    }

    private static NonlinearTrainingRow Row(string arch, int length, int? steps) => new()
    {
        Architecture = arch, Length = length, Time = 0.1, Parameters = 10, Steps = steps, StepsRun = steps ?? 100,
        Converged = steps is not null, Diverged = false,
    };

    private static NonlinearGenerationRow Gen(string arch, int length, double ess, double chi = 10, double distance = 0.1) => new()
    {
        Architecture = arch, Length = length, Budget = 10, Samples = 1000, EssFraction = ess, LowEss = ess < 0.01,
        GeneratedSusceptibility = new(chi, 0.1), GeneratedBinder = new(0.5, 0.1), ReweightedSusceptibility = new(10.5, 0.2),
        ReweightedBinder = new(0.6, 0.01), ChainSusceptibility = new(10, 1), MagnetisationDistance = distance, DivergedSlices = 0,
    };

    private static NonlinearEnsembleRow Ensemble(int length) => new()
    {
        Length = length, Configurations = 100, TauInt = 1, Spacing = 2, AbsMagnetisation = new(0.5, 0.01), Susceptibility = new(10, 0.2),
        Binder = new(0.6, 0.01), Energy = new(0.5, 0.01), Magnetisations = [],
    };

    [Fact]
    public void VerdictsFollowTheirStatedCriteria()
    {
        var spec = new NonlinearSpec { Sizes = [8, 16, 32], Architectures = ["one-layer", "conv:3:1:odd"], GenerationArchitectures = ["one-layer", "conv:3:1:odd"] };
        int[] sizes = [8, 16, 32];
        // one-layer grows like L^2, conv stays flat; one-layer's generated chi drifts away from MC (10) and its M histogram with it;
        // reweighted chi 10.5 +- 0.2 against 10 +- 0.2.
        var growing = sizes.Select(l => Row("one-layer", l, l * l)).Concat(sizes.Select(l => Row("conv:3:1:odd", l, 100))).ToArray();
        var generation = sizes.Select(l => Gen("one-layer", l, 0.5 * 8 / l, chi: 10 * (1 + l / 8.0), distance: 0.1 * l / 8))
            .Concat(sizes.Select(l => Gen("conv:3:1:odd", l, 0.4))).ToArray();
        var result = new NonlinearResult(spec, sizes.Select(Ensemble).ToArray(), growing, generation, 1, 0);
        var verdicts = NonlinearReport.Judge(result).ToDictionary(v => v.Id, v => v.Reproduced);
        Assert.True(verdicts["NL-C1"]);
        Assert.True(verdicts["NL-C3"]);
        Assert.True(verdicts["NL-C2"]);
        Assert.True(verdicts["NL-reweight"]); // z = 0.5 / sqrt(0.08) = 1.8
        Assert.True(verdicts["NL-C4"]); // conv chi 10 against MC 10

        // Flat one-layer, a conv size that missed eps, one-layer generation that does not drift (chi error falls at L = 32),
        // reweighted chi 5 SE off.
        var flat = sizes.Select(l => Row("one-layer", l, 300)).Concat(sizes.Select(l => Row("conv:3:1:odd", l, l == 32 ? null : 100))).ToArray();
        var holding = sizes.Select(l => Gen("one-layer", l, 0.3, chi: l == 16 ? 14 : 12, distance: 0.1 * l / 8))
            .Concat(sizes.Select(l => Gen("conv:3:1:odd", l, 0.4) with { ReweightedSusceptibility = new(11.5, 0.2) })).ToArray();
        var bad = NonlinearReport.Judge(new NonlinearResult(spec, sizes.Select(Ensemble).ToArray(), flat, holding, 1, 0)).ToDictionary(v => v.Id, v => v.Reproduced);
        Assert.False(bad["NL-C1"]);
        Assert.False(bad["NL-C3"]);
        Assert.False(bad["NL-C2"]);
        Assert.False(bad["NL-reweight"]);
        var far = generation.Select(g => g.Architecture == "conv:3:1:odd" && g.Length == 32 ? g with { GeneratedSusceptibility = new(11.2, 0.1) } : g).ToArray();
        Assert.False(NonlinearReport.Judge(new NonlinearResult(spec, sizes.Select(Ensemble).ToArray(), growing, far, 1, 0)).Single(v => v.Id == "NL-C4").Reproduced); // ln 1.12 = 0.113

        // ESS below the minimum everywhere: the reweighting check is not measured rather than passed.
        var tiny = generation.Select(g => g with { EssFraction = 0.001 }).ToArray();
        Assert.Null(NonlinearReport.Judge(new NonlinearResult(spec, sizes.Select(Ensemble).ToArray(), growing, tiny, 1, 0)).Single(v => v.Id == "NL-reweight").Reproduced);
    }

    [Fact]
    public void HistogramDistanceIsZeroForIdenticalAndOneForDisjointSamples()
    {
        double[] a = [.. Enumerable.Range(0, 100).Select(i => i / 100.0)];
        Assert.Equal(0, NonlinearStudy.HistogramDistance(a, a), 12);
        Assert.Equal(1, NonlinearStudy.HistogramDistance(a, [.. a.Select(x => x + 10)]), 12);
        double half = NonlinearStudy.HistogramDistance(a, [.. a.Select(x => x + 0.5)]);
        Assert.InRange(half, 0.3, 0.7);
        Assert.True(double.IsNaN(NonlinearStudy.HistogramDistance([], a)));
    }
}
