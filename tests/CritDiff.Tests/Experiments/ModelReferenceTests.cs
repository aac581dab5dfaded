using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.Tests.Experiments;

/// <summary>
/// The references a finite-n Monte Carlo run is compared with (moved out of the CLI in issue 21), against closed forms:
/// phi^4 at lambda = 0 has the action sum_x phi_x^2 - 2 kappa sum_{x,mu} phi_x phi_{x+mu}, a Gaussian with covariance
/// C(k) = 1 / (2 - 4 kappa sum_mu cos k_mu), summed here mode by mode.
/// </summary>
public sealed class ModelReferenceTests
{
    [Theory]
    [InlineData(2, 4, 0.2)]
    [InlineData(3, 4, 0.1)]
    [InlineData(1, 6, 0.3)]
    public void Phi4AtLambdaZeroIsTheGaussianOfItsAction(int d, int l, double kappa)
    {
        var lattice = new Lattice(d, l);
        var reference = ModelReference.Of(new Phi4Model(lattice, 1, kappa, 0))!;
        Assert.StartsWith("exact Gaussian", reference.Kind, StringComparison.Ordinal);

        double C(IReadOnlyList<double> k) => 1 / (2 - 4 * kappa * k.Sum(Math.Cos));
        double nearest = 0;
        foreach (var k in Momenta(d, l)) nearest += C(k) * Math.Cos(k[0]);
        nearest /= lattice.SiteCount;
        double chi = C(new double[d]);
        var k1 = new double[d];
        k1[0] = 2 * Math.PI / l;
        double xi2 = Math.Sqrt((chi / C(k1) - 1) / (4 * Math.Pow(Math.Sin(Math.PI / l), 2)));

        Assert.Equal(chi, reference.Susceptibility, Tolerances.ClosedForm * chi);
        Assert.Equal(nearest, reference.Energy, Tolerances.ClosedForm * Math.Abs(nearest));
        Assert.Equal(xi2, reference.SecondMomentLength, Tolerances.ClosedForm * xi2);
        var json = reference.ToJson();
        Assert.Equal(["kind", "chi", "energy", "xi2"], json.Select(p => p.Key).ToArray());
        Assert.Equal(chi, (double)json["chi"]!, Tolerances.ClosedForm * chi);
    }

    [Fact]
    public void SpinsAreComparedWithTheLargeNLimitAtTheSameBeta()
    {
        var lattice = new Lattice(3, 4);
        var reference = ModelReference.Of(SpinModel.AtBeta(lattice, 3, 0.2))!;
        var limit = GaussianField.AtBeta(lattice, 0.2);
        Assert.StartsWith("n -> inf", reference.Kind, StringComparison.Ordinal);
        Assert.Equal((limit.Susceptibility, limit.Energy, limit.SecondMomentCorrelationLength),
            (reference.Susceptibility, reference.Energy, reference.SecondMomentLength));
    }

    [Fact]
    public void InteractingPhi4AndSpinsAtBetaZeroHaveNoReference()
    {
        var lattice = new Lattice(2, 4);
        Assert.Null(ModelReference.Of(new Phi4Model(lattice, 1, 0.2, 1)));
        Assert.Null(ModelReference.Of(SpinModel.AtBeta(lattice, 2, 0)));
    }

    private static IEnumerable<double[]> Momenta(int d, int l)
    {
        int count = (int)Math.Pow(l, d);
        for (int index = 0; index < count; index++)
        {
            var k = new double[d];
            for (int mu = 0, rest = index; mu < d; mu++, rest /= l) k[mu] = 2 * Math.PI * (rest % l) / l;
            yield return k;
        }
    }
}
