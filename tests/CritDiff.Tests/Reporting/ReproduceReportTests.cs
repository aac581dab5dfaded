using System.Globalization;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Persistence;
using CritDiff.Reporting;

namespace CritDiff.Tests; // not CritDiff.Tests.Reporting: that would hide CritDiff.Reporting in other test files

/// <summary>The files Reporting builds for a reproduce run (issue 21): observables.csv, summary.json's parts, and the refusal of an unfinished run.</summary>
public sealed class ReproduceReportTests
{
    private static readonly SamplerCheckModel Model = new("d2-L8", 2, 8, l => GaussianField.AtCorrelationLengthOverSize(l, 0.25));

    private static ReproduceRun EmptyRun() =>
        new(Path.GetTempPath(), true, 3, 1, _ => { }, (_, _) => throw new InvalidOperationException("no sweep in this test"));

    private static IReadOnlyList<SamplerCheckRun> Check()
    {
        var run = EmptyRun();
        new SamplerCheckStage(new StageWeights(1, 1, 1), new SamplerCheckSpec([Model], 40, 3)).Run(run);
        return run.SamplerCheck!;
    }

    /// <summary>Each line holds the exact value of the field, the measurement, and z = (measured - exact) / error, computed here from the parts.</summary>
    [Fact]
    public void ObservablesCsvHoldsExactMeasuredAndTheirZScore()
    {
        var check = Check();
        var field = Model.Build(new Lattice(2, 8));
        string[] lines = ReproduceReport.ObservablesCsv(check).TrimEnd('\n').Split('\n');
        Assert.Equal("model,d,L,observable,exact,measured,error,z", lines[0]);
        var exact = new Dictionary<string, double>
        {
            ["chi"] = field.Susceptibility, ["xi2"] = field.SecondMomentCorrelationLength, ["energy"] = field.Energy, ["G0"] = field.LocalVariance,
        };
        Assert.Equal(exact.Keys, lines.Skip(1).Select(l => l.Split(',')[3]));
        foreach (string line in lines.Skip(1))
        {
            var cells = line.Split(',');
            Assert.Equal(["d2-L8", "2", "8"], cells[..3]);
            double[] x = cells[4..].Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(exact[cells[3]], x[0]);
            Assert.True(x[2] > 0, line);
            Assert.Equal((x[1] - x[0]) / x[2], x[3], Tolerances.ClosedForm);
        }
    }

    [Fact]
    public void FieldJsonHoldsTheLatticeAndExactObservablesWithNaNAsNull()
    {
        var field = Model.Build(new Lattice(2, 8));
        var json = TargetSummary.Gaussian(field);
        Assert.Equal(64, (int)json["V"]!);
        Assert.Equal(field.Susceptibility, (double)json["chi"]!);
        Assert.Equal(field.MassSquared, (double)json["mu2"]!);
        Assert.Null(JsonNumber.Of(double.NaN));
        Assert.Null(JsonNumber.Of(double.PositiveInfinity));
        Assert.Null(JsonNumber.Of((double?)null));
        Assert.Equal(0.5, (double)JsonNumber.Of(0.5)!);
        Assert.EndsWith("}\n", JsonFiles.ToFileText(json), StringComparison.Ordinal);
    }

    /// <summary>The report is built from every stage's result: a run that skipped one is refused, naming what is missing, before any file is written.</summary>
    [Fact]
    public void AnUnfinishedRunIsRefused()
    {
        string folder = Directory.CreateTempSubdirectory("critdiff-report-").FullName;
        try
        {
            var run = new ReproduceRun(folder, true, 3, 1, _ => { }, (_, _) => throw new InvalidOperationException("no sweep in this test"));
            var error = Assert.Throws<InvalidOperationException>(() => ReproduceReport.Write(run, () => 0));
            Assert.Contains("stability scans", error.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
