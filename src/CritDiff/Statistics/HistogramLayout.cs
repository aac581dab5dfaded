using System.Text.Json.Serialization;

namespace CritDiff.Statistics;

/// <summary>
/// A fixed bin layout: <see cref="Bins"/> equal bins on [Lower, Upper], the last bin closed (so that an ordered Ising
/// configuration's M = 1 lands in it when Upper = 1). Fixed so that histograms of different chains,
/// runs and couplings can be added and compared bin by bin.
/// </summary>
/// <param name="Lower">Left edge of the first bin.</param>
/// <param name="Upper">Right edge of the last bin (> Lower).</param>
/// <param name="Bins">Number of bins, 1..100000.</param>
public sealed record HistogramLayout(double Lower, double Upper, int Bins)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for an empty or non-finite range or a bad bin count.</summary>
    public void Validate()
    {
        if (!double.IsFinite(Lower) || !double.IsFinite(Upper) || !(Upper > Lower))
            throw new ArgumentOutOfRangeException(nameof(Upper), Upper, $"histogram range must be finite with upper > lower (got [{Lower}, {Upper}))");
        if (Bins is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(Bins), Bins, "histogram bins must be in 1..100000");
    }

    /// <summary>Bin width (Upper - Lower) / Bins.</summary>
    [JsonIgnore]
    public double Width => (Upper - Lower) / Bins;

    /// <summary>Centre of bin <paramref name="bin"/>.</summary>
    public double Centre(int bin) => Lower + (bin + 0.5) * Width;

    /// <summary>The bin of <paramref name="value"/>: -1 below the range, <see cref="Bins"/> above it (and for NaN).</summary>
    public int BinOf(double value)
    {
        if (value < Lower) return -1;
        if (!(value <= Upper)) return Bins;
        return Math.Min(Bins - 1, (int)((value - Lower) / Width));
    }
}
