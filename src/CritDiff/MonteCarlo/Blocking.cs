using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Splits measured series into blocks for error estimates: a chain of S sweeps is cut into B = max(1, floor(S / b))
/// consecutive blocks as even as possible (block j covers sweeps [j S / B, (j + 1) S / B)), so every block is at least
/// b sweeps long when S >= b and no sweep is dropped.
/// </summary>
internal static class Blocking
{
    /// <summary>Block length b = max(1, ceil(factor tau)) sweeps.</summary>
    public static int Length(double tau, double factor) =>
        double.IsFinite(tau) ? (int)Math.Max(1, Math.Ceiling(factor * tau - 1e-9)) : 1;

    /// <summary>Blocks per chain of <paramref name="items"/> items with blocks of at least <paramref name="length"/>.</summary>
    public static int Count(int items, int length) => Math.Max(1, items / Math.Max(1, length));

    /// <summary>First item of block <paramref name="block"/> of <paramref name="blocks"/> over <paramref name="items"/>.</summary>
    public static int Start(int block, int blocks, int items) => (int)((long)block * items / blocks);

    /// <summary>Block means of the <see cref="ModelEstimates"/> columns, all chains pooled (rows chain by chain).</summary>
    public static double[,] Rows(IReadOnlyList<ModelSeries> series, int length)
    {
        int perChain = Count(series[0].Length, length);
        var rows = new double[series.Count * perChain, ModelEstimates.ColumnCount];
        for (int c = 0; c < series.Count; c++)
        {
            var s = series[c];
            var columns = new[] { s.MagnetisationNorm, s.MagnetisationSquared, s.MagnetisationFourth, s.Energy, s.FirstModePower };
            for (int j = 0; j < perChain; j++)
            {
                int start = Start(j, perChain, s.Length), end = Start(j + 1, perChain, s.Length);
                for (int q = 0; q < columns.Length; q++)
                {
                    double sum = 0;
                    for (int t = start; t < end; t++) sum += columns[q][t];
                    rows[c * perChain + j, q] = sum / (end - start);
                }
            }
        }
        return rows;
    }
}
