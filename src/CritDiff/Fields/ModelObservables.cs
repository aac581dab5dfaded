using System.Numerics;
using CritDiff.Lattices;

namespace CritDiff.Fields;

/// <summary>
/// Measures configurations of an n-component field on a lattice (component-major, component a at site x is
/// element a V + x; docs/science.md section 10 normalisation):
/// M = (1/V) sum_x s_x (vector), |M|, |M|^2, |M|^4, the energy per bond and component
/// e = (1/(d V n)) sum_x sum_mu s_x . s_{x + e_mu}, the lowest-mode power
/// P1 = (1/(d n)) sum_mu sum_a |phi~_a((2 pi/L) e_mu)|^2 and the spectrum G(k) = (1/n) sum_a |phi~_a(k)|^2
/// (unitary DFT, so |phi~_a(0)|^2 = V M_a^2 and G(0) = V |M|^2 / n is the per-component susceptibility estimator).
/// Holds only precomputed tables: one instance may be shared between threads.
/// </summary>
public sealed class ModelObservables
{
    private readonly int[][] _forward;
    private readonly int[][] _axisCoordinate;
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly FourierTransform _fourier;

    /// <summary>Measurements for <paramref name="components"/>-component fields on <paramref name="lattice"/>.</summary>
    public ModelObservables(Lattice lattice, int components)
    {
        Lattice = lattice ?? throw new ArgumentNullException(nameof(lattice));
        if (components is < 1 or > SpinModel.MaxComponents)
            throw new ArgumentOutOfRangeException(nameof(components), components, $"n must be in 1..{SpinModel.MaxComponents}");
        Components = components;
        int d = lattice.Dimension, v = lattice.SiteCount;
        _forward = new int[d][];
        _axisCoordinate = new int[d][];
        for (int mu = 0; mu < d; mu++)
        {
            _forward[mu] = lattice.ForwardNeighbours(mu);
            int stride = lattice.Stride(mu);
            _axisCoordinate[mu] = new int[v];
            for (int x = 0; x < v; x++) _axisCoordinate[mu][x] = x / stride % lattice.Length;
        }
        _cos = new double[lattice.Length];
        _sin = new double[lattice.Length];
        for (int x = 0; x < lattice.Length; x++)
        {
            _cos[x] = Math.Cos(2 * Math.PI * x / lattice.Length);
            _sin[x] = Math.Sin(2 * Math.PI * x / lattice.Length);
        }
        _fourier = new FourierTransform(lattice);
    }

    /// <summary>Measurements for configurations of <paramref name="model"/>.</summary>
    public ModelObservables(LatticeModel model)
        : this((model ?? throw new ArgumentNullException(nameof(model))).Lattice, model.Components)
    {
    }

    /// <summary>The lattice.</summary>
    public Lattice Lattice { get; }

    /// <summary>Components n per site.</summary>
    public int Components { get; }

    /// <summary>Length n V of one configuration.</summary>
    public int ConfigurationLength => Components * Lattice.SiteCount;

    /// <summary>All per-configuration observables of one configuration, O(n V d), no allocation.</summary>
    public ConfigurationObservables Measure(ReadOnlySpan<double> configuration)
    {
        CheckLength(configuration.Length, nameof(configuration));
        int v = Lattice.SiteCount, d = Lattice.Dimension, n = Components;
        double m2 = 0, bonds = 0, firstModes = 0, signed = 0;
        for (int a = 0; a < n; a++)
        {
            var c = configuration.Slice(a * v, v);
            double sum = 0;
            for (int x = 0; x < v; x++) sum += c[x];
            double m = sum / v;
            m2 += m * m;
            signed = m;
            for (int mu = 0; mu < d; mu++)
            {
                var next = _forward[mu];
                var coordinate = _axisCoordinate[mu];
                double re = 0, im = 0;
                for (int x = 0; x < v; x++)
                {
                    double value = c[x];
                    bonds += value * c[next[x]];
                    re += value * _cos[coordinate[x]];
                    im += value * _sin[coordinate[x]];
                }
                firstModes += re * re + im * im; // V |phi~_a(k_mu)|^2
            }
        }
        double norm = Math.Sqrt(m2);
        return new ConfigurationObservables(norm, m2, m2 * m2, n == 1 ? signed : norm,
            bonds / ((double)d * v * n), firstModes / ((double)d * v * n));
    }

    /// <summary>The magnetisation vector M_a = (1/V) sum_x s_a(x) into <paramref name="magnetisation"/> (length n).</summary>
    public void Magnetisation(ReadOnlySpan<double> configuration, Span<double> magnetisation)
    {
        CheckLength(configuration.Length, nameof(configuration));
        if (magnetisation.Length != Components)
            throw new ArgumentException($"expected n = {Components} values", nameof(magnetisation));
        int v = Lattice.SiteCount;
        for (int a = 0; a < Components; a++)
        {
            double sum = 0;
            foreach (double s in configuration.Slice(a * v, v)) sum += s;
            magnetisation[a] = sum / v;
        }
    }

    /// <summary>
    /// The spectrum of one configuration, G(k) = (1/n) sum_a |phi~_a(k)|^2 per mode, into <paramref name="spectrum"/>
    /// (length V); <paramref name="scratch"/> (length V) holds each component's transform in turn. O(n V log V).
    /// </summary>
    public void Spectrum(ReadOnlySpan<double> configuration, Span<double> spectrum, Span<Complex> scratch)
    {
        CheckLength(configuration.Length, nameof(configuration));
        int v = Lattice.SiteCount;
        if (spectrum.Length != v) throw new ArgumentException($"expected V = {v} modes", nameof(spectrum));
        if (scratch.Length != v) throw new ArgumentException($"expected V = {v} scratch values", nameof(scratch));
        spectrum.Clear();
        for (int a = 0; a < Components; a++)
        {
            _fourier.ForwardReal(configuration.Slice(a * v, v), scratch);
            for (int k = 0; k < v; k++) spectrum[k] += scratch[k].Real * scratch[k].Real + scratch[k].Imaginary * scratch[k].Imaginary;
        }
        double scale = 1.0 / Components;
        for (int k = 0; k < v; k++) spectrum[k] *= scale;
    }

    /// <summary>Per-component susceptibility chi = V &lt;|M|^2&gt; / n from the mean of |M|^2.</summary>
    public static double Susceptibility(int siteCount, int components, double meanMagnetisationSquared) =>
        siteCount * meanMagnetisationSquared / components;

    /// <summary>
    /// Binder cumulant U = 1 - (n/(n+2)) &lt;|M|^4&gt; / &lt;|M|^2&gt;^2: 0 for Gaussian fluctuations of M, 2/(n+2) in an
    /// ordered state (|M| fixed); for n = 1, 1 - &lt;M^4&gt;/(3 &lt;M^2&gt;^2).
    /// </summary>
    public static double Binder(int components, double meanMagnetisationSquared, double meanMagnetisationFourth) =>
        1 - components / (components + 2.0) * meanMagnetisationFourth / (meanMagnetisationSquared * meanMagnetisationSquared);

    private void CheckLength(int length, string name)
    {
        if (length != ConfigurationLength)
            throw new ArgumentException($"expected n V = {ConfigurationLength} values (n = {Components}, {Lattice}), got {length}", name);
    }
}
