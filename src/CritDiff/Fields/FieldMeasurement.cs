using System.Numerics;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Fields;

/// <summary>Observables measured on a set of configurations, each with its standard error.</summary>
/// <param name="Susceptibility">chi = V &lt;M^2&gt; = &lt;|phi~(0)|^2&gt;.</param>
/// <param name="SecondMomentLength">xi2 from the measured C(0) and C(k1) (jackknife error).</param>
/// <param name="Energy">Nearest-neighbour energy &lt;phi(x) phi(x + e_mu)&gt;, averaged over x and mu.</param>
/// <param name="LocalVariance">G(0) = &lt;phi(x)^2&gt;, averaged over x.</param>
/// <param name="Count">Number of configurations.</param>
public sealed record FieldMeasurement(Stats Susceptibility, Stats SecondMomentLength, Stats Energy,
    Stats LocalVariance, int Count)
{
    /// <summary>
    /// Measures configurations stored back to back (count x V) as independent samples. C(k1) is averaged
    /// over the 2d lowest non-zero modes +-(2 pi/L) e_mu.
    /// </summary>
    public static FieldMeasurement Measure(Lattice lattice, ReadOnlySpan<double> configurations, int count)
    {
        var perSample = PerSample(lattice, configurations, count);
        return FromPerSample(lattice, perSample);
    }

    /// <summary>Column order of <see cref="PerSample"/>.</summary>
    public const int SusceptibilityColumn = 0, FirstModeColumn = 1, EnergyColumn = 2, LocalVarianceColumn = 3;

    /// <summary>
    /// Per-configuration values (count x 4): chi_i = (sum_x phi)^2 / V, P1_i = (1/d) sum_mu |phi~(2 pi e_mu/L)|^2,
    /// E_i = (1/(dV)) sum_x sum_mu phi(x) phi(x + e_mu), G0_i = (1/V) sum_x phi^2.
    /// </summary>
    public static double[,] PerSample(Lattice lattice, ReadOnlySpan<double> configurations, int count)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        int v = lattice.SiteCount, d = lattice.Dimension;
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "need at least 1 configuration");
        if (configurations.Length != (long)count * v)
            throw new ArgumentException($"expected {count} x {v} values", nameof(configurations));
        var forward = new int[d][];
        var axisCoordinate = new int[d][];
        for (int mu = 0; mu < d; mu++)
        {
            forward[mu] = lattice.ForwardNeighbours(mu);
            int stride = lattice.Stride(mu);
            axisCoordinate[mu] = new int[v];
            for (int x = 0; x < v; x++) axisCoordinate[mu][x] = x / stride % lattice.Length;
        }
        // Phase e^{-i 2 pi x_mu / L} of each site along each axis, for the lowest modes.
        var phase = new Complex[lattice.Length];
        for (int x = 0; x < phase.Length; x++) phase[x] = Complex.FromPolarCoordinates(1, -2 * Math.PI * x / lattice.Length);

        var perSample = new double[count, 4];
        var firstModes = new Complex[d];
        for (int s = 0; s < count; s++)
        {
            var phi = configurations.Slice(s * v, v);
            double sum = 0, squares = 0, bonds = 0;
            Array.Clear(firstModes);
            for (int x = 0; x < v; x++)
            {
                double value = phi[x];
                sum += value;
                squares += value * value;
                for (int mu = 0; mu < d; mu++)
                {
                    bonds += value * phi[forward[mu][x]];
                    firstModes[mu] += value * phase[axisCoordinate[mu][x]];
                }
            }
            double lowest = 0;
            for (int mu = 0; mu < d; mu++) lowest += firstModes[mu].Magnitude * firstModes[mu].Magnitude;
            perSample[s, SusceptibilityColumn] = sum * sum / v;
            perSample[s, FirstModeColumn] = lowest / (d * v); // |phi~(k)|^2 = |phi~(-k)|^2 for real fields
            perSample[s, EnergyColumn] = bonds / (d * v);
            perSample[s, LocalVarianceColumn] = squares / v;
        }
        return perSample;
    }

    /// <summary>Independent-sample estimates from <see cref="PerSample"/> values (needs at least 2 rows).</summary>
    public static FieldMeasurement FromPerSample(Lattice lattice, double[,] perSample)
    {
        int count = perSample.GetLength(0);
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(perSample), count, "need at least 2 configurations");
        return new FieldMeasurement(
            Column(perSample, SusceptibilityColumn),
            Jackknife.Estimate(perSample, m => GaussianField.SecondMomentLength(m[0], m[1], lattice.Length)),
            Column(perSample, EnergyColumn),
            Column(perSample, LocalVarianceColumn),
            count);
    }

    /// <summary>
    /// Mean power spectrum P(k) = &lt;|phi~(k)|^2&gt; per mode with its standard error, over count x V
    /// configurations (one forward FFT each, parallel over configurations).
    /// </summary>
    public static (double[] Mean, double[] Error) PowerSpectrum(Lattice lattice, ReadOnlySpan<double> configurations, int count)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "need at least 2 configurations");
        int v = lattice.SiteCount;
        var spectra = new FourierTransform(lattice).ForwardRealBatch(configurations, count);
        var mean = new double[v];
        var error = new double[v];
        var column = new double[count];
        for (int k = 0; k < v; k++)
        {
            for (int s = 0; s < count; s++)
            {
                var c = spectra[(long)s * v + k];
                column[s] = c.Real * c.Real + c.Imaginary * c.Imaginary;
            }
            var stats = Stats.FromSamples(column);
            mean[k] = stats.Mean;
            error[k] = stats.Error;
        }
        return (mean, error);
    }

    private static Stats Column(double[,] values, int column)
    {
        var data = new double[values.GetLength(0)];
        for (int i = 0; i < data.Length; i++) data[i] = values[i, column];
        return Stats.FromSamples(data);
    }
}
