using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Statistics;
using CritDiff.Tests.Fields;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// The phi^4 and Gaussian-field kernels against exact laws: lambda = 0 phi^4 is a free field per component
/// (beta = 2 kappa, mu2 = 1/kappa - 2d), checked against the dense V x V covariance; lambda > 0 on two sites against
/// quadrature of exp(-S); the Gaussian field against its spectral chi and G(e_1). The hopping form the kernels use
/// equals the model's action and force.
/// </summary>
public class Phi4KernelTests
{
    public static TheoryData<string, int> Phi4Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in new[] { "metropolis", "hmc", "wolff" })
        {
            data.Add(name, 1);
            data.Add(name, 2);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Phi4Cases))]
    public void GaussianLimitMatchesTheDenseCovariance(string name, int n)
    {
        var lattice = new Lattice(2, 4);
        var model = new Phi4Model(lattice, n, kappa: 0.2, lambda: 0);
        var (beta, mu2) = model.GaussianLimit!.Value;
        var covariance = DenseReference.Covariance(lattice, beta, mu2);
        double chi = 0;
        for (int y = 0; y < lattice.SiteCount; y++) chi += covariance[0, y];
        var kernel = ModelKernels.Create(name, model);
        var run = ModelRun.Of(kernel, sweeps: 30_000, thermalization: 1_000, seed: 41);
        ModelRun.AssertMean(chi, run.Susceptibility, $"{name} n = {n} chi");
        ModelRun.AssertMean(covariance[0, lattice.Neighbour(0, 0, 1)], run.Energy, $"{name} n = {n} G(e1)");
        ModelRun.AssertMean(covariance[0, 0], run.LocalSquare, $"{name} n = {n} G(0)");
        if (kernel.TargetAcceptance is { } target) Assert.InRange(run.Acceptance, target - 0.15, target + 0.15);
    }

    [Theory]
    [MemberData(nameof(Phi4Cases))]
    public void QuarticTwoSiteLawMatchesQuadrature(string name, int n)
    {
        var model = new Phi4Model(new Lattice(1, 2), n, kappa: 0.3, lambda: 0.5);
        var (square, energy) = ExactReferences.TwoSitePhi4(n, model.Kappa, model.Lambda);
        var run = ModelRun.Of(ModelKernels.Create(name, model), sweeps: 60_000, thermalization: 1_000, seed: 43);
        ModelRun.AssertMean(square, run.LocalSquare, $"{name} n = {n} <|phi|^2>/n");
        ModelRun.AssertMean(energy, run.Energy, $"{name} n = {n} <phi0.phi1>/n");
    }

    [Theory]
    [InlineData("metropolis")]
    [InlineData("hmc")]
    public void GaussianFieldKernelsMatchTheSpectralValues(string name)
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 6), 0.25);
        var kernel = ModelKernels.Create(name, field);
        var run = ModelRun.Of(kernel, sweeps: 30_000, thermalization: 1_000, seed: 47);
        ModelRun.AssertMean(field.Susceptibility, run.Susceptibility, $"{name} chi");
        ModelRun.AssertMean(field.Energy, run.Energy, $"{name} E");
        Assert.InRange(run.Acceptance, kernel.TargetAcceptance!.Value - 0.15, kernel.TargetAcceptance.Value + 0.15);
    }

    [Theory]
    [InlineData(2, 4, 1, 0.7)]
    [InlineData(3, 3, 2, 0.0)]
    [InlineData(1, 2, 3, 0.4)]
    public void HoppingFormEqualsTheModelsActionAndForce(int d, int l, int n, double lambda)
    {
        var lattice = new Lattice(d, l);
        LatticeModel[] models = lambda == 0
            ? [new Phi4Model(lattice, n, 0.9 / (2 * d), 0), GaussianField.AtBeta(lattice, 0.7)]
            : [new Phi4Model(lattice, n, 0.31, lambda)];
        foreach (var model in models)
        {
            var random = new RandomStream(3, (ulong)n);
            var phi = new double[model.ConfigurationLength];
            random.FillGaussian(phi);
            var expected = new double[phi.Length];
            var force = new double[phi.Length];
            model.Force(phi, expected);
            double action = HoppingAction.Of(model).ForceAndAction(phi, force, new double[lattice.SiteCount]);
            Assert.Equal(model.Action(phi), action, Tolerances.ClosedForm * Math.Max(1, Math.Abs(action)));
            for (int i = 0; i < phi.Length; i++) Assert.Equal(expected[i], force[i], Tolerances.ClosedForm * 10);
        }
    }

    [Fact]
    public void SpinModelsHaveNoHoppingKernels()
    {
        var spins = SpinModel.AtBeta(new Lattice(2, 4), 2, 0.5);
        var phi4 = new Phi4Model(new Lattice(2, 4), 1, 0.2, 0.1);
        var gauss = GaussianField.AtBeta(new Lattice(2, 4), 0.5);
        Assert.Contains("metropolis, hmc, wolff", Assert.Throws<ArgumentException>(() => ModelKernels.Create("heatbath", phi4)).Message, StringComparison.Ordinal);
        Assert.Contains("metropolis, hmc)", Assert.Throws<ArgumentException>(() => ModelKernels.Create("wolff", gauss)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ModelKernels.Create("hmc", spins));
        Assert.Throws<ArgumentException>(() => new FieldMetropolis(spins));
    }
}
