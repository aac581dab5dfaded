using System.Buffers.Binary;
using CritDiff.Reporting;
using ScottPlot;

namespace CritDiff.Tests; // not CritDiff.Tests.Reporting: that would hide CritDiff.Reporting in other test files

public sealed class FigureTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-figure-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void LegendGoesToTheCornerWithoutData()
    {
        // A falling curve fills the upper left and the lower right: the legend must go to the lower left or upper
        // right, never on the data.
        var figure = new Figure("falling", "L", "y", logX: true, logY: true);
        double[] x = [8, 16, 32, 64];
        figure.Add(x, [1000.0, 300, 30, 1], "a", 0);
        figure.Save(_folder, "falling");
        Assert.Contains(figure.LegendPlacement, new Alignment?[] { Alignment.LowerLeft, Alignment.UpperRight });

        var rising = new Figure("rising", "L", "y", logX: true, logY: true);
        rising.Add(x, [1.0, 30, 300, 1000], "a", 0);
        rising.Save(_folder, "rising");
        Assert.Contains(rising.LegendPlacement, new Alignment?[] { Alignment.UpperLeft, Alignment.LowerRight });
    }

    [Fact]
    public void LegendGoesOutsideWhenEveryCornerHoldsData()
    {
        var figure = new Figure("corners", "x", "y", logX: false, logY: false);
        figure.Add([0.0, 0, 1, 1], [0.0, 1, 0, 1], "corners", 0, line: false);
        figure.Save(_folder, "corners");
        Assert.Null(figure.LegendPlacement);
    }

    [Fact]
    public void SeriesDrawnOverAnEarlierOneIsSetApart()
    {
        // Two-layer steps identical for two networks: the second must not vanish under the first.
        var figure = new Figure("same", "L", "steps", logX: true, logY: true);
        double[] x = [8, 16, 32];
        figure.Add(x, [5.0, 7, 8], "two-layer", 0);
        figure.Add(x, [5.0, 7, 8], "two-layer (theory)", 0, dashed: true);
        figure.Add(x, [6.0, 7, 8], "local", 1);
        figure.Save(_folder, "same");
        Assert.Equal(["two-layer (theory)"], figure.SeparatedSeries);
    }

    [Fact]
    public void PngHasTwiceTheNominalResolutionAndSvgIsKept()
    {
        var figure = new Figure("size", "x", "y", logX: false, logY: false) { LegendCorner = Alignment.UpperLeft };
        figure.Add([1.0, 2], [1.0, 2], "a", 0, errors: [0.1, 0.2]);
        string png = figure.Save(_folder, "size");
        var header = File.ReadAllBytes(Path.Combine(_folder, png)).AsSpan(16, 8);
        Assert.Equal(Figure.Width * Figure.PngScale, BinaryPrimitives.ReadInt32BigEndian(header));
        Assert.Equal(Figure.Height * Figure.PngScale, BinaryPrimitives.ReadInt32BigEndian(header[4..]));
        Assert.True(File.Exists(Path.Combine(_folder, "size.svg")));
    }

    /// <summary>Issue 24: a legend with many entries goes below the data area; the image grows taller, never wider (it was 2040 px wide).</summary>
    [Fact]
    public void LegendOutsideKeepsTheWidth()
    {
        var figure = new Figure("many", "x", "y", logX: false, logY: false) { LegendOutside = true };
        for (int i = 0; i < 12; i++) figure.Add([0.0, 1], [i, i + 1.0], $"series {i}", i);
        string png = figure.Save(_folder, "many");
        var header = File.ReadAllBytes(Path.Combine(_folder, png)).AsSpan(16, 8);
        Assert.Equal(Figure.Width * Figure.PngScale, BinaryPrimitives.ReadInt32BigEndian(header));
        Assert.True(BinaryPrimitives.ReadInt32BigEndian(header[4..]) > Figure.Height * Figure.PngScale);
        Assert.Equal(Figure.Width, figure.SavedSize.Width);
    }

    /// <summary>Issue 24: a series set apart as "same values" keeps one parenthesis in its legend text, not "(theory) (same values)".</summary>
    [Theory]
    [InlineData("one-layer (theory)", "one-layer (measured)", "one-layer (theory = measured)")]
    [InlineData("O(3), d = 3, two-layer", "O(1), d = 3, two-layer", "O(3), d = 3, two-layer (same values)")]
    [InlineData("a (theory)", "b", "a (theory, same values)")]
    public void SameValuesJoinTheLabelsParenthesis(string label, string under, string expected)
    {
        Assert.Equal(expected, Figure.SameValuesLabel(label, under));
        Assert.DoesNotContain(") (", Figure.SameValuesLabel(label, under), StringComparison.Ordinal);
    }

    /// <summary>Issue 24: the y floor leaves out values below it, so that rounding-level values do not set the axis.</summary>
    [Fact]
    public void YMinLeavesOutValuesBelowIt()
    {
        var figure = new Figure("floor", "x", "y", logX: false, logY: true) { YMin = 1e-12 };
        figure.Add([0.0, 1, 2, 3], [1, 1e-6, 1e-12, 1e-16], "a", 0);
        Assert.Equal(3, figure.Drawn.Single().Y.Length);
        figure.Save(_folder, "floor");
        Assert.True(figure.SavedYRange.Bottom > 1e-14, figure.SavedYRange.Bottom.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void LongTitlesAreBrokenNearTheMiddle()
    {
        Assert.Equal("short title", Figure.WrapTitle("short title"));
        string title = "Spectrum ratio r(k) = v(k)/C(k) after 100 steps: layers:local:1,local:2 (balanced)";
        string wrapped = Figure.WrapTitle(title);
        var lines = wrapped.Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.True(l.Length <= Figure.TitleLineLength, l));
        Assert.Equal(title, string.Join(' ', lines));
        // A parenthesis opens the second line rather than a break inside it ("(d\n= 3").
        Assert.Equal("Training time against lattice size\n(d = 3, beta = beta_c(d), population gd)",
            Figure.WrapTitle("Training time against lattice size (d = 3, beta = beta_c(d), population gd)"));
    }
}
