using System.Globalization;
using ScottPlot;

namespace CritDiff.Reporting;

/// <summary>
/// A line/marker figure with optional logarithmic axes, saved as PNG (at twice the nominal resolution) and SVG.
/// Log axes plot log10 of the data with ticks at decades (labelled with the value) and minor ticks at 2..9;
/// a log axis holding a few integer values (lattice sizes 8, 16, 32, 64) is labelled at those values instead.
/// Non-positive values on a log axis are left out, and so are values below <see cref="YMin"/>. The legend goes into
/// the corner of the data area with the fewest drawn points, or below the data area (one entry a line, the image
/// taller, never wider, so that every figure of a report shows its text at the same size) when every corner holds
/// data; a series drawn exactly over an earlier one gets a larger open marker and a dashed line so that both stay
/// visible. Colours: Category10 for the first 10 series, then <see cref="ExtraColors"/>, so that up to
/// <see cref="DistinctColors"/> series get distinct colours.
/// </summary>
public sealed class Figure
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>Colours after Category10's ten, none of them close to one of those: black, navy, maroon, magenta, teal, amber.</summary>
    private static readonly Color[] ExtraColors =
        [Colors.Black, Color.FromHex("#000075"), Color.FromHex("#800000"), Color.FromHex("#f032e6"), Color.FromHex("#469990"), Color.FromHex("#c88a00")];

    /// <summary>Series that get distinct colours (colour indices 0 to this - 1).</summary>
    public static readonly int DistinctColors = 10 + ExtraColors.Length;

    /// <summary>Legend text of the marker that shows a lower bound (<see cref="AddLowerBounds"/>).</summary>
    public const string LowerBoundLabel = "not converged: steps run (lower bound)";

    /// <summary>Height in points of one legend entry when the legend is drawn below the data area.</summary>
    private const int LegendLineHeight = 20;
    private readonly Plot _plot = new();
    private readonly bool _logX, _logY;
    private readonly List<double> _xs = [], _ys = [];
    private readonly List<(ScottPlot.Plottables.Scatter Scatter, double[] X, double[] Y)> _series = [];
    private readonly HashSet<double> _dataX = [];
    private readonly HashSet<ScottPlot.Plottables.Scatter> _lowerBounds = [];
    private readonly List<DrawnSeries> _drawn = [];

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

    /// <summary>Draws the legend in a panel below the data area instead (for many series); the image is taller, never wider.</summary>
    public bool LegendOutside { get; set; }

    /// <summary>Ticks on a linear x axis at integers only (optimizer steps).</summary>
    public bool IntegerX { get; set; }

    /// <summary>Series drawn so far.</summary>
    public int SeriesCount { get; private set; }

    /// <summary>
    /// Lower limit of the y axis: values below it (e.g. rounding-level excess losses) are left out. Set before adding series.
    /// </summary>
    public double? YMin { get; init; }

    /// <summary>What was drawn, series by series (for tests): legend text, colour, marker shape (null: no markers), lower bound.</summary>
    internal sealed record DrawnSeries(string Label, Color Color, MarkerShape? Marker, bool LowerBound, double[] X, double[] Y);

    /// <inheritdoc cref="DrawnSeries"/>
    internal IReadOnlyList<DrawnSeries> Drawn => _drawn;

    /// <summary>Size of the last saved image in points (the PNG has <see cref="PngScale"/> times as many pixels).</summary>
    public (int Width, int Height) SavedSize { get; private set; }

    /// <summary>The y range of the data area at the last <see cref="Save(string, string)"/>, in data units (10^ of the axis on a log axis).</summary>
    internal (double Bottom, double Top) SavedYRange { get; private set; }

    /// <summary>The colour of palette index <paramref name="index"/>: distinct for indices below <see cref="DistinctColors"/>.</summary>
    internal static Color ColorOf(int index)
    {
        int i = ((index % DistinctColors) + DistinctColors) % DistinctColors;
        return i < 10 ? Palette.GetColor(i) : ExtraColors[i - 10];
    }

    /// <summary>Labels of the series drawn with open squares at the last <see cref="Save(string, string)"/> because they lay on an earlier series.</summary>
    public IReadOnlyList<string> SeparatedSeries { get; private set; } = [];

    /// <summary>Where the legend went at the last <see cref="Save(string, string)"/>: a corner, or null when it was drawn outside.</summary>
    public Alignment? LegendPlacement { get; private set; }

    /// <summary>
    /// Adds a series (an empty <paramref name="label"/>: no legend entry, e.g. a further piece of a broken line); <paramref name="colorIndex"/> picks a palette colour, markers/lines as asked, and
    /// <paramref name="errors"/> (standard errors of y, optional) are drawn as vertical bars; <paramref name="lineWidth"/> in points.
    /// </summary>
    public void Add(IReadOnlyList<double> x, IReadOnlyList<double> y, string label, int colorIndex,
        bool markers = true, bool line = true, bool dashed = false, bool open = false, IReadOnlyList<double>? errors = null,
        MarkerShape? shape = null, float lineWidth = 2)
    {
        var px = new List<double>();
        var py = new List<double>();
        var up = new List<double>();
        var down = new List<double>();
        for (int i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            if (!Drawable(x[i], y[i])) continue;
            px.Add(_logX ? Math.Log10(x[i]) : x[i]);
            py.Add(_logY ? Math.Log10(y[i]) : y[i]);
            double e = errors is not null && i < errors.Count && double.IsFinite(errors[i]) ? Math.Abs(errors[i]) : 0;
            up.Add(_logY ? Math.Log10(y[i] + e) - Math.Log10(y[i]) : e);
            // On a log axis an error reaching zero would go to -infinity: stop the bar at a tenth of the value.
            down.Add(_logY ? Math.Log10(y[i]) - Math.Log10(Math.Max(y[i] - e, y[i] / 10)) : e);
            if (markers) _dataX.Add(x[i]); // measured points, not the grid of a fitted curve
        }
        if (px.Count == 0) return;
        var color = ColorOf(colorIndex);
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
        scatter.LineWidth = line ? lineWidth : 0;
        scatter.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
        scatter.MarkerSize = markers ? 8 : 0;
        scatter.MarkerShape = shape ?? (open ? MarkerShape.OpenCircle : MarkerShape.FilledCircle);
        _series.Add((scatter, px.ToArray(), py.ToArray()));
        _drawn.Add(new DrawnSeries(label, color, markers ? scatter.MarkerShape : null, false, px.ToArray(), py.ToArray()));
        _xs.AddRange(px);
        _ys.AddRange(py);
        SeriesCount++;
    }

    /// <summary>
    /// Draws points that are lower bounds of the true value (a run stopped before its criterion was met) as open upward
    /// triangles in the colour of <paramref name="colorIndex"/>, without a line; the legend gets one entry
    /// (<see cref="LowerBoundLabel"/>) for all of them.
    /// </summary>
    public void AddLowerBounds(IReadOnlyList<double> x, IReadOnlyList<double> y, int colorIndex)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var points = Enumerable.Range(0, Math.Min(x.Count, y.Count)).Where(i => Drawable(x[i], y[i]))
            .Select(i => (X: _logX ? Math.Log10(x[i]) : x[i], Y: _logY ? Math.Log10(y[i]) : y[i])).ToArray();
        if (points.Length == 0) return;
        var scatter = _plot.Add.ScatterPoints(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
        scatter.Color = ColorOf(colorIndex);
        scatter.MarkerShape = MarkerShape.OpenTriangleUp;
        scatter.MarkerSize = 12;
        scatter.MarkerLineWidth = 2;
        if (_lowerBounds.Count == 0)
            _plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = LowerBoundLabel, MarkerShape = MarkerShape.OpenTriangleUp, MarkerSize = 12, MarkerColor = Colors.Black, LineWidth = 0,
            });
        _lowerBounds.Add(scatter);
        _series.Add((scatter, points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray()));
        _drawn.Add(new DrawnSeries(LowerBoundLabel, scatter.Color, MarkerShape.OpenTriangleUp, true, points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray()));
        foreach (var (px, py) in points)
        {
            _xs.Add(px);
            _ys.Add(py);
        }
        for (int i = 0; i < Math.Min(x.Count, y.Count); i++)
            if (Drawable(x[i], y[i])) _dataX.Add(x[i]);
    }

    private bool Drawable(double x, double y) =>
        double.IsFinite(x) && double.IsFinite(y) && !(_logX && x <= 0) && !(_logY && y <= 0) && !(YMin is { } min && y < min);

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
            if (_logX) _plot.Axes.Bottom.TickGenerator = DataTicks() ?? FigureTicks.Log(_xs.Min(), _xs.Max());
            if (_logY) _plot.Axes.Left.TickGenerator = FigureTicks.Log(_ys.Min(), _ys.Max());
            _plot.Axes.AutoScale();
        }
        if (IntegerX && !_logX) _plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        SeparateCoincidentSeries();
        LegendPlacement = LegendOutside ? null : LegendCorner ?? EmptiestCorner();
        int width = Width, height = Height;
        if (LegendPlacement is { } corner) _plot.ShowLegend(corner);
        else
        {
            // Below the data area, one entry a line (ScottPlot measures a wrapped horizontal legend panel too short).
            _plot.ShowLegend(Edge.Bottom);
            _plot.Legend.Orientation = Orientation.Vertical;
            height += LegendLineHeight * (LegendEntries() + 1);
        }
        SavedSize = (width, height);
        var y = _plot.Axes.GetLimits();
        SavedYRange = _logY ? (Math.Pow(10, y.Bottom), Math.Pow(10, y.Top)) : (y.Bottom, y.Top);
        _plot.ScaleFactor = PngScale;
        WriteAtomic(Path.Combine(folder, name + ".png"), _plot.GetImageBytes(width * PngScale, height * PngScale, ImageFormat.Png), wrap);
        _plot.ScaleFactor = 1;
        // Skia's SVG canvas has no dash effect (it prints a warning per line and draws them solid anyway):
        // draw solid lines in the SVG; markers still tell measured points from theory.
        foreach (var scatter in _plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>()) scatter.LinePattern = LinePattern.Solid;
        foreach (var line in _plot.GetPlottables().OfType<ScottPlot.Plottables.HorizontalLine>()) line.LinePattern = LinePattern.Solid;
        WriteAtomic(Path.Combine(folder, name + ".svg"), System.Text.Encoding.UTF8.GetBytes(_plot.GetSvgXml(width, height)), wrap);
        return name + ".png";
    }

    private static void WriteAtomic(string path, byte[] bytes, Func<Stream, Stream>? wrap) =>
        Persistence.AtomicFile.Write(path, file =>
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
        int entries = LegendEntries();
        // The legend box: about 6.5 points a character of the longest entry plus the symbol and padding, over a data
        // area about 640 points wide; at least 0.45 of it.
        int longest = _plot.GetPlottables().OfType<IHasLegendText>().Select(p => p.LegendText?.Length ?? 0)
            .Concat(_plot.Legend.ManualItems.Select(i => i.LabelText?.Length ?? 0)).DefaultIfEmpty(0).Max();
        double boxWidth = Math.Clamp((6.5 * longest + 50) / 640, 0.45, 1), boxHeight = Math.Min(0.9, 0.06 + 0.065 * entries);
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

    /// <summary>Entries of the legend: labelled series and reference lines, and the lower-bound marker.</summary>
    private int LegendEntries() =>
        _plot.GetPlottables().Count(p => p is ScottPlot.Plottables.Scatter { LegendText.Length: > 0 } or ScottPlot.Plottables.HorizontalLine { LegendText.Length: > 0 })
        + _plot.Legend.ManualItems.Count;

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
            if (scatter.MarkerSize <= 0 || _lowerBounds.Contains(scatter) || string.IsNullOrEmpty(scatter.LegendText)) continue;
            var under = _series.Take(b).FirstOrDefault(a => a.Scatter.MarkerSize > 0 && !_lowerBounds.Contains(a.Scatter) && Enumerable.Range(0, x.Length).All(i =>
                Enumerable.Range(0, a.X.Length).Any(j => Math.Abs(a.X[j] - x[i]) <= tolX && Math.Abs(a.Y[j] - y[i]) <= tolY)));
            if (under.Scatter is null) continue;
            separated.Add(scatter.LegendText);
            scatter.MarkerShape = MarkerShape.OpenSquare;
            scatter.MarkerSize = 14;
            if (scatter.LineWidth > 0) scatter.LinePattern = LinePattern.Dashed;
            scatter.LegendText = SameValuesLabel(scatter.LegendText, under.Scatter.LegendText);
        }
        SeparatedSeries = separated;
    }

    /// <summary>
    /// The legend text of a series drawn over <paramref name="under"/> with the same values, in one parenthesis:
    /// "one-layer (theory)" over "one-layer (measured)" gives "one-layer (theory = measured)"; "O(3), two-layer" over
    /// anything gives "O(3), two-layer (same values)"; "a (theory)" over "b" gives "a (theory, same values)".
    /// </summary>
    internal static string SameValuesLabel(string label, string under)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(under);
        static (string Stem, string? Note) Split(string text)
        {
            int open = text.LastIndexOf(" (", StringComparison.Ordinal);
            return text.EndsWith(')') && open > 0 && text.IndexOf(')', open) == text.Length - 1 ? (text[..open], text[(open + 2)..^1]) : (text, null);
        }
        var (stem, note) = Split(label);
        var (underStem, underNote) = Split(under);
        if (note is null) return label + " (same values)";
        return stem == underStem && underNote is not null ? $"{stem} ({note} = {underNote})" : $"{stem} ({note}, same values)";
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
}
