using System.Globalization;

namespace CritDiff.Reporting;

/// <summary>Ticks of a <see cref="Figure"/>'s log axis (the axis holds log10 of the data).</summary>
internal static class FigureTicks
{
    /// <summary>
    /// Major ticks at decades (every second one when more than 8), labelled with the value, minor ticks at 2..9; within two
    /// decades 2, 3 and 5 are labelled as well.
    /// </summary>
    public static ScottPlot.TickGenerators.NumericManual Log(double low, double high)
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
