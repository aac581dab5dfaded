using System.Globalization;
using CritDiff.Statistics;

namespace CritDiff.Generation;

/// <summary>
/// Hutchinson's trace estimator: tr J ~ (1/P) sum_p z_p^T J z_p with P Rademacher probes z_p (entries +-1 with equal
/// probability, from each sample's own stream), one Jacobian-vector product each, batched over the samples. Unbiased,
/// with variance 2 sum_{i != j} J_ij^2 / P for symmetrised J; the reported variance is the sample variance of the P
/// probe values over P. Cost: P Jacobian-vector products per trace, whatever V.
/// </summary>
/// <param name="Probes">Probes P per trace evaluation, 2..<see cref="MaxProbes"/>.</param>
public sealed record HutchinsonTrace(int Probes) : TraceEstimator
{
    /// <summary>Probes when none are given.</summary>
    public const int DefaultProbes = 4;

    /// <summary>Most probes per evaluation.</summary>
    public const int MaxProbes = 1024;

    /// <summary>Validated probe count.</summary>
    public int Probes { get; } = Probes is >= 2 and <= MaxProbes ? Probes
        : throw new ArgumentOutOfRangeException(nameof(Probes), Probes, $"Hutchinson needs 2..{MaxProbes} probes (2 for a standard error)");

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"hutchinson:{Probes}");

    /// <inheritdoc />
    public override bool HasError => true;

    internal override void Check(TimeScore score)
    {
        if (!score.HasJacobianVectorProduct)
            throw new NotSupportedException($"--log-density {Name} needs Jacobian-vector products, which this score ({score.GetType().Name}) does not offer: use --log-density exact");
    }

    internal override void Estimate(TimeScore score, double t, ReadOnlySpan<double> x, int count, Span<double> trace, Span<double> variance,
        RandomStream[] streams, double[] tangent, double[] product)
    {
        Check(score);
        int width = score.ConfigurationLength, length = count * width;
        var z = tangent.AsSpan(0, length);
        var jz = product.AsSpan(0, length);
        trace.Clear();
        variance.Clear(); // Welford: running mean in trace, sum of squared deviations here
        for (int p = 1; p <= Probes; p++)
        {
            for (int i = 0; i < count; i++) Rademacher(ref streams[i], z.Slice(i * width, width));
            score.JacobianVectorProduct(t, x, z, count, jz);
            for (int i = 0; i < count; i++)
            {
                double value = 0;
                var zi = z.Slice(i * width, width);
                var ji = jz.Slice(i * width, width);
                for (int j = 0; j < width; j++) value += zi[j] * ji[j];
                double delta = value - trace[i];
                trace[i] += delta / p;
                variance[i] += delta * (value - trace[i]);
            }
        }
        for (int i = 0; i < count; i++) variance[i] /= (double)Probes * (Probes - 1);
    }

    /// <summary>Entries +-1, one random bit each.</summary>
    private static void Rademacher(ref RandomStream stream, Span<double> z)
    {
        ulong bits = 0;
        for (int j = 0; j < z.Length; j++)
        {
            if ((j & 63) == 0) bits = stream.NextUInt64();
            z[j] = (bits & 1) == 0 ? 1 : -1;
            bits >>= 1;
        }
    }
}
