using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>
/// The exponential moving average of network weights that diffusion models sample with (score_sde's <c>ema_rate</c> and its
/// <c>ExponentialMovingAverage(use_num_updates=True)</c>): after optimizer step k, theta_ema(k) = d_k theta_ema(k - 1) +
/// (1 - d_k) theta(k) from theta_ema(0) = theta(0), with the warm-up d_k = min(d, (1 + k) / (10 + k)) (<see cref="Decay"/>),
/// so theta_ema(K) = prod_{k=1..K} d_k theta(0) + sum_{j=1..K} (1 - d_j) prod_{k=j+1..K} d_k theta(j). Without the warm-up a
/// run of K steps would keep d^K of its random start (37% at K = 1 / (1 - d)); with it the start's weight falls like 10 / K
/// at first, and the average tracks the last ~1 / (1 - d) steps once (1 + k) / (10 + k) &gt; d.
/// </summary>
public static class ExponentialMovingAverage
{
    /// <summary>The decay d_k = min(d, (1 + k) / (10 + k)) of update <paramref name="update"/> (k = 1, 2, ...) for the target decay <paramref name="decay"/>.</summary>
    public static double Decay(double decay, long update)
    {
        if (update < 1) throw new ArgumentOutOfRangeException(nameof(update), update, "updates are numbered from 1");
        return Math.Min(decay, (1.0 + update) / (10.0 + update));
    }

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
