namespace CritDiff.Fields;

/// <summary>
/// A measured spectrum G(k) = &lt;|phi~(k)|^2&gt; / n (summed over the n components, so per component) with its
/// standard error per mode. Modes are indexed like the sites (<see cref="Lattices.Lattice.Momentum"/>).
/// </summary>
/// <param name="Mean">G(k) per mode, length V.</param>
/// <param name="Error">Standard error per mode, length V (NaN where fewer than two independent blocks were available).</param>
/// <param name="Samples">Number of independent samples (configurations or blocks) the error is based on.</param>
public sealed record ModeSpectrum(double[] Mean, double[] Error, int Samples)
{
    /// <summary>Mean and standard error per mode of independent per-sample spectra stored back to back (count x V).</summary>
    public static ModeSpectrum FromSamples(ReadOnlySpan<double> spectra, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "need at least one spectrum");
        if (spectra.Length % count != 0) throw new ArgumentException($"{spectra.Length} values do not split into {count} spectra", nameof(spectra));
        int v = spectra.Length / count;
        var mean = new double[v];
        var error = new double[v];
        for (int s = 0; s < count; s++)
        {
            var row = spectra.Slice(s * v, v);
            for (int k = 0; k < v; k++) mean[k] += row[k];
        }
        for (int k = 0; k < v; k++) mean[k] /= count;
        if (count < 2)
        {
            Array.Fill(error, double.NaN);
            return new ModeSpectrum(mean, error, count);
        }
        for (int s = 0; s < count; s++)
        {
            var row = spectra.Slice(s * v, v);
            for (int k = 0; k < v; k++)
            {
                double d = row[k] - mean[k];
                error[k] += d * d;
            }
        }
        for (int k = 0; k < v; k++) error[k] = Math.Sqrt(error[k] / ((count - 1.0) * count));
        return new ModeSpectrum(mean, error, count);
    }
}
