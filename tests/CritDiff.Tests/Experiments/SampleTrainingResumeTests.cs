using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Training;

namespace CritDiff.Tests.Experiments;

/// <summary>
/// A sample-trained slice interrupted in the middle of a run resumes from its latest snapshot (parameters, optimizer
/// moments, random stream, history) and ends bit-identical to an uninterrupted slice (issue 24).
/// </summary>
public sealed class SampleTrainingResumeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The validation rule runs two reference runs before training; a fixed budget trains a run of exactly MaxSteps.</summary>
    private static SampleTrainingRequest Request(StoppingChoice stopping)
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 4), 0.25);
        var config = new SampleTrainingConfig
        {
            MaxSteps = 20, BatchSize = 4, ValidationSize = 8, EvalInterval = 5, ReferenceLengthFactor = 1, Seed = 11,
        };
        return new SampleTrainingRequest(field, ScoreModelSpec.Parse("conv:2:1"), new VariancePreserving(), TimeGrid.Single(0.3),
            new GaussianSource(field), config) { Stopping = stopping };
    }

    private sealed class Steps(Action<SampleTrainingProgress> handler) : IProgress<SampleTrainingProgress>
    {
        public void Report(SampleTrainingProgress value) => handler(value);
    }

    [Theory]
    [InlineData("reference run 2", StoppingChoice.Validation)]
    [InlineData("training", StoppingChoice.Budget)]
    public void ASliceInterruptedMidRunResumesFromItsSnapshotBitIdentically(string phase, StoppingChoice stopping)
    {
        SampleTrainingRequest Request() => SampleTrainingResumeTests.Request(stopping);
        var expected = SampleTrainingRun.Run(Request(), 1).Slices[0];

        // Interrupted at step 10 of one run, with a snapshot before every step.
        using var cancel = new CancellationTokenSource();
        var interrupt = new Steps(p =>
        {
            if (p.Phase == phase && p.Step >= 10) cancel.Cancel();
        });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            SampleTrainingRun.Run(Request(), 1, null, cancel.Token, interrupt, _folder, null, TimeSpan.Zero));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_folder, SampleSliceStore.FolderName), "*.snapshot.json"));

        // The rerun starts that run at its snapshot (step 10), not at 0, and runs no finished run again.
        var resumedSteps = new List<(string Phase, int Step)>();
        var record = new Steps(p =>
        {
            lock (resumedSteps) resumedSteps.Add((p.Phase, p.Step));
        });
        var actual = SampleTrainingRun.Run(Request(), 1, null, default, record, _folder, null, TimeSpan.Zero).Slices[0];
        Assert.Equal((phase, 10), resumedSteps[0]);
        Assert.DoesNotContain(resumedSteps, s => s.Phase == "reference run 1"); // finished before the interruption

        Assert.Equal(expected with { Parameters = actual.Parameters, History = actual.History }, actual);
        Assert.Equal(expected.History, actual.History);
        for (int i = 0; i < expected.Parameters.Layers.Length; i++)
            Assert.Equal(expected.Parameters.Layers[i], actual.Parameters.Layers[i]); // exact: bit-identical doubles
        // A finished slice keeps no snapshots.
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, SampleSliceStore.FolderName), "*.snapshot*"));
    }

    /// <summary>
    /// A fixed budget has no excess (NaN): slices/slice000.json writes it as JSON null, not the string "NaN", and reads
    /// it back as NaN; a file written before with "NaN" strings still resumes to the same slice.
    /// </summary>
    [Fact]
    public void NotANumberIsWrittenAsNullAndFilesWithNaNStringsStillRead()
    {
        var expected = SampleTrainingRun.Run(Request(StoppingChoice.Budget), 1, null, default, null, _folder, null, TimeSpan.Zero).Slices[0];
        Assert.True(double.IsNaN(expected.InitialExcess));
        string path = Path.Combine(_folder, SampleSliceStore.FolderName, "slice000.json");
        string text = File.ReadAllText(path);
        Assert.DoesNotContain("NaN", text);
        Assert.Contains("\"initial_excess\":null", text);
        Assert.Matches(@"\[0,[-0-9.eE+]+,null\]", text); // history rows [step, validation loss, excess]

        // Resuming reads the finished slice back, NaN included.
        var resumed = SampleTrainingRun.Run(Request(StoppingChoice.Budget), 1, null, default, null, _folder, null, TimeSpan.Zero).Slices[0];
        AssertSame(expected, resumed);

        // The format written before this fix: NaN as the string "NaN".
        File.WriteAllText(path, text.Replace("_excess\":null", "_excess\":\"NaN\"", StringComparison.Ordinal)
            .Replace(",null]", ",\"NaN\"]", StringComparison.Ordinal));
        Assert.Contains("\"NaN\"", File.ReadAllText(path));
        var old = SampleTrainingRun.Run(Request(StoppingChoice.Budget), 1, null, default, null, _folder, null, TimeSpan.Zero).Slices[0];
        AssertSame(expected, old);
        Assert.Contains("\"NaN\"", File.ReadAllText(path)); // read, not retrained and rewritten
    }

    private static void AssertSame(SliceResult expected, SliceResult actual)
    {
        Assert.Equal(expected with { Parameters = actual.Parameters, History = actual.History }, actual);
        Assert.Equal(expected.History, actual.History);
        for (int i = 0; i < expected.Parameters.Layers.Length; i++)
            Assert.Equal(expected.Parameters.Layers[i], actual.Parameters.Layers[i]);
    }
}
