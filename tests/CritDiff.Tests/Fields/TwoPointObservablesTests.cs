using System.Numerics;
using CritDiff.Fields;
using CritDiff.Lattices;
using Xunit;

namespace CritDiff.Tests.Fields;

/// <summary>
/// Signed M, chi_2, G(r) and G(k_m) (issue 22): against brute force on tiny hand-made sample sets (direct sums over sites,
/// a direct double loop for G(r), a direct DFT for G(k)), and against the exact law of Gaussian samples.
/// </summary>
public sealed class TwoPointObservablesTests
{
    private static double[] Configurations(int count, int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * length).Select(_ => random.NextDouble() * 2 - 0.7).ToArray();
    }

    [Theory]
    [InlineData(2, 4, 2)]
    [InlineData(3, 3, 1)]
    [InlineData(1, 7, 3)]
    public void RowsMatchDirectSumsOverSitesAndADirectDft(int d, int l, int n)
    {
        var lattice = new Lattice(d, l);
        int v = lattice.SiteCount, count = 3;
        var configurations = Configurations(count, n * v, 11);
        var layout = new TwoPointObservables(lattice, n);
        Assert.Equal(l / 2, layout.MaxDistance);
        var rows = layout.Rows(configurations, count, threads: 2);
        var coordinates = new int[d];
        for (int i = 0; i < count; i++)
        {
            var c = configurations.AsSpan(i * n * v, n * v).ToArray();
            double Field(int a, int x) => c[a * v + x];
            double square = 0;
            for (int a = 0; a < n; a++)
            {
                double m = Enumerable.Range(0, v).Sum(x => Field(a, x)) / v;
                square += m * m;
                Assert.Equal(m, rows[i, layout.SignedColumn(a)], Tolerances.ClosedForm);
            }
            Assert.Equal(square, rows[i, layout.SquareColumn], Tolerances.ClosedForm);
            Assert.Equal(Math.Sqrt(square), rows[i, layout.NormColumn], Tolerances.ClosedForm);
            for (int r = 0; r <= l / 2; r++)
            {
                double sum = 0; // direct double loop: sites x, then the site r steps along each axis
                for (int x = 0; x < v; x++)
                    for (int mu = 0; mu < d; mu++)
                    {
                        lattice.Coordinates(x, coordinates);
                        coordinates[mu] = (coordinates[mu] + r) % l;
                        int y = lattice.Index(coordinates);
                        for (int a = 0; a < n; a++) sum += Field(a, x) * Field(a, y);
                    }
                Assert.Equal(sum / (d * n * v), rows[i, layout.CorrelationColumn(r)], Tolerances.Fourier);
            }
            for (int m = 1; m <= layout.ModeCount; m++)
            {
                double power = 0; // direct DFT, unitary: phi~(k) = V^(-1/2) sum_x phi(x) exp(-i k.x)
                for (int mu = 0; mu < d; mu++)
                    for (int a = 0; a < n; a++)
                    {
                        Complex sum = 0;
                        for (int x = 0; x < v; x++)
                        {
                            lattice.Coordinates(x, coordinates);
                            sum += Field(a, x) * Complex.Exp(-Complex.ImaginaryOne * 2 * Math.PI * m * coordinates[mu] / l);
                        }
                        power += (sum * Complex.Conjugate(sum)).Real / v;
                    }
                Assert.Equal(power / (d * n), rows[i, layout.ModeColumn(m)], Tolerances.Fourier);
            }
        }
    }

    [Fact]
    public void EstimatesAreMeansAndChi2IsTheUnbiasedVarianceOfTheNorm()
    {
        // Hand-made: four configurations of n = 2 on d = 1, L = 2, so M is easy to read off.
        var lattice = new Lattice(1, 2);
        double[] configurations = [1, 3, -1, 0, /**/ -2, 0, 0, 4, /**/ 0.5, 0.5, 1, 1, /**/ 2, 2, -2, -2];
        var layout = new TwoPointObservables(lattice, 2);
        var estimates = TwoPointEstimates.FromRows(layout, layout.Rows(configurations, 4));
        double[][] m = [[2, -0.5], [-1, 2], [0.5, 1], [2, -2]];
        for (int a = 0; a < 2; a++)
        {
            var column = m.Select(x => x[a]).ToArray();
            double mean = column.Average();
            double error = Math.Sqrt(column.Sum(x => (x - mean) * (x - mean)) / 3 / 4);
            Assert.Equal(mean, estimates.SignedMagnetisation[a].Mean, Tolerances.ClosedForm);
            Assert.Equal(error, estimates.SignedMagnetisation[a].Error, Tolerances.ClosedForm);
        }
        // The bias-corrected jackknife of V (<|M|^2> - <|M|>^2) / n is V/n times the unbiased sample variance of |M|.
        var norms = m.Select(x => Math.Sqrt(x[0] * x[0] + x[1] * x[1])).ToArray();
        double normMean = norms.Average();
        Assert.Equal(2.0 / 2 * norms.Sum(x => (x - normMean) * (x - normMean)) / 3, estimates.ConnectedSusceptibility.Mean, Tolerances.ClosedForm);
        Assert.Equal(["magnetisation_signed_1", "magnetisation_signed_2", "susceptibility_connected", "g_k1"], estimates.Named.Select(p => p.Name));
    }

    [Fact]
    public void EqualWeightsGiveThePlainMeansAndWeightsGiveTheSelfNormalisedOnes()
    {
        var lattice = new Lattice(2, 4);
        var layout = new TwoPointObservables(lattice, 1);
        var rows = layout.Rows(Configurations(6, 16, 3), 6);
        var plain = TwoPointEstimates.FromRows(layout, rows);
        var equal = TwoPointEstimates.Reweighted(layout, rows, Enumerable.Repeat(-3.0, 6).ToArray());
        for (int r = 0; r <= 2; r++) Assert.Equal(plain.Correlation[r].Mean, equal.Correlation[r].Mean, Tolerances.ClosedForm);
        double[] logWeights = [0, -1, 0.5, 2, -0.3, 1];
        var weighted = TwoPointEstimates.Reweighted(layout, rows, logWeights);
        var w = logWeights.Select(Math.Exp).ToArray();
        double Weighted(int column) => Enumerable.Range(0, 6).Sum(i => w[i] * rows[i, column]) / w.Sum();
        Assert.Equal(Weighted(layout.SignedColumn(0)), weighted.SignedMagnetisation[0].Mean, Tolerances.ClosedForm);
        Assert.Equal(Weighted(layout.CorrelationColumn(1)), weighted.Correlation[1].Mean, Tolerances.ClosedForm);
        Assert.Equal(Weighted(layout.ModeColumn(2)), weighted.LowModes[1].Mean, Tolerances.ClosedForm);
        double norm = Weighted(layout.NormColumn);
        Assert.Equal(16 * (Weighted(layout.SquareColumn) - norm * norm), weighted.ConnectedSusceptibility.Mean, Tolerances.ClosedForm);
    }

    [Fact]
    public void TheExactGaussianValuesAgreeWithTheDenseCovarianceAndTheFieldsClosedForms()
    {
        var lattice = new Lattice(2, 4);
        var field = GaussianField.AtMassSquared(lattice, 0.3);
        var exact = TwoPointEstimates.Gaussian(lattice, 1, field.SpectrumTable());
        var covariance = DenseReference.Covariance(lattice, field.Beta, field.MassSquared);
        var coordinates = new int[2];
        for (int r = 0; r <= 2; r++)
        {
            double sum = 0;
            for (int x = 0; x < 16; x++)
                for (int mu = 0; mu < 2; mu++)
                {
                    lattice.Coordinates(x, coordinates);
                    coordinates[mu] = (coordinates[mu] + r) % 4;
                    sum += covariance[x, lattice.Index(coordinates)];
                }
            Assert.Equal(sum / 32, exact.Correlation[r].Mean, Tolerances.DenseBruteForce);
        }
        Assert.Equal(field.Energy, exact.Correlation[1].Mean, Tolerances.Fourier);
        Assert.Equal(field.Spectrum(lattice.FirstMode(0)), exact.LowModes[0].Mean, Tolerances.ClosedForm);
        Assert.Equal(field.Susceptibility * (1 - 2 / Math.PI), exact.ConnectedSusceptibility.Mean, Tolerances.ClosedForm);
        Assert.Equal(0, exact.SignedMagnetisation[0].Mean);
        // Gamma((n+1)/2)/Gamma(n/2): n = 1, 2, 3, 4 in closed form.
        Assert.Equal(1 / Math.Sqrt(Math.PI), TwoPointEstimates.GammaRatio(1), Tolerances.ClosedForm);
        Assert.Equal(Math.Sqrt(Math.PI) / 2, TwoPointEstimates.GammaRatio(2), Tolerances.ClosedForm);
        Assert.Equal(2 / Math.Sqrt(Math.PI), TwoPointEstimates.GammaRatio(3), Tolerances.ClosedForm);
        Assert.Equal(3 * Math.Sqrt(Math.PI) / 4, TwoPointEstimates.GammaRatio(4), Tolerances.ClosedForm);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ExactGaussianSamplesReproduceTheExactLawWithinErrors(int n)
    {
        // n independent components, each an exact sample of the free field: G(r), G(k_m), chi_2 and <M_a> = 0 within 4 errors.
        var lattice = new Lattice(2, 8);
        var field = GaussianField.AtCorrelationLengthOverSize(lattice, 0.5);
        int count = 3000;
        var draws = new ExactSampler(field).Sample(count * n, seed: 2222);
        var layout = new TwoPointObservables(lattice, n);
        var estimates = TwoPointEstimates.FromRows(layout, layout.Rows(draws, count, threads: 2));
        var exact = TwoPointEstimates.Gaussian(lattice, n, field.SpectrumTable());
        var pairs = estimates.Named.Zip(exact.Named).Concat(
            estimates.Correlation.Select((s, r) => (("G(r)", s), ("G(r)", exact.Correlation[r]))));
        foreach (var ((name, measured), (_, truth)) in pairs)
            Assert.True(Math.Abs(measured.Mean - truth.Mean) < Tolerances.StandardErrors * measured.Error,
                $"{name}: {measured} against {truth.Mean}");
        Assert.Equal(5, estimates.Correlation.Count);
        Assert.Equal(2, estimates.LowModes.Count);
    }
}
