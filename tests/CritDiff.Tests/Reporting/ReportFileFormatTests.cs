using CritDiff.Experiments;
using CritDiff.Networks;
using CritDiff.Persistence;
using CritDiff.Reporting;

namespace CritDiff.Tests; // not CritDiff.Tests.Reporting: that would hide CritDiff.Reporting in other test files

/// <summary>Issue 24: the report's CSV and JSON files read with strict parsers (np.genfromtxt, a JSON reader without NaN).</summary>
public sealed class ReportFileFormatTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-report-format-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// The strict CSV rule of the report's files: no quote anywhere, the same number of commas on every line as in the header,
    /// and booleans as lower-case true/false. Returns the reason a text breaks it, or null.
    /// </summary>
    internal static string? StrictCsvViolation(string text)
    {
        var lines = text.TrimEnd('\n').Split('\n');
        if (text.Contains('"', StringComparison.Ordinal)) return "a quoted field";
        int columns = lines[0].Count(c => c == ',');
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Count(c => c == ',') != columns) return $"line {i + 1} has {lines[i].Count(c => c == ',') + 1} fields, the header {columns + 1}";
            if (lines[i].Split(',').Any(f => f is "True" or "False")) return $"line {i + 1} writes a boolean as True/False";
        }
        return null;
    }

    [Fact]
    public void LayerListsAndSentencesNeedNoQuoting()
    {
        Assert.Equal("layers:local:1+local:2", SweepTables.Q("layers:local:1,local:2"));
        Assert.Equal("two-layer-local:1", SweepTables.Q("two-layer-local:1"));
        Assert.Equal("L = 8; 16; 32 ('x')", SweepTables.Text("L = 8, 16, 32 (\"x\")"));
        Assert.Equal("true", SweepTables.B(true));
        Assert.Equal("", SweepTables.B((bool?)null));
    }

    [Fact]
    public void ClaimsCsvHasFourUnquotedFieldsPerLine()
    {
        var claims = new[]
        {
            new ClaimVerdict("C1", "s", "d = 2, xi/L = 0.25: steps 34 (L=8), 121 (L=16); \"quoted\"", "power law preferred, |p - 2| <= 0.3", true),
            new ClaimVerdict("NL-reweight", "s", "none", "-", null),
        };
        string csv = Claims.ToCsv(claims);
        Assert.Null(StrictCsvViolation(csv));
        Assert.Equal(["C1", "reproduced", "power law preferred; |p - 2| <= 0.3", "d = 2; xi/L = 0.25: steps 34 (L=8); 121 (L=16); 'quoted'"], csv.Split('\n')[1].Split(','));
    }

    /// <summary>docs/json.md: a quantity that is not a finite number is written as null; a file written before with "NaN" still reads.</summary>
    [Fact]
    public void KeyedResultsWriteNaNAsNullAndReadOldFiles()
    {
        var row = new LocalStudyRow(new ArchitectureCandidate(NetworkCatalog.TwoLayerLocal(1)), 8, 18, 64, 5, true, false, double.NaN, false);
        var (_, _, reused) = KeyedResult.GetOrCompute(JsonFormats.Keyed, _folder, "row", "key", () => row);
        Assert.False(reused);
        string file = Assert.Single(Directory.GetFiles(_folder, "row-*.json"));
        string text = File.ReadAllText(file);
        Assert.DoesNotContain("NaN", text, StringComparison.Ordinal);
        Assert.Contains("\"OptimumGap\": null", text, StringComparison.Ordinal);
        var (back, _, again) = KeyedResult.GetOrCompute<LocalStudyRow>(JsonFormats.Keyed, _folder, "row", "key", () => throw new InvalidOperationException("must be reused"));
        Assert.True(again);
        Assert.True(double.IsNaN(back.OptimumGap));
        Assert.Equal(row with { OptimumGap = 0 }, back with { OptimumGap = 0 });

        File.WriteAllText(file, text.Replace("\"OptimumGap\": null", "\"OptimumGap\": \"NaN\"", StringComparison.Ordinal));
        var (old, _, oldReused) = KeyedResult.GetOrCompute<LocalStudyRow>(JsonFormats.Keyed, _folder, "row", "key", () => throw new InvalidOperationException("must be reused"));
        Assert.True(oldReused);
        Assert.True(double.IsNaN(old.OptimumGap));
    }

    [Theory]
    [InlineData(0.386866, "0.4")]
    [InlineData(-0.268494, "-0.3")]
    [InlineData(1.72846, "1.7")]
    [InlineData(-0.01, "0.0")]
    public void ZScoresPrintToOneDecimal(double z, string expected) => Assert.Equal(expected, SweepReport.Z(z));
}
