namespace CritDiff.Experiments;

/// <summary>
/// A stage's typical seconds on 2 cores in a --quick, a full and a --large run: only their shares matter, the ETA
/// rescales them by the run's own speed.
/// </summary>
public sealed record StageWeights(double Quick, double Full, double Large)
{
    /// <summary>The weight of a run with these options (--quick wins over --large, as in the plan).</summary>
    public double For(bool quick, bool large) => quick ? Quick : large ? Large : Full;
}
