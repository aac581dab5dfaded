using System.Numerics;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Tests.Fields;

/// <summary>
/// Observables of hand-built configurations against values worked out by hand (docs/science.md section 10 normalisation):
/// ordered states have U = 2/(n+2), |M| = sqrt(n), chi = V; an Ising checkerboard has e = -1; a plane wave puts all its
/// power in +-k1; the spectrum matches a naive O(V^2) DFT.
/// </summary>
public class ModelObservablesTests
{
    [Fact]
    public void AllUpIsingHasBinderTwoThirdsAndEnergyOne()
    {
        var lattice = new Lattice(2, 4);
        var up = Enumerable.Repeat(1.0, lattice.SiteCount).ToArray();
        var o = new ModelObservables(lattice, 1).Measure(up);
        Assert.Equal((1.0, 1.0, 1.0, 1.0), (o.MagnetisationNorm, o.MagnetisationSquared, o.MagnetisationFourth, o.Order));
        Assert.Equal(1, o.Energy, Tolerances.ClosedForm);
        Assert.Equal(0, o.FirstModePower, Tolerances.ClosedForm);
        var estimates = Estimates(lattice, 1, o, o);
        Assert.Equal(2.0 / 3, estimates.Binder.Mean, Tolerances.ClosedForm);
        Assert.Equal(0, estimates.Binder.Error, Tolerances.ClosedForm);
        Assert.Equal(lattice.SiteCount, estimates.Susceptibility.Mean, Tolerances.ClosedForm); // chi = V |M|^2 / n = V
        Assert.Equal(1, estimates.Magnetisation.Mean, Tolerances.ClosedForm);
    }

    [Fact]
    public void AllDownIsingHasSignedOrderMinusOne()
    {
        var lattice = new Lattice(3, 2);
        var down = Enumerable.Repeat(-1.0, lattice.SiteCount).ToArray();
        var o = new ModelObservables(lattice, 1).Measure(down);
        Assert.Equal(-1, o.Order);
        Assert.Equal(1, o.MagnetisationNorm);
        Assert.Equal(1, o.Energy, Tolerances.ClosedForm);
    }

    [Theory]
    [InlineData(2, 4)]
    [InlineData(3, 4)]
    public void CheckerboardIsingHasEnergyMinusOneAndNoMagnetisation(int d, int l)
    {
        var lattice = new Lattice(d, l);
        var spins = new double[lattice.SiteCount];
        var x = new int[d];
        for (int i = 0; i < spins.Length; i++)
        {
            lattice.Coordinates(i, x);
            spins[i] = x.Sum() % 2 == 0 ? 1 : -1;
        }
        var o = new ModelObservables(lattice, 1).Measure(spins);
        Assert.Equal(-1, o.Energy, Tolerances.ClosedForm);
        Assert.Equal(0, o.MagnetisationSquared, Tolerances.ClosedForm);
        Assert.Equal(0, o.FirstModePower, Tolerances.ClosedForm); // all power at (pi, ..., pi)
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void OrderedVectorHasBinderTwoOverNPlusTwo(int n)
    {
        var lattice = new Lattice(2, 4);
        int v = lattice.SiteCount;
        // Every spin sqrt(n) u with one fixed unit vector u = (1, 2, ..., n) / |.|.
        double norm = Math.Sqrt(Enumerable.Range(1, n).Sum(a => (double)a * a));
        var spins = new double[n * v];
        for (int a = 0; a < n; a++)
            for (int x = 0; x < v; x++) spins[a * v + x] = Math.Sqrt(n) * (a + 1) / norm;
        var observables = new ModelObservables(lattice, n);
        var o = observables.Measure(spins);
        Assert.Equal(Math.Sqrt(n), o.MagnetisationNorm, Tolerances.ClosedForm);
        Assert.Equal(Math.Sqrt(n), o.Order, Tolerances.ClosedForm);
        Assert.Equal(n, o.MagnetisationSquared, 1e-12 * n);
        Assert.Equal(1, o.Energy, Tolerances.ClosedForm); // s_x . s_y / n = 1 for parallel spins
        var m = new double[n];
        observables.Magnetisation(spins, m);
        for (int a = 0; a < n; a++) Assert.Equal(Math.Sqrt(n) * (a + 1) / norm, m[a], Tolerances.ClosedForm);
        var estimates = Estimates(lattice, n, o, o, o);
        Assert.Equal(2.0 / (n + 2), estimates.Binder.Mean, Tolerances.ClosedForm);
        Assert.Equal(v, estimates.Susceptibility.Mean, 1e-12 * v);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void BinderOfGaussianMomentsIsZero(int n)
    {
        // An n-dimensional Gaussian M with variance s^2 per component has <|M|^2> = n s^2 and <|M|^4> = n (n + 2) s^4.
        double s2 = 0.37;
        Assert.Equal(0, ModelObservables.Binder(n, n * s2, n * (n + 2) * s2 * s2), Tolerances.ClosedForm);
    }

    [Fact]
    public void PlaneWavePutsItsPowerInTheFirstModes()
    {
        // phi_0(x) = cos(2 pi x_0 / L): |phi~(+-k1 e_0)|^2 = V/4 each, nothing along the other axes or in component 1.
        var lattice = new Lattice(2, 8);
        int v = lattice.SiteCount, n = 2, d = 2;
        var phi = new double[n * v];
        var x = new int[d];
        for (int i = 0; i < v; i++)
        {
            lattice.Coordinates(i, x);
            phi[i] = Math.Cos(2 * Math.PI * x[0] / lattice.Length);
        }
        var o = new ModelObservables(lattice, n).Measure(phi);
        Assert.Equal(v / 4.0 / (d * n), o.FirstModePower, Tolerances.ClosedForm);
        Assert.Equal(0, o.MagnetisationSquared, Tolerances.ClosedForm);
        // Bonds: sum_x cos(t x_0) cos(t (x_0 + 1)) = (V/2) cos t along axis 0, sum_x cos^2 = V/2 along axis 1.
        Assert.Equal((Math.Cos(2 * Math.PI / lattice.Length) + 1) / 2 / (d * n), o.Energy, Tolerances.ClosedForm);
    }

    [Fact]
    public void SpectrumMatchesNaiveDftAndParseval()
    {
        var lattice = new Lattice(2, 4);
        int v = lattice.SiteCount, n = 3;
        var rng = new RandomStream(5, 0);
        var phi = new double[n * v];
        for (int i = 0; i < phi.Length; i++) phi[i] = rng.NextGaussian();
        var observables = new ModelObservables(lattice, n);
        var spectrum = new double[v];
        observables.Spectrum(phi, spectrum, new Complex[v]);
        var coords = new int[2];
        for (int k = 0; k < v; k++)
        {
            double expected = 0;
            for (int a = 0; a < n; a++)
            {
                Complex sum = 0;
                for (int xi = 0; xi < v; xi++)
                {
                    lattice.Coordinates(xi, coords);
                    double phase = lattice.Momentum(k, 0) * coords[0] + lattice.Momentum(k, 1) * coords[1];
                    sum += phi[a * v + xi] * Complex.FromPolarCoordinates(1, -phase);
                }
                expected += sum.Magnitude * sum.Magnitude / v;
            }
            Assert.Equal(expected / n, spectrum[k], Tolerances.Fourier * 100);
        }
        var o = observables.Measure(phi);
        Assert.Equal(v * o.MagnetisationSquared / n, spectrum[0], Tolerances.Fourier * 100); // G(0) = chi estimator
        double p1 = (spectrum[lattice.FirstMode(0)] + spectrum[lattice.FirstMode(1)]) / 2;
        Assert.Equal(p1, o.FirstModePower, Tolerances.Fourier * 100);
        Assert.Equal(phi.Sum(p => p * p) / n, spectrum.Sum(), 1e-10); // Parseval
    }

    [Fact]
    public void EnsembleSpectrumAveragesConfigurations()
    {
        var lattice = new Lattice(1, 4);
        // Two one-component configurations: constant 1 (G(0) = V = 4) and constant -1 (also 4); alternating gives G(pi) = 4.
        double[] configs = [1, 1, 1, 1, 1, -1, 1, -1];
        var s = MeasuredSpectrum.Measure(lattice, configs, 2);
        Assert.Equal(2.0, s.Mean[0], Tolerances.ClosedForm);
        Assert.Equal(2.0, s.Mean[2], Tolerances.ClosedForm);
        Assert.Equal(2.0, s.Error[0], Tolerances.ClosedForm); // values 4 and 0: std 2 sqrt 2, / sqrt 2
        Assert.Equal(0, s.Mean[1], Tolerances.ClosedForm);
        Assert.Equal(2, s.Samples);
    }

    [Fact]
    public void WrongLengthIsRejected()
    {
        var observables = new ModelObservables(new Lattice(2, 4), 2);
        Assert.Throws<ArgumentException>(() => observables.Measure(new double[16]));
    }

    [Fact]
    public void HistogramBinsWithClosedTopEdge()
    {
        var h = Histogram.Of(new HistogramLayout(-1, 1, 4), [-1, -0.5, 0, 0.99, 1, 1.5, -2, double.NaN]);
        Assert.Equal([1L, 1, 1, 2], h.Counts);
        Assert.Equal(1, h.Underflow);
        Assert.Equal(2, h.Overflow);
        Assert.Equal(8, h.Total);
    }

    private static ModelEstimates Estimates(Lattice lattice, int n, params ConfigurationObservables[] observations)
    {
        var rows = new double[observations.Length, ModelEstimates.ColumnCount];
        var row = new double[ModelEstimates.ColumnCount];
        for (int i = 0; i < observations.Length; i++)
        {
            ModelEstimates.Row(observations[i], row);
            for (int j = 0; j < row.Length; j++) rows[i, j] = row[j];
        }
        return ModelEstimates.FromRows(lattice, n, rows);
    }
}
