using System.Numerics;
using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Accumulates one chain's spectrum measurements into at most <see cref="MaxBins"/> consecutive bins (sums and
/// counts), so that memory stays O(MaxBins V) however long the run, and errors can later be taken over blocks of bins
/// at least as long as the scalar blocks (<see cref="Blocks"/>).
/// </summary>
internal sealed class SpectrumAccumulator
{
    /// <summary>Most bins kept per chain.</summary>
    public const int MaxBins = 64;

    private readonly ModelObservables _observables;
    private readonly int _measurements;
    private readonly double[] _sums;
    private readonly int[] _counts;
    private readonly double[] _spectrum;
    private readonly Complex[] _scratch;
    private int _done;

    /// <summary>An accumulator for <paramref name="measurements"/> spectra (>= 1).</summary>
    public SpectrumAccumulator(ModelObservables observables, int measurements)
    {
        _observables = observables;
        _measurements = measurements;
        BinCount = Math.Min(MaxBins, measurements);
        int v = observables.Lattice.SiteCount;
        _sums = new double[BinCount * v];
        _counts = new int[BinCount];
        _spectrum = new double[v];
        _scratch = new Complex[v];
    }

    /// <summary>Modes V per spectrum.</summary>
    public int ModeCount => _spectrum.Length;

    /// <summary>Bins in use.</summary>
    public int BinCount { get; }

    /// <summary>Measures the spectrum of <paramref name="configuration"/> and adds it to the current bin.</summary>
    public void Add(ReadOnlySpan<double> configuration)
    {
        if (_done >= _measurements) throw new InvalidOperationException("more spectrum measurements than planned");
        _observables.Spectrum(configuration, _spectrum, _scratch);
        int v = _spectrum.Length;
        int bin = (int)((long)_done * BinCount / _measurements);
        var sum = _sums.AsSpan(bin * v, v);
        for (int k = 0; k < v; k++) sum[k] += _spectrum[k];
        _counts[bin]++;
        _done++;
    }

    /// <summary>
    /// Block means: the bins grouped into max(1, floor(bins / g)) blocks as even as possible, g = bins per block,
    /// appended to <paramref name="blocks"/>; the totals (sum per mode, count) are added to <paramref name="total"/>.
    /// </summary>
    public void Blocks(int binsPerBlock, List<double[]> blocks, double[] total, ref long count)
    {
        int v = _spectrum.Length;
        int blockCount = Blocking.Count(BinCount, binsPerBlock);
        for (int j = 0; j < blockCount; j++)
        {
            int start = Blocking.Start(j, blockCount, BinCount), end = Blocking.Start(j + 1, blockCount, BinCount);
            var block = new double[v];
            long n = 0;
            for (int b = start; b < end; b++)
            {
                var sum = _sums.AsSpan(b * v, v);
                for (int k = 0; k < v; k++) block[k] += sum[k];
                n += _counts[b];
            }
            for (int k = 0; k < v; k++)
            {
                total[k] += block[k];
                block[k] /= n;
            }
            count += n;
            blocks.Add(block);
        }
    }
}
