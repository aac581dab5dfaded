using CritDiff.Experiments;
using Xunit.Abstractions;

namespace CritDiff.Tests.Experiments;

/// <summary>Wall time of the reproduce stage's quality study (--quick and full): minutes on 2 cores, so slow and opt-in.</summary>
public sealed class QualityProbe(ITestOutputHelper output)
{
    [SlowTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void StageCost(bool quick)
    {
        var spec = ReproducePlan.Quality(quick, 1);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = QualityStudy.Study.Run(spec, new StudyRun { Threads = 2 });
        foreach (var r in result.Rows)
            output.WriteLine($"{r.Network} L={r.Length} r{r.Replica}: ESS/N {r.EssFraction:G3} of {r.WeightedSamples} (measurable {r.Measurable}), quality {r.QualitySteps}, chi gen {r.Rungs[^1].GeneratedSusceptibility.Value:G4} vs {result.Ensemble(r.Length, r.Replica).Susceptibility.Value:G4}, train {r.TrainingSeconds:F1} s (ladder {r.LadderTrainingSeconds:F1} s), gen {r.GenerationSecondsPerSample * 1e3:G3} ms/sample");
        foreach (var e in result.Ensembles) output.WriteLine($"ensemble L={e.Length} r{e.Replica}: {e.WallSeconds:F1} s");
        output.WriteLine($"{(quick ? "quick" : "full")} total {clock.Elapsed.TotalSeconds:F1} s");
    }
}
