using System.Numerics;
using CritDiff.Diffusion;
using CritDiff.Fields;

namespace CritDiff.Generation;

/// <summary>
/// A linear, translation-invariant score as a function of time: s(y, t) has Fourier multiplier
/// m(k, t). Either the exact score -1/S(k, t) at any t, or trained slices at times t_j used piecewise
/// (the slice nearest to the requested time) or linearly interpolated in t (clamped outside the grid).
/// </summary>
public abstract class ScoreSchedule : IFourierMultiplier
{
    /// <summary>Number of modes V.</summary>
    public abstract int ModeCount { get; }

    /// <summary>Writes m(k, t) for every mode.</summary>
    public abstract void Multiplier(double t, Span<Complex> multiplier);

    /// <summary>The exact score of <paramref name="field"/> under <paramref name="process"/>, continuous in t.</summary>
    public static ScoreSchedule Exact(GaussianField field, ForwardProcess process) => new ExactScoreSchedule(field, process);

    /// <summary>Slices at increasing <paramref name="times"/> with multipliers per slice.</summary>
    public static ScoreSchedule Sliced(IReadOnlyList<double> times, IReadOnlyList<Complex[]> multipliers, bool interpolate) =>
        new SlicedScoreSchedule(times, multipliers, interpolate);

    /// <summary>The exact score sampled on a grid of slices (a perfectly trained network).</summary>
    public static ScoreSchedule ExactOnGrid(GaussianField field, ForwardProcess process, TimeGrid grid, bool interpolate)
    {
        var spectrum = field.SpectrumTable();
        var multipliers = grid.Times.Select(t =>
            spectrum.Select(c => new Complex(process.ExactScoreMultiplier(c, t), 0)).ToArray()).ToArray();
        return new SlicedScoreSchedule(grid.Times, multipliers, interpolate);
    }
}

internal sealed class ExactScoreSchedule(GaussianField field, ForwardProcess process) : ScoreSchedule
{
    private readonly double[] _spectrum = field.SpectrumTable();

    public override int ModeCount => _spectrum.Length;

    public override void Multiplier(double t, Span<Complex> multiplier)
    {
        for (int k = 0; k < _spectrum.Length; k++) multiplier[k] = process.ExactScoreMultiplier(_spectrum[k], t);
    }
}

internal sealed class SlicedScoreSchedule : ScoreSchedule
{
    private readonly double[] _times;
    private readonly Complex[][] _multipliers;
    private readonly bool _interpolate;

    public SlicedScoreSchedule(IReadOnlyList<double> times, IReadOnlyList<Complex[]> multipliers, bool interpolate)
    {
        if (times.Count == 0 || times.Count != multipliers.Count)
            throw new ArgumentException("need one multiplier table per slice time", nameof(multipliers));
        for (int j = 1; j < times.Count; j++)
            if (!(times[j] > times[j - 1])) throw new ArgumentException("slice times must increase", nameof(times));
        _times = times.ToArray();
        _multipliers = multipliers.ToArray();
        _interpolate = interpolate;
    }

    public override int ModeCount => _multipliers[0].Length;

    public override void Multiplier(double t, Span<Complex> multiplier)
    {
        int upper = Array.BinarySearch(_times, t);
        if (upper >= 0)
        {
            _multipliers[upper].CopyTo(multiplier);
            return;
        }
        upper = ~upper; // first slice with time > t
        if (upper == 0 || upper == _times.Length)
        {
            _multipliers[upper == 0 ? 0 : _times.Length - 1].CopyTo(multiplier);
            return;
        }
        int lower = upper - 1;
        if (!_interpolate)
        {
            int nearest = t - _times[lower] <= _times[upper] - t ? lower : upper;
            _multipliers[nearest].CopyTo(multiplier);
            return;
        }
        double w = (t - _times[lower]) / (_times[upper] - _times[lower]);
        var a = _multipliers[lower];
        var b = _multipliers[upper];
        for (int k = 0; k < multiplier.Length; k++) multiplier[k] = (1 - w) * a[k] + w * b[k];
    }
}
