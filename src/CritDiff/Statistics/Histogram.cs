namespace CritDiff.Statistics;

/// <summary>Counts in a <see cref="HistogramLayout"/>, with the values that fell outside it.</summary>
/// <param name="Layout">The bins.</param>
/// <param name="Counts">Count per bin.</param>
/// <param name="Underflow">Values below <see cref="HistogramLayout.Lower"/>.</param>
/// <param name="Overflow">Values above <see cref="HistogramLayout.Upper"/> (and NaN).</param>
public sealed record Histogram(HistogramLayout Layout, long[] Counts, long Underflow, long Overflow)
{
    /// <summary>All values counted, inside and outside the range.</summary>
    public long Total => Counts.Sum() + Underflow + Overflow;

    /// <summary>Counts of <paramref name="values"/> in <paramref name="layout"/>.</summary>
    public static Histogram Of(HistogramLayout layout, IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(values);
        layout.Validate();
        var counts = new long[layout.Bins];
        long under = 0, over = 0;
        foreach (double x in values)
        {
            int bin = layout.BinOf(x);
            if (bin < 0) under++;
            else if (bin >= layout.Bins) over++;
            else counts[bin]++;
        }
        return new Histogram(layout, counts, under, over);
    }

    /// <summary>Probability density per bin, count / (Total width), so that it integrates to the fraction inside the range.</summary>
    public double[] Density()
    {
        long total = Total;
        return Counts.Select(c => total == 0 ? 0 : c / (total * Layout.Width)).ToArray();
    }
}
