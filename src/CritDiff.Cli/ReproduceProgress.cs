using System.Diagnostics;
using System.Globalization;

namespace CritDiff.Cli;

/// <summary>
/// The overall progress of <c>critdiff reproduce</c> on stderr: one line as each stage starts,
/// "reproduce [k/N] stage (elapsed E, ETA ~R)", where R extrapolates the elapsed time by the stages' typical shares of a
/// whole run (<see cref="Weights"/>). A line, not a live bar: the sweeps inside a stage show their own live
/// <see cref="JobProgress"/> display on a terminal, and Spectre.Console does not support a progress display together with
/// other progress displays (its Progress documentation), so a bar across stages cannot hold the per-sweep bars.
/// </summary>
internal sealed class ReproduceProgress
{
    private readonly Output _o;
    private readonly double[] _weights;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _started;

    /// <summary>Starts the clock of a run of <paramref name="stages"/> stages with the given typical seconds per stage.</summary>
    public ReproduceProgress(Output o, int stages, double[] weights)
    {
        if (weights.Length != stages)
            throw new InvalidOperationException($"reproduce runs {stages} stages but has {weights.Length} stage weights: update ReproduceProgress");
        _o = o;
        _weights = weights;
    }

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    // Typical seconds per stage on 2 cores, in stage order: exact sampler, the four sweeps (d2-population, d3-population,
    // d2-sgd-one-layer, d2-sgd-two-layer), stability scans, local architectures, local SGD, Monte Carlo baseline,
    // beyond-Gaussian, nonlinear (with the report, written after it). Measured from the stage lines of one run each
    // (--quick for issue 13, niced while another job shared the two cores; the full and --large runs again for issue 14
    // after the multiplier-space one-layer steps and the faster normals, on a quiet machine): only the shares matter,
    // the ETA rescales them by this run's own speed.

    /// <summary>--quick: 32 s in all.</summary>
    public static readonly double[] QuickSeconds = [0.3, 5.7, 2.0, 0.4, 1.0, 5.1, 4.7, 3.1, 0.2, 0.8, 8.8];

    /// <summary>A full run: 76 s in all.</summary>
    public static readonly double[] FullSeconds = [0.6, 4.0, 5.0, 1.0, 2.0, 13.0, 7.0, 12.0, 0.8, 12.0, 18.6];

    /// <summary>--large: 288 s in all.</summary>
    public static readonly double[] LargeSeconds = [0.5, 5.0, 4.0, 1.0, 3.0, 113.0, 25.0, 52.0, 0.5, 13.0, 70.6];

    /// <summary>The stage weights (typical seconds on 2 cores) of a run with these options.</summary>
    public static double[] Weights(bool quick, bool large) => quick ? QuickSeconds : large ? LargeSeconds : FullSeconds;

    /// <summary>Prints the line of the next stage.</summary>
    public void Stage(string name)
    {
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
