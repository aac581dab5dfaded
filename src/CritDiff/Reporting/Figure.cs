using System.Globalization;
using ScottPlot;

namespace CritDiff.Reporting;

/// <summary>
/// A line/marker figure with optional logarithmic axes, saved as PNG and SVG. Log axes plot log10 of the
/// data with ticks at decades (labelled with the value) and minor ticks at 2..9; non-positive values on a
/// log axis are left out.
/// </summary>
public sealed class Figure
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();
    private readonly Plot _plot = new();
    private readonly bool _logX, _logY;
    private readonly List<double> _xs = [], _ys = [];

    /// <summary>Width and height of the PNG in pixels.</summary>
    public const int Width = 720, Height = 480;

    /// <summary>Creates an empty figure.</summary>
    public Figure(string title, string xLabel, string yLabel, bool logX, bool logY)
    {
        _logX = logX;
        _logY = logY;
        _plot.Title(title);
        _plot.XLabel(xLabel);
        _plot.YLabel(yLabel);
    }

    /// <summary>The corner of the data area that holds the legend (upper left by default).</summary>
    public Alignment LegendCorner { get; set; } = Alignment.UpperLeft;

    /// <summary>Draws the legend in a panel right of the data area instead (for many series); the image is wider.</summary>
    public bool LegendOutside { get; set; }

    /// <summary>Series drawn so far.</summary>
    public int SeriesCount { get; private set; }

    /// <summary>Adds a series; <paramref name="colorIndex"/> picks a palette colour, markers/lines as asked.</summary>
    public void Add(IReadOnlyList<double> x, IReadOnlyList<double> y, string label, int colorIndex,
        bool markers = true, bool line = true, bool dashed = false, bool open = false)
    {
        var px = new List<double>();
        var py = new List<double>();
        for (int i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]) || (_logX && x[i] <= 0) || (_logY && y[i] <= 0)) continue;
            px.Add(_logX ? Math.Log10(x[i]) : x[i]);
            py.Add(_logY ? Math.Log10(y[i]) : y[i]);
        }
        if (px.Count == 0) return;
        var scatter = _plot.Add.Scatter(px.ToArray(), py.ToArray());
        scatter.LegendText = label;
        scatter.Color = Palette.GetColor(colorIndex);
        scatter.LineWidth = line ? 2 : 0;
        scatter.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
        scatter.MarkerSize = markers ? 8 : 0;
        scatter.MarkerShape = open ? MarkerShape.OpenCircle : MarkerShape.FilledCircle;
        _xs.AddRange(px);
        _ys.AddRange(py);
        SeriesCount++;
    }

    /// <summary>A horizontal reference line at <paramref name="y"/>.</summary>
    public void HorizontalLine(double y, string label)
    {
        if (_logY && y <= 0) return;
        var line = _plot.Add.HorizontalLine(_logY ? Math.Log10(y) : y);
        line.LinePattern = LinePattern.Dotted;
        line.Color = Colors.Gray;
        line.LegendText = label;
    }

    /// <summary>Writes <c>{name}.png</c> and <c>{name}.svg</c> into <paramref name="folder"/>; returns the PNG's file name.</summary>
    public string Save(string folder, string name)
    {
        if (_xs.Count > 0)
        {
            if (_logX) _plot.Axes.Bottom.TickGenerator = LogTicks(_xs.Min(), _xs.Max());
            if (_logY) _plot.Axes.Left.TickGenerator = LogTicks(_ys.Min(), _ys.Max());
            _plot.Axes.AutoScale();
        }
        int width = Width;
        if (LegendOutside)
        {
            _plot.ShowLegend(Edge.Right);
            width += 300;
        }
        else _plot.ShowLegend(LegendCorner);
        _plot.SavePng(Path.Combine(folder, name + ".png"), width, Height);
        // Skia's SVG canvas has no dash effect (it prints a warning per line and draws them solid anyway):
        // draw solid lines in the SVG; markers still tell measured points from theory.
        foreach (var scatter in _plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>()) scatter.LinePattern = LinePattern.Solid;
        foreach (var line in _plot.GetPlottables().OfType<ScottPlot.Plottables.HorizontalLine>()) line.LinePattern = LinePattern.Solid;
        _plot.SaveSvg(Path.Combine(folder, name + ".svg"), width, Height);
        return name + ".png";
    }

    private static ScottPlot.TickGenerators.NumericManual LogTicks(double low, double high)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int first = (int)Math.Floor(low) - 1, last = (int)Math.Ceiling(high) + 1;
        bool sparse = last - first > 8;
        for (int e = first; e <= last; e++)
        {
            if (!sparse || e % 2 == 0) ticks.AddMajor(e, Label(e));
            for (int m = 2; m <= 9; m++) ticks.AddMinor(e + Math.Log10(m));
        }
        // Within a single decade, label 2, 3 and 5 as well so that the axis can be read.
        if (high - low < 1.2)
            for (int e = first; e <= last; e++)
                foreach (int m in new[] { 2, 3, 5 })
                    ticks.AddMajor(e + Math.Log10(m), Label(e, m));
        return ticks;
    }

    private static string Label(int exponent, int mantissa = 1)
    {
        double value = mantissa * Math.Pow(10, exponent);
        return exponent is >= -2 and <= 5
            ? value.ToString("0.##", CultureInfo.InvariantCulture)
            : mantissa == 1 ? $"1e{exponent}" : $"{mantissa}e{exponent}";
    }
}
