using System.Diagnostics;
using System.Globalization;
using CritDiff.Experiments;

namespace CritDiff.Cli;

/// <summary>
/// The overall progress of <c>critdiff reproduce</c> on stderr: one line as each stage starts,
/// "reproduce [k/N] stage (elapsed E, ETA ~R)", where R extrapolates the elapsed time by the stages' typical shares of a
/// whole run (the stages' <see cref="StageWeights"/> of <see cref="ReproducePlan.Stages"/>). A line, not a live bar: the sweeps inside a stage show their own live
/// <see cref="JobProgress"/> display on a terminal, and Spectre.Console does not support a progress display together with
/// other progress displays (its Progress documentation), so a bar across stages cannot hold the per-sweep bars.
/// </summary>
internal sealed class ReproduceProgress
{
    private readonly Output _o;
    private readonly double[] _weights;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _started;

    /// <summary>Starts the clock of a run of stages with these typical seconds per stage (<see cref="StageWeights"/>), in stage order.</summary>
    public ReproduceProgress(Output o, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0 || weights.Any(w => !(w > 0) || !double.IsFinite(w)))
            throw new ArgumentException("every stage needs a positive, finite weight", nameof(weights));
        _o = o;
        _weights = [.. weights];
    }

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Prints the line of the next stage.</summary>
    public void Stage(string name)
    {
        if (_started == _weights.Length)
            throw new InvalidOperationException($"stage '{name}' is beyond the {_weights.Length} stages weighted: give every stage its weight");
        double elapsed = _clock.Elapsed.TotalSeconds;
        _o.Note(Line(++_started, _weights.Length, name, elapsed, Eta(_weights, _started - 1, elapsed)));
    }

    /// <summary>
    /// Seconds left when stages 0..<paramref name="completed"/>-1 of <paramref name="weights"/> (typical seconds per stage)
    /// have taken <paramref name="elapsedSeconds"/>: the typical seconds of the remaining stages, scaled by this run's
    /// speed, elapsed / (typical seconds of the completed stages). Before any measurable progress (no stage completed,
    /// or no time elapsed) the typical seconds themselves.
    /// </summary>
    public static double Eta(IReadOnlyList<double> weights, int completed, double elapsedSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(completed);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(completed, weights.Count);
        double done = 0, left = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            if (i < completed) done += weights[i];
            else left += weights[i];
        }
        double speed = done > 0 && elapsedSeconds > 0 ? elapsedSeconds / done : 1;
        return left * speed;
    }

    /// <summary>"reproduce [k/N] name (elapsed E, ETA ~R)".</summary>
    public static string Line(int stage, int stages, string name, double elapsedSeconds, double etaSeconds) =>
        string.Create(CultureInfo.InvariantCulture,
            $"reproduce [{stage}/{stages}] {name} (elapsed {JobProgress.Time(elapsedSeconds)}, ETA ~{JobProgress.Time(etaSeconds)})");
}
