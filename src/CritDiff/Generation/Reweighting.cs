using System.Numerics;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Generation;

/// <summary>Observables of generated samples corrected towards the target.</summary>
/// <param name="EffectiveSampleFraction">Measured ESS/N = (sum w)^2 / (N sum w^2).</param>
/// <param name="Reweighted">Self-normalised importance-sampling estimates (delta-method errors).</param>
/// <param name="MetropolisAcceptance">Acceptance rate of the independence Metropolis chain.</param>
/// <param name="Metropolis">Observables along that chain (autocorrelation-corrected errors).</param>
public sealed record ReweightingResult(double EffectiveSampleFraction, FieldMeasurement Reweighted,
    double MetropolisAcceptance, FieldMeasurement Metropolis);

/// <summary>
/// Exact reweighting of samples from a Gaussian law with known diagonal spectrum v(k) towards the target
/// spectrum C(k): log w = log p_target - log p_generated = sum over real degrees of freedom of
/// [x^2/(2 v') - x^2/(2 c') - ln sqrt(c'/v')] (pair modes: each of Re, Im has variance half of the
/// mode's), computed from each sample's unitary DFT. Also an independence Metropolis chain through the
/// samples in order (accept y' with min(1, w(y')/w(y))), which leaves the target invariant.
/// </summary>
public static class Reweighting
{
    /// <summary>Log importance weight of every sample (count x V configurations).</summary>
    public static double[] LogWeights(Lattice lattice, ReadOnlySpan<double> samples, int count,
        ReadOnlySpan<double> generatedVariance, ReadOnlySpan<double> targetSpectrum)
    {
        int v = lattice.SiteCount;
        var spectra = new FourierTransform(lattice).ForwardRealBatch(samples, count);
        var pairs = new HermitianPairs(lattice);
        var logWeights = new double[count];
        var q = generatedVariance.ToArray();
        var p = targetSpectrum.ToArray();
        for (int s = 0; s < count; s++)
        {
            double log = 0;
            long offset = (long)s * v;
            pairs.ForEachIndependent((k, dof) =>
            {
                var y = spectra[offset + k];
                double power = y.Real * y.Real + y.Imaginary * y.Imaginary;
                // dof real parts, each with variance q/dof (generated) and p/dof (target).
                log += dof * (power / (2 * q[k]) - power / (2 * p[k])) - 0.5 * dof * Math.Log(p[k] / q[k]);
            });
            logWeights[s] = log;
        }
        return logWeights;
    }

    /// <summary>ESS/N, reweighted observables and the independence Metropolis chain.</summary>
    public static ReweightingResult Apply(Lattice lattice, ReadOnlySpan<double> samples, int count,
        ReadOnlySpan<double> generatedVariance, ReadOnlySpan<double> targetSpectrum, ulong seed)
    {
        if (count < 4) throw new ArgumentOutOfRangeException(nameof(count), count, "reweighting needs at least 4 samples");
        var logWeights = LogWeights(lattice, samples, count, generatedVariance, targetSpectrum);
        double max = logWeights.Max();
        var weights = logWeights.Select(l => Math.Exp(l - max)).ToArray();
        double sum = weights.Sum(), sumSquares = weights.Sum(w => w * w);
        var perSample = FieldMeasurement.PerSample(lattice, samples, count);

        var reweighted = new FieldMeasurement(
            Weighted(perSample, FieldMeasurement.SusceptibilityColumn, weights),
            WeightedSecondMoment(lattice, perSample, weights),
            Weighted(perSample, FieldMeasurement.EnergyColumn, weights),
            Weighted(perSample, FieldMeasurement.LocalVarianceColumn, weights), count);

        var rng = new RandomStream(seed, 0x4D48UL);
        var chain = new double[count, 4];
        int current = 0, accepted = 0;
        for (int i = 0; i < count; i++)
        {
            if (i > 0 && Math.Log(rng.NextDouble()) < logWeights[i] - logWeights[current])
            {
                current = i;
                accepted++;
            }
            for (int c = 0; c < 4; c++) chain[i, c] = perSample[current, c];
        }
        var metropolis = new FieldMeasurement(
            ChainMean(chain, FieldMeasurement.SusceptibilityColumn),
            ChainSecondMoment(lattice, chain),
            ChainMean(chain, FieldMeasurement.EnergyColumn),
            ChainMean(chain, FieldMeasurement.LocalVarianceColumn), count);
        return new ReweightingResult(sum * sum / (count * sumSquares), reweighted, (double)accepted / (count - 1), metropolis);
    }

    /// <summary>Self-normalised mean sum w x / sum w with error sqrt(sum w^2 (x - mean)^2) / sum w.</summary>
    private static Stats Weighted(double[,] values, int column, double[] weights)
    {
        double sum = weights.Sum(), mean = 0;
        for (int i = 0; i < weights.Length; i++) mean += weights[i] * values[i, column];
        mean /= sum;
        double variance = 0;
        for (int i = 0; i < weights.Length; i++)
            variance += weights[i] * weights[i] * Math.Pow(values[i, column] - mean, 2);
        return new Stats(mean, Math.Sqrt(variance) / sum);
    }

    private static Stats WeightedSecondMoment(Lattice lattice, double[,] values, double[] weights) =>
        SecondMomentLength(lattice, Weighted(values, FieldMeasurement.SusceptibilityColumn, weights),
            Weighted(values, FieldMeasurement.FirstModeColumn, weights));

    /// <summary>
    /// xi2 = sqrt(R - 1)/(2 sin(pi/L)), R = chi/P1, with the delta-method error
    /// d xi2 / xi2 = R/(2(R - 1)) sqrt((d chi/chi)^2 + (d P1/P1)^2) (chi and P1 are independent modes).
    /// </summary>
    private static Stats SecondMomentLength(Lattice lattice, Stats chi, Stats first)
    {
        double xi2 = GaussianField.SecondMomentLength(chi.Mean, first.Mean, lattice.Length);
        double relative = Math.Sqrt(Math.Pow(chi.Error / chi.Mean, 2) + Math.Pow(first.Error / first.Mean, 2));
        double ratio = chi.Mean / first.Mean;
        return new Stats(xi2, xi2 * 0.5 * ratio / (ratio - 1) * relative);
    }

    private static Stats ChainMean(double[,] chain, int column)
    {
        var series = new double[chain.GetLength(0)];
        for (int i = 0; i < series.Length; i++) series[i] = chain[i, column];
        return Autocorrelation.Mean(series);
    }

    private static Stats ChainSecondMoment(Lattice lattice, double[,] chain) =>
        SecondMomentLength(lattice, ChainMean(chain, FieldMeasurement.SusceptibilityColumn),
            ChainMean(chain, FieldMeasurement.FirstModeColumn));
}
