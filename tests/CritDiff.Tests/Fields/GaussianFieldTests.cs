using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.Tests.Fields;

public class GaussianFieldTests
{
    public static TheoryData<int, int, double> Couplings => new()
    {
        { 2, 4, 0.3 }, { 2, 4, 1.5 }, { 3, 3, 0.2527310098586621 }, { 3, 3, 0.8 }, { 2, 5, 0.6 }, { 1, 6, 2.0 }, { 4, 2, 0.4 },
    };

    [Theory]
    [MemberData(nameof(Couplings))]
    public void GapEquationMakesDenseCovarianceDiagonalOne(int d, int l, double beta)
    {
        var field = GaussianField.AtBeta(new Lattice(d, l), beta);
        var covariance = DenseReference.Covariance(field.Lattice, field.Beta, field.MassSquared);
        for (int x = 0; x < field.Lattice.SiteCount; x++)
            Assert.Equal(1.0, covariance[x, x], Tolerances.DenseBruteForce);
        Assert.Equal(1.0, field.LocalVariance, Tolerances.ClosedForm);
    }

    [Theory]
    [MemberData(nameof(Couplings))]
    public void ExactObservablesMatchDenseCovariance(int d, int l, double beta)
    {
        var lattice = new Lattice(d, l);
        var field = GaussianField.AtBeta(lattice, beta);
        var covariance = DenseReference.Covariance(lattice, field.Beta, field.MassSquared);
        int v = lattice.SiteCount;

        // chi = sum_y Cov(0, y); E = Cov(x, x + e_1); Var M = (1/V^2) sum_{x,y} Cov(x, y).
        double chi = covariance.Row(0).Sum();
        Assert.Equal(chi, field.Susceptibility, chi * Tolerances.DenseBruteForce);
        double energy = Enumerable.Range(0, v).Average(x => covariance[x, lattice.Neighbour(x, 0, 1)]);
        Assert.Equal(energy, field.Energy, Tolerances.DenseBruteForce);
        Assert.Equal(covariance.Enumerate().Sum() / ((double)v * v), field.MagnetisationVariance,
            field.MagnetisationVariance * Tolerances.DenseBruteForce);

        // G(x) for every displacement, and C(k) for every mode.
        var displacement = new int[d];
        for (int x = 0; x < v; x++)
        {
            lattice.Coordinates(x, displacement);
            Assert.Equal(covariance[0, x], field.TwoPoint(displacement), Tolerances.DenseBruteForce);
        }
        var spectrum = field.SpectrumTable();
        for (int k = 0; k < v; k++)
        {
            double expected = DenseReference.Spectrum(lattice, covariance, k);
            Assert.Equal(expected, spectrum[k], expected * Tolerances.DenseBruteForce);
        }

        // xi2 from the dense C(0), C(k1) equals 1/sqrt(mu2).
        double xi2 = GaussianField.SecondMomentLength(DenseReference.Spectrum(lattice, covariance, 0),
            DenseReference.Spectrum(lattice, covariance, lattice.FirstMode(0)), l);
        Assert.Equal(xi2, field.SecondMomentCorrelationLength, xi2 * Tolerances.DenseBruteForce);
        Assert.Equal(field.CorrelationLength, field.SecondMomentCorrelationLength, xi2 * Tolerances.ClosedForm);
    }

    [Fact]
    public void FreeFieldHasBetaOneAndNoConstraint()
    {
        var lattice = new Lattice(2, 4);
        var field = GaussianField.FreeField(lattice, 0.7);
        Assert.Equal(1.0, field.Beta);
        Assert.True(field.IsFreeField);
        var covariance = DenseReference.Covariance(lattice, 1, 0.7);
        Assert.Equal(covariance[0, 0], field.LocalVariance, Tolerances.DenseBruteForce);
        Assert.NotEqual(1.0, field.LocalVariance, 1e-3);
        Assert.Equal(covariance.Row(0).Sum(), field.Susceptibility, Tolerances.DenseBruteForce);
        Assert.Equal(covariance[0, lattice.Neighbour(0, 0, 1)], field.Energy, Tolerances.DenseBruteForce);
    }

    [Theory]
    [InlineData(2, 8, 0.05)]
    [InlineData(3, 6, 1.3)]
    public void ParameterisationsAgree(int d, int l, double massSquared)
    {
        var lattice = new Lattice(d, l);
        var byMass = GaussianField.AtMassSquared(lattice, massSquared);
        var byBeta = GaussianField.AtBeta(lattice, byMass.Beta);
        Assert.Equal(massSquared, byBeta.MassSquared, massSquared * GapEquation.RelativeAccuracy);
        var byXi = GaussianField.AtCorrelationLength(lattice, 1 / Math.Sqrt(massSquared));
        Assert.Equal(byMass.Beta, byXi.Beta, byMass.Beta * Tolerances.ClosedForm);
        var byRatio = GaussianField.AtCorrelationLengthOverSize(lattice, 1 / Math.Sqrt(massSquared) / l);
        Assert.Equal(massSquared, byRatio.MassSquared, massSquared * Tolerances.ClosedForm);
        Assert.Equal("xi/L", byRatio.Parameterisation);
    }

    [Theory]
    [InlineData(1e-3)]
    [InlineData(20.0)]
    [InlineData(1e-8)]
    public void GapEquationSolvesToRequestedAccuracyAcrossScales(double beta)
    {
        var lattice = new Lattice(2, 16);
        double mu2 = GapEquation.SolveMassSquared(lattice, beta);
        Assert.Equal(beta, GapEquation.Beta(lattice, mu2), beta * GapEquation.RelativeAccuracy);
    }

    [Fact]
    public void TwoDimensionalLargeBetaMassApproachesAsymptote()
    {
        // mu2 ~ 32 exp(-4 pi beta) in infinite volume: (1/V) sum 1/(khat2 + mu2) = ln(32/mu2)/(4 pi) + O(mu2 ln mu2).
        // L is taken >= 10 xi so finite-size corrections (~exp(-L/xi)) are below the O(mu2 ln mu2) ones.
        double previous = double.PositiveInfinity;
        foreach (var (beta, l) in new[] { (0.7, 256), (0.9, 512), (1.1, 2048) })
        {
            double mu2 = GapEquation.SolveMassSquared(new Lattice(2, l), beta);
            Assert.True(l * Math.Sqrt(mu2) > 10, "lattice too small for the asymptote");
            double deviation = Math.Abs(mu2 / (32 * Math.Exp(-4 * Math.PI * beta)) - 1);
            Assert.True(deviation < 4 * Math.PI * mu2 * Math.Log(32 / mu2), $"beta={beta}: deviation {deviation}");
            Assert.True(deviation < previous, "the deviation must shrink as beta grows");
            previous = deviation;
        }
    }

    [Fact]
    public void CriticalPointMassScalesLikeInverseLSquared()
    {
        // At beta_c in d = 3, mu2 L^2 tends to a constant: successive doublings change it less and less.
        var products = new[] { 8, 16, 32, 64 }
            .Select(l => GaussianField.AtCriticalPoint(new Lattice(3, l)).MassSquared * l * l).ToArray();
        for (int i = 1; i < products.Length; i++)
            Assert.InRange(products[i] / products[i - 1], 0.8, 1.25);
        Assert.True(Math.Abs(products[3] / products[2] - 1) < Math.Abs(products[1] / products[0] - 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianField.AtCriticalPoint(new Lattice(2, 8)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void RejectsNonPositiveParameters(double value)
    {
        var lattice = new Lattice(2, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianField.AtBeta(lattice, value));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianField.AtMassSquared(lattice, value));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianField.AtCorrelationLength(lattice, value));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianField.FreeField(lattice, value));
    }
}
