using System.Globalization;
using ScottPlot;

namespace CritDiff.Reporting;

/// <summary>
/// A line/marker figure with optional logarithmic axes, saved as PNG (at twice the nominal resolution) and SVG.
/// Log axes plot log10 of the data with ticks at decades (labelled with the value) and minor ticks at 2..9;
/// a log axis holding a few integer values (lattice sizes 8, 16, 32, 64) is labelled at those values instead.
/// Non-positive values on a log axis are left out. The legend goes into the corner of the data area with the
/// fewest drawn points, or right of the data area when every corner holds data; a series drawn exactly over
/// an earlier one gets a larger open marker and a dashed line so that both stay visible.
/// </summary>
public sealed class Figure
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();
    private readonly Plot _plot = new();
    private readonly bool _logX, _logY;
    private readonly List<double> _xs = [], _ys = [];
    private readonly List<(ScottPlot.Plottables.Scatter Scatter, double[] X, double[] Y)> _series = [];
    private readonly HashSet<double> _dataX = [];

    /// <summary>Width and height of the figure in points; the PNG has <see cref="PngScale"/> times as many pixels.</summary>
    public const int Width = 720, Height = 480;

    /// <summary>Pixels per point in the PNG.</summary>
    public const int PngScale = 2;

    /// <summary>Titles longer than this many characters are broken into two lines so that they are not cut off.</summary>
    public const int TitleLineLength = 64;

    /// <summary>Creates an empty figure.</summary>
    public Figure(string title, string xLabel, string yLabel, bool logX, bool logY)
    {
        _logX = logX;
        _logY = logY;
        _plot.Title(WrapTitle(title));
        _plot.XLabel(xLabel);
        _plot.YLabel(yLabel);
    }

    /// <summary>The corner of the data area that holds the legend; null (default) picks the emptiest corner.</summary>
    public Alignment? LegendCorner { get; set; }

    /// <summary>Draws the legend in a panel right of the data area instead (for many series); the image is wider.</summary>
    public bool LegendOutside { get; set; }

    /// <summary>Ticks on a linear x axis at integers only (optimizer steps).</summary>
    public bool IntegerX { get; set; }

    /// <summary>Series drawn so far.</summary>
    public int SeriesCount { get; private set; }

    /// <summary>Labels of the series drawn with open squares at the last <see cref="Save(string, string)"/> because they lay on an earlier series.</summary>
    public IReadOnlyList<string> SeparatedSeries { get; private set; } = [];

    /// <summary>Where the legend went at the last <see cref="Save(string, string)"/>: a corner, or null when it was drawn outside.</summary>
    public Alignment? LegendPlacement { get; private set; }

    /// <summary>
    /// Adds a series; <paramref name="colorIndex"/> picks a palette colour, markers/lines as asked, and
    /// <paramref name="errors"/> (standard errors of y, optional) are drawn as vertical bars.
    /// </summary>
    public void Add(IReadOnlyList<double> x, IReadOnlyList<double> y, string label, int colorIndex,
        bool markers = true, bool line = true, bool dashed = false, bool open = false, IReadOnlyList<double>? errors = null,
        MarkerShape? shape = null)
    {
        var px = new List<double>();
        var py = new List<double>();
        var up = new List<double>();
        var down = new List<double>();
        for (int i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]) || (_logX && x[i] <= 0) || (_logY && y[i] <= 0)) continue;
            px.Add(_logX ? Math.Log10(x[i]) : x[i]);
            py.Add(_logY ? Math.Log10(y[i]) : y[i]);
            double e = errors is not null && i < errors.Count && double.IsFinite(errors[i]) ? Math.Abs(errors[i]) : 0;
            up.Add(_logY ? Math.Log10(y[i] + e) - Math.Log10(y[i]) : e);
            // On a log axis an error reaching zero would go to -infinity: stop the bar at a tenth of the value.
            down.Add(_logY ? Math.Log10(y[i]) - Math.Log10(Math.Max(y[i] - e, y[i] / 10)) : e);
            if (markers) _dataX.Add(x[i]); // measured points, not the grid of a fitted curve
        }
        if (px.Count == 0) return;
        var color = Palette.GetColor(colorIndex);
        if (up.Any(e => e > 0))
        {
            var bars = new ScottPlot.Plottables.ErrorBar(px.ToArray(), py.ToArray(), null, null, up.ToArray(), down.ToArray());
            bars.Color = color;
            bars.LineWidth = 1.5f;
            _plot.Add.Plottable(bars);
        }
        var scatter = _plot.Add.Scatter(px.ToArray(), py.ToArray());
        scatter.LegendText = label;
        scatter.Color = color;
        scatter.LineWidth = line ? 2 : 0;
        scatter.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
        scatter.MarkerSize = markers ? 8 : 0;
        scatter.MarkerShape = shape ?? (open ? MarkerShape.OpenCircle : MarkerShape.FilledCircle);
        _series.Add((scatter, px.ToArray(), py.ToArray()));
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

    /// <summary>
    /// Writes <c>{name}.png</c> and <c>{name}.svg</c> into <paramref name="folder"/>, each atomically (a temporary file in
    /// the same folder, then a rename: a full disk leaves the earlier file or none, never a truncated one); returns the
    /// PNG's file name.
    /// </summary>
    public string Save(string folder, string name) => Save(folder, name, null);

    /// <summary>The writer with a hook around each file's stream (tests make it throw half-way).</summary>
    internal string Save(string folder, string name, Func<Stream, Stream>? wrap)
    {
        if (_xs.Count > 0)
        {
            if (_logX) _plot.Axes.Bottom.TickGenerator = DataTicks() ?? LogTicks(_xs.Min(), _xs.Max());
            if (_logY) _plot.Axes.Left.TickGenerator = LogTicks(_ys.Min(), _ys.Max());
            _plot.Axes.AutoScale();
        }
        if (IntegerX && !_logX) _plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        SeparateCoincidentSeries();
        LegendPlacement = LegendOutside ? null : LegendCorner ?? EmptiestCorner();
        int width = Width;
        if (LegendPlacement is { } corner) _plot.ShowLegend(corner);
        else
        {
            _plot.ShowLegend(Edge.Right);
            width += 300;
        }
        _plot.ScaleFactor = PngScale;
        WriteAtomic(Path.Combine(folder, name + ".png"), _plot.GetImageBytes(width * PngScale, Height * PngScale, ImageFormat.Png), wrap);
        _plot.ScaleFactor = 1;
        // Skia's SVG canvas has no dash effect (it prints a warning per line and draws them solid anyway):
        // draw solid lines in the SVG; markers still tell measured points from theory.
        foreach (var scatter in _plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>()) scatter.LinePattern = LinePattern.Solid;
        foreach (var line in _plot.GetPlottables().OfType<ScottPlot.Plottables.HorizontalLine>()) line.LinePattern = LinePattern.Solid;
        WriteAtomic(Path.Combine(folder, name + ".svg"), System.Text.Encoding.UTF8.GetBytes(_plot.GetSvgXml(width, Height)), wrap);
        return name + ".png";
    }

    private static void WriteAtomic(string path, byte[] bytes, Func<Stream, Stream>? wrap) =>
        Experiments.AtomicFile.Write(path, file =>
        {
            var stream = wrap?.Invoke(file) ?? file;
            stream.Write(bytes);
            stream.Flush();
        });

    /// <summary>
    /// Breaks a long title into two lines: before its last parenthesis or after its last colon that leave both
    /// lines short enough, else at the last space that does.
    /// </summary>
    internal static string WrapTitle(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        if (title.Length <= TitleLineLength) return title;
        bool Fits(int i) => i > 0 && i <= TitleLineLength && title.Length - i - 1 <= TitleLineLength;
        int best = -1;
        for (int i = 0; i < title.Length; i++)
            if (title[i] == ' ' && Fits(i) && i + 1 < title.Length && (title[i + 1] == '(' || title[i - 1] == ':')) best = i;
        if (best < 0)
            for (int i = 0; i < title.Length; i++)
                if (title[i] == ' ' && Fits(i)) best = i;
        return best < 0 ? title : title[..best] + "\n" + title[(best + 1)..];
    }

    /// <summary>
    /// The corner of the data area whose legend-sized box holds the fewest drawn points (markers, and lines
    /// sampled along each segment); null when every corner holds some, so that the legend goes outside.
    /// </summary>
    private Alignment? EmptiestCorner()
    {
        if (_xs.Count == 0) return Alignment.UpperRight;
        var limits = _plot.Axes.GetLimits();
        double spanX = limits.Right - limits.Left, spanY = limits.Top - limits.Bottom;
        if (!(spanX > 0) || !(spanY > 0)) return Alignment.UpperRight;
        int entries = _plot.GetPlottables().Count(p => p is ScottPlot.Plottables.Scatter or ScottPlot.Plottables.HorizontalLine);
        double boxWidth = 0.45, boxHeight = Math.Min(0.9, 0.06 + 0.065 * entries);
        var points = new List<(double U, double V)>();
        foreach (var (scatter, x, y) in _series)
            for (int i = 0; i < x.Length; i++)
            {
                points.Add(((x[i] - limits.Left) / spanX, (y[i] - limits.Bottom) / spanY));
                if (scatter.LineWidth <= 0 || i + 1 == x.Length) continue;
                for (int k = 1; k < 10; k++)
                    points.Add(((x[i] + (x[i + 1] - x[i]) * k / 10.0 - limits.Left) / spanX, (y[i] + (y[i + 1] - y[i]) * k / 10.0 - limits.Bottom) / spanY));
            }
        foreach (var line in _plot.GetPlottables().OfType<ScottPlot.Plottables.HorizontalLine>())
            for (int k = 0; k <= 20; k++) points.Add((k / 20.0, (line.Y - limits.Bottom) / spanY));
        var corners = new[] { Alignment.UpperLeft, Alignment.UpperRight, Alignment.LowerLeft, Alignment.LowerRight };
        var counts = corners.Select(c => points.Count(p =>
            (c is Alignment.UpperLeft or Alignment.LowerLeft ? p.U <= boxWidth : p.U >= 1 - boxWidth) &&
            (c is Alignment.UpperLeft or Alignment.UpperRight ? p.V >= 1 - boxHeight : p.V <= boxHeight))).ToArray();
        int best = Array.IndexOf(counts, counts.Min());
        return counts[best] == 0 ? corners[best] : null;
    }

    /// <summary>
    /// A series whose points all lie on points of an earlier series (within half a percent of the axis spans)
    /// would be hidden under it: draw it with a larger open square and a dashed line.
    /// </summary>
    private void SeparateCoincidentSeries()
    {
        if (_xs.Count == 0) return;
        var separated = new List<string>();
        double tolX = 0.005 * Math.Max(_xs.Max() - _xs.Min(), 1e-12), tolY = 0.005 * Math.Max(_ys.Max() - _ys.Min(), 1e-12);
        for (int b = 1; b < _series.Count; b++)
        {
            var (scatter, x, y) = _series[b];
            if (scatter.MarkerSize <= 0) continue;
            bool hidden = _series.Take(b).Any(a => a.Scatter.MarkerSize > 0 && Enumerable.Range(0, x.Length).All(i =>
                Enumerable.Range(0, a.X.Length).Any(j => Math.Abs(a.X[j] - x[i]) <= tolX && Math.Abs(a.Y[j] - y[i]) <= tolY)));
            if (!hidden) continue;
            separated.Add(scatter.LegendText);
            scatter.MarkerShape = MarkerShape.OpenSquare;
            scatter.MarkerSize = 14;
            if (scatter.LineWidth > 0) scatter.LinePattern = LinePattern.Dashed;
            scatter.LegendText += " (same values)";
        }
        SeparatedSeries = separated;
    }

    /// <summary>Ticks on a log x axis at the data's own values when these are a few integers (the lattice sizes).</summary>
    private ScottPlot.TickGenerators.NumericManual? DataTicks()
    {
        if (_dataX.Count is < 2 or > 10 || _dataX.Any(v => v != Math.Round(v))) return null;
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (double v in _dataX.Order()) ticks.AddMajor(Math.Log10(v), v.ToString("0", CultureInfo.InvariantCulture));
        int first = (int)Math.Floor(_xs.Min()) - 1, last = (int)Math.Ceiling(_xs.Max()) + 1;
        for (int e = first; e <= last; e++)
            for (int m = 1; m <= 9; m++) ticks.AddMinor(e + Math.Log10(m));
        return ticks;
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
        // Within two decades, label 2, 3 and 5 as well so that the axis can be read.
        if (high - low < 2)
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
