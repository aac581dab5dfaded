using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Statistics;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// O(2) and O(3) kernels against exact references: the periodic ring's bond energy &lt;u_0 . u_1&gt; from its
/// transfer-operator spectrum (itself checked against direct quadrature), and the von Mises-Fisher sampler's first two
/// moments against Bessel-function ratios.
/// </summary>
public class ContinuousSpinKernelTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string name in new[] { "metropolis", "heatbath", "overrelax", "wolff" })
        {
            data.Add(name, 2, 3);
            data.Add(name, 3, 4);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RingBondEnergyMatchesTheTransferOperator(string name, int n, int sites)
    {
        const double betaUnit = 1.3;
        var model = SpinModel.AtBetaUnit(new Lattice(1, sites), n, betaUnit);
        double exact = ExactReferences.RingBondEnergy(n, sites, betaUnit);
        var kernel = ModelKernels.Create(name, model);
        var run = ModelRun.Of(kernel, sweeps: 40_000, thermalization: 1_000, seed: 23);
        ModelRun.AssertMean(exact, run.Energy, $"{name} O({n}) ring of {sites}: <u0.u1>");
        Assert.All(run.LocalSquare, q => Assert.Equal(1, q, 1e-12)); // |s|^2 = n kept to rounding
        if (kernel.TargetAcceptance is { } target) Assert.InRange(run.Acceptance, target - 0.15, target + 0.15);
    }

    [Theory]
    [InlineData(2, 0.7)]
    [InlineData(3, 1.9)]
    [InlineData(3, 0.05)]
    public void RingReferenceMatchesQuadrature(int n, double betaUnit)
    {
        Assert.Equal(ExactReferences.ThreeRingByQuadrature(n, betaUnit), ExactReferences.RingBondEnergy(n, 3, betaUnit), Tolerances.Quadrature);
    }

    [Fact]
    public void LongRingApproachesTheBesselRatio()
    {
        // N -> inf: <u0.u1> = I_(n/2)(beta) / I_(n/2 - 1)(beta) (only the l = 0 eigenvalue survives).
        foreach (int n in new[] { 2, 3, 4 })
            Assert.Equal(ExactReferences.MeanCosine(n, 1.1), ExactReferences.RingBondEnergy(n, 400, 1.1), Tolerances.ClosedForm);
    }

    [Theory]
    [InlineData(2, 0.3)]
    [InlineData(2, 6)]
    [InlineData(3, 0.3)]
    [InlineData(3, 6)]
    [InlineData(4, 2)]
    [InlineData(5, 0.5)]
    [InlineData(7, 12)]
    public void VonMisesFisherCosineHasTheExactMoments(int m, double kappa)
    {
        // E[w] = A = I_(m/2)/I_(m/2-1); E[w^2] = 1 - (m - 1) A / kappa (from d ln Z / d kappa and the Bessel recurrence).
        double mean = ExactReferences.MeanCosine(m, kappa), square = 1 - (m - 1) * mean / kappa;
        const int draws = 100_000;
        var random = new RandomStream(31, (ulong)m);
        foreach (bool wood in m == 3 ? new[] { true, false } : [true])
        {
            var w = new double[draws];
            var w2 = new double[draws];
            for (int i = 0; i < draws; i++)
            {
                double oneMinus = wood ? VonMisesFisher.Wood(ref random, m, kappa) : VonMisesFisher.ClosedFormThree(ref random, kappa);
                w[i] = 1 - oneMinus;
                w2[i] = w[i] * w[i];
            }
            string method = wood ? "Wood" : "closed form";
            AssertIndependentMean(mean, w, $"{method} E[w], m = {m}, kappa = {kappa}");
            AssertIndependentMean(square, w2, $"{method} E[w^2], m = {m}, kappa = {kappa}");
        }
    }

    [Fact]
    public void OverRelaxationIsRefusedAtOneComponent()
    {
        var ising = SpinModel.AtBeta(new Lattice(2, 4), 1, 0.3);
        var error = Assert.Throws<ArgumentException>(() => ModelKernels.Create("overrelax", ising));
        Assert.Contains("metropolis, heatbath, wolff", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SpinOverRelaxation(ising));
    }

    private static void AssertIndependentMean(double exact, double[] samples, string what)
    {
        var stats = Stats.FromSamples(samples);
        Assert.True(Math.Abs(stats.Mean - exact) <= Tolerances.StandardErrors * stats.Error,
            $"{what}: {stats}, exact {exact:G10} ({stats.StandardScore(exact):F2} standard errors)");
    }
}
