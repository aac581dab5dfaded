using System.Numerics;
using CritDiff.Lattices;

namespace CritDiff.Fields;

/// <summary>
/// A power spectrum per Fourier mode measured on an ensemble of configurations, with its standard
/// errors (docs/science.md section 10): for N configurations of n components,
/// G(k) = (1/(N n)) sum_c sum_a |phi~_{c,a}(k)|^2 with the unitary DFT of section 2, modes indexed like
/// lattice sites. It is the raw second moment E|phi~(k)|^2, not the connected one: that is what the DSM
/// population loss of a linear, translation-invariant score without bias depends on. G(0) = chi
/// (per component). The error of a mode is the standard error over configurations of the
/// per-configuration component average (1/n) sum_a |phi~_{c,a}(k)|^2, since the components of one
/// configuration are not independent in an O(n) ensemble (|s_x|^2 = n ties them together).
/// </summary>
public sealed record MeasuredSpectrum
{
    /// <summary>Configurations per block of the parallel reduction (fixed, so results do not depend on thread count).</summary>
    private const int BlockSize = 64;

    /// <summary>Creates and checks a spectrum.</summary>
    /// <param name="mean">G(k) per mode: finite and >= 0.</param>
    /// <param name="error">Standard error per mode, same length: >= 0, or NaN where unknown (a single configuration).</param>
    /// <param name="samples">Configurations N it was measured on (0 for a spectrum given as a formula).</param>
    /// <param name="components">Field components n per configuration that were averaged over (>= 1).</param>
    /// <param name="source">Where it came from (a file name, "power law", ...), for reports.</param>
    public MeasuredSpectrum(double[] mean, double[] error, int samples, int components, string source)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(source);
        if (mean.Length == 0) throw new ArgumentException("a spectrum needs at least one mode", nameof(mean));
        if (error.Length != mean.Length)
            throw new ArgumentException($"error has {error.Length} modes, the spectrum {mean.Length}", nameof(error));
        for (int k = 0; k < mean.Length; k++)
        {
            if (!(mean[k] >= 0 && double.IsFinite(mean[k])))
                throw new ArgumentException($"G(k) must be finite and >= 0 (mode {k}: {mean[k]})", nameof(mean));
            if (error[k] < 0 || double.IsInfinity(error[k]))
                throw new ArgumentException($"errors must be >= 0 or NaN (mode {k}: {error[k]})", nameof(error));
        }
        if (samples < 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "samples must be >= 0");
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "components must be >= 1");
        Mean = mean;
        Error = error;
        Samples = samples;
        Components = components;
        Source = source;
    }

    /// <summary>G(k) per mode (modes indexed like sites).</summary>
    public double[] Mean { get; }

    /// <summary>Standard error of G(k) per mode (NaN from a single configuration, 0 for a formula).</summary>
    public double[] Error { get; }

    /// <summary>Configurations N it was measured on (0 for a spectrum given as a formula).</summary>
    public int Samples { get; }

    /// <summary>Field components n per configuration.</summary>
    public int Components { get; }

    /// <summary>Where it came from.</summary>
    public string Source { get; }

    /// <summary>The measured susceptibility per component, chi = G(0).</summary>
    public double Susceptibility => Mean[0];

    /// <summary>The standard error of chi.</summary>
    public double SusceptibilityError => Error[0];

    /// <summary>A spectrum given exactly (a formula, or a model's C(k)): no errors, no samples.</summary>
    public static MeasuredSpectrum Exact(double[] spectrum, string source)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        return new MeasuredSpectrum((double[])spectrum.Clone(), new double[spectrum.Length], 0, 1, source);
    }

    /// <summary>
    /// Mean and standard error per mode of <paramref name="count"/> independent per-sample spectra stored back to back
    /// (count x V), e.g. block means of a Markov chain's G(k); the error is NaN with a single sample.
    /// </summary>
    public static MeasuredSpectrum FromSamples(ReadOnlySpan<double> spectra, int count, int components, string source)
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
        for (int s = 0; s < count; s++)
        {
            var row = spectra.Slice(s * v, v);
            for (int k = 0; k < v; k++) error[k] += (row[k] - mean[k]) * (row[k] - mean[k]);
        }
        for (int k = 0; k < v; k++) error[k] = count > 1 ? Math.Sqrt(error[k] / ((count - 1.0) * count)) : double.NaN;
        return new MeasuredSpectrum(mean, error, count, components, source);
    }

    /// <summary>
    /// Measures G(k) on <paramref name="count"/> configurations of <paramref name="components"/>
    /// components, stored as a NumPy [N, n, L, ..., L] array in C order (component-major per
    /// configuration: component a of configuration c starts at (c n + a) V). One real FFT per component,
    /// in parallel over fixed blocks of configurations merged in order (Chan et al.'s pairwise update),
    /// so the result is the same for any thread count.
    /// </summary>
    public static MeasuredSpectrum Measure(Lattice lattice, ReadOnlyMemory<double> configurations, int count,
        int components = 1, string source = "data")
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "need at least 1 configuration");
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "components must be >= 1");
        int v = lattice.SiteCount;
        if (configurations.Length != (long)count * components * v)
            throw new ArgumentException($"expected {count} x {components} x {v} values", nameof(configurations));
        var fourier = new FourierTransform(lattice);
        int blocks = (count + BlockSize - 1) / BlockSize;
        var blockMean = new double[blocks][];
        var blockSquares = new double[blocks][];
        Parallel.For(0, blocks, b =>
            (blockMean[b], blockSquares[b]) = MeasureBlock(fourier, configurations.Span, b * BlockSize,
                Math.Min(BlockSize, count - b * BlockSize), components));
        // Merge the blocks in order: n = nA + nB, mean = mean_A + delta nB / n, M2 = M2_A + M2_B + delta^2 nA nB / n.
        var mean = blockMean[0];
        var squares = blockSquares[0];
        long merged = Math.Min(BlockSize, count);
        for (int b = 1; b < blocks; b++)
        {
            long size = Math.Min(BlockSize, count - b * BlockSize), total = merged + size;
            for (int k = 0; k < v; k++)
            {
                double delta = blockMean[b][k] - mean[k];
                mean[k] += delta * size / total;
                squares[k] += blockSquares[b][k] + delta * delta * merged * size / total;
            }
            merged = total;
        }
        var error = new double[v];
        for (int k = 0; k < v; k++) error[k] = count > 1 ? Math.Sqrt(squares[k] / ((count - 1.0) * count)) : double.NaN;
        return new MeasuredSpectrum(mean, error, count, components, source);
    }

    /// <summary>Mean and sum of squared deviations, per mode, of the per-configuration component-averaged power.</summary>
    private static (double[] Mean, double[] Squares) MeasureBlock(FourierTransform fourier, ReadOnlySpan<double> configurations,
        int first, int size, int components)
    {
        int v = fourier.Lattice.SiteCount;
        var power = new double[size * v];
        var spectrum = new Complex[v];
        double perComponent = 1.0 / components;
        for (int c = 0; c < size; c++)
        {
            var row = power.AsSpan(c * v, v);
            for (int a = 0; a < components; a++)
            {
                fourier.ForwardReal(configurations.Slice((int)(((long)(first + c) * components + a) * v), v), spectrum);
                for (int k = 0; k < v; k++) row[k] += perComponent * (spectrum[k].Real * spectrum[k].Real + spectrum[k].Imaginary * spectrum[k].Imaginary);
            }
        }
        var mean = new double[v];
        var squares = new double[v];
        for (int c = 0; c < size; c++)
            for (int k = 0; k < v; k++) mean[k] += power[c * v + k];
        for (int k = 0; k < v; k++) mean[k] /= size;
        for (int c = 0; c < size; c++)
            for (int k = 0; k < v; k++)
            {
                double deviation = power[c * v + k] - mean[k];
                squares[k] += deviation * deviation;
            }
        return (mean, squares);
    }

    /// <summary>Below this fraction of max G a mode counts as zero: what rounding leaves of an exactly projected-out mode (~1e-30 relative).</summary>
    public const double ZeroModeThreshold = 1e-12;

    /// <summary>
    /// Checks that this spectrum can be a training target on <paramref name="lattice"/>: one entry per
    /// mode, every G(k) > 0 (the exact score -1/(a^2 G + b^2) and the KL against the data law need it), where a
    /// mode at most <see cref="ZeroModeThreshold"/> x max G is zero up to rounding (e.g. the zero mode of
    /// configurations with their mean subtracted). Throws <see cref="ArgumentException"/> saying how to fix the data.
    /// </summary>
    public void CheckTargetOn(Lattice lattice)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (Mean.Length != lattice.SiteCount)
            throw new ArgumentException(
                $"the spectrum from {Source} has {Mean.Length} modes, the {lattice} lattice {lattice.SiteCount}: measure it on the training lattice");
        double floor = ZeroModeThreshold * Mean.Max();
        int zero = Array.FindIndex(Mean, g => !(g > floor));
        if (zero < 0) return;
        var coordinates = new int[lattice.Dimension];
        lattice.Coordinates(zero, coordinates);
        throw new ArgumentException(
            $"the spectrum from {Source} is G(k) = {Mean[zero]:G3} at mode ({string.Join(", ", coordinates)}){(zero == 0 ? " (the zero mode)" : "")}: " +
            "every configuration has phi~(k) = 0 there up to rounding (e.g. all-zero fields, or fields with their mean subtracted); " +
            "a linear score needs G(k) > 0 on every mode, so train on the unprojected data");
    }
}
