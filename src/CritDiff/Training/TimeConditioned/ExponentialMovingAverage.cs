using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>
/// The exponential moving average of network weights that diffusion models sample with (score_sde's <c>ema_rate</c>): after
/// optimizer step k, theta_ema(k) = d theta_ema(k - 1) + (1 - d) theta(k) from theta_ema(0) = theta(0), i.e.
/// theta_ema(k) = d^k theta(0) + (1 - d) sum_{j=1..k} d^(k - j) theta(j). No bias correction (as score_sde): the start
/// weighs d^k, negligible once k &gt;&gt; 1 / (1 - d).
/// </summary>
public static class ExponentialMovingAverage
{
    /// <summary>One update of <paramref name="average"/> towards <paramref name="current"/> with decay <paramref name="decay"/> in [0, 1).</summary>
    public static void Update(NetworkParameters average, NetworkParameters current, double decay)
    {
        ArgumentNullException.ThrowIfNull(average);
        ArgumentNullException.ThrowIfNull(current);
        if (!(decay >= 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "decay must be in [0, 1)");
        if (average.Layers.Length != current.Layers.Length)
            throw new ArgumentException("the average and the weights have different layouts", nameof(current));
        double keep = 1 - decay;
        for (int j = 0; j < average.Layers.Length; j++)
        {
            var a = average.Layers[j];
            var p = current.Layers[j];
            if (a.Length != p.Length) throw new ArgumentException("the average and the weights have different layouts", nameof(current));
            for (int i = 0; i < a.Length; i++) a[i] = decay * a[i] + keep * p[i];
        }
    }
}
