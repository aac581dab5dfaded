using System.Numerics;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Statistics;
using CritDiff.Tests.Fields;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>The local action and the heat-bath conditional against independent references.</summary>
public class ActionTests
{
    [Theory]
    [InlineData(1, 6)]
    [InlineData(2, 4)]
    [InlineData(3, 4)]
    [InlineData(2, 2)]
    public void LocalActionEqualsTheSpectralQuadraticForm(int d, int l)
    {
        // S = (1/2) sum_k |phi~(k)|^2 / C(k) is the action whose covariance is C(k): the local form must equal it.
        var field = GaussianField.AtBeta(new Lattice(d, l), 0.7);
        var rng = new RandomStream(4, 0);
        var phi = new double[field.Lattice.SiteCount];
        rng.FillGaussian(phi);
        var gradient = new double[phi.Length];
        double local = Stencil.Gradient(field, phi, gradient);
        var spectrum = new Complex[phi.Length];
        new FourierTransform(field.Lattice).ForwardReal(phi, spectrum);
        double spectral = 0;
        for (int k = 0; k < phi.Length; k++) spectral += Math.Pow(spectrum[k].Magnitude, 2) / field.Spectrum(k) / 2;
        Assert.Equal(spectral, local, Tolerances.Fourier * spectral);
    }

    [Fact]
    public void HeatBathConditionalMatchesTheDensePrecisionMatrix()
    {
        // Conditional of a Gaussian with precision Q: variance 1/Q_xx, mean -sum_{y != x} Q_xy phi_y / Q_xx.
        // docs/science.md section 8: variance 1/(beta (2d + mu2)), mean h(x)/(2d + mu2).
        var lattice = new Lattice(2, 4);
        var field = GaussianField.AtBeta(lattice, 0.8);
        var precision = DenseReference.Covariance(lattice, field.Beta, field.MassSquared).Inverse();
        for (int x = 0; x < lattice.SiteCount; x++)
        {
            Assert.Equal(field.Beta * (4 + field.MassSquared), precision[x, x], Tolerances.DenseBruteForce);
            Assert.Equal(-field.Beta, precision[x, lattice.Neighbour(x, 0, 1)], Tolerances.DenseBruteForce);
            Assert.Equal(-field.Beta, precision[x, lattice.Neighbour(x, 1, -1)], Tolerances.DenseBruteForce);
            Assert.Equal(0, precision[x, lattice.Neighbour(lattice.Neighbour(x, 0, 1), 1, 1)], Tolerances.DenseBruteForce);
        }
    }

    [Fact]
    public void MeasuredEnergyIsTheNearestNeighbourProduct()
    {
        var lattice = new Lattice(3, 4);
        var rng = new RandomStream(2, 0);
        var phi = new double[lattice.SiteCount];
        rng.FillGaussian(phi);
        var (m2, energy) = Mcmc.Measure(lattice, phi, new double[phi.Length]);
        var reference = FieldMeasurement.PerSample(lattice, phi, 1);
        Assert.Equal(reference[0, FieldMeasurement.EnergyColumn], energy, Tolerances.ClosedForm);
        Assert.Equal(reference[0, FieldMeasurement.SusceptibilityColumn] / lattice.SiteCount, m2, Tolerances.ClosedForm);
    }

    [Fact]
    public void SpectralObservablesOfTheTargetAreItsExactValues()
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 8), 0.25);
        var (chi, energy) = Mcmc.SpectralObservables(field.Lattice, field.SpectrumTable());
        Assert.Equal(field.Susceptibility, chi, Tolerances.ClosedForm);
        Assert.Equal(field.Energy, energy, Tolerances.ClosedForm);
        Assert.Equal(field.TwoPoint([1, 0]), energy, Tolerances.ClosedForm);
    }
}
