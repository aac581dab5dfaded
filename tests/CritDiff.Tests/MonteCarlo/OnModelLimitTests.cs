using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using Xunit.Abstractions;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// Physical limits of the finite-n measurements: the 2D Ising Binder cumulant at beta_c against the universal
/// U* = 0.61069 (Salas and Sokal 2000), and O(n) spins at large n against the exact n -> inf Gaussian field at the same
/// beta (docs/science.md sections 3 and 10), with a deviation that falls like 1/n.
/// </summary>
public class OnModelLimitTests(ITestOutputHelper output)
{
    /// <summary>Universal Binder cumulant of the 2D Ising model at criticality on periodic squares (Salas and Sokal 2000).</summary>
    private const double IsingBinderStar = 0.61069;

    [Fact]
    public void IsingBinderAtCriticalCouplingIsTheUniversalValue()
    {
        double betaC = LiteratureCriticalPoints.Of(2, 1)!.BetaUnit;
        var model = SpinModel.AtBetaUnit(new Lattice(2, 16), 1, betaC);
        var result = ModelMcmc.Run(model, "wolff", new ModelMcmcSettings(4_000, 200, Chains: 2, Seed: 21, SpectrumInterval: 0));
        output.WriteLine($"U(L = 16, beta_c) = {result.Estimates.Binder}, tau_int = {result.TauMax:G3}");
        Assert.True(result.IsValid, string.Join("; ", result.Warnings));
        ModelMcmcTests.AssertWithin(IsingBinderStar, result.Estimates.Binder, "U", Tolerances.IsingBinderFiniteSize);
    }

    [Fact]
    public void LargeNSpinsApproachTheGaussianFieldLikeOneOverN()
    {
        // beta = 0.2 in the |s|^2 = n normalisation: below the n -> inf beta_c(3) = 0.2527 (xi2 = 1.3 at L = 4).
        var lattice = new Lattice(3, 4);
        const double beta = 0.2;
        var gaussian = GaussianField.AtBeta(lattice, beta);
        var deviation = new Dictionary<int, (double Chi, double ChiError, double Energy, double EnergyError)>();
        foreach (var (n, sweeps) in new[] { (8, 1_000), (64, 600) })
        {
            var r = ModelMcmc.Run(SpinModel.AtBeta(lattice, n, beta), "heatbath", new ModelMcmcSettings(sweeps, 100, Chains: 2, Seed: 17, SpectrumInterval: 0));
            Assert.True(r.IsValid, string.Join("; ", r.Warnings));
            var e = r.Estimates;
            deviation[n] = (e.Susceptibility.Mean / gaussian.Susceptibility - 1, e.Susceptibility.Error / gaussian.Susceptibility,
                e.Energy.Mean / gaussian.Energy - 1, e.Energy.Error / gaussian.Energy);
            output.WriteLine($"n = {n}: chi = {e.Susceptibility} (inf: {gaussian.Susceptibility:G6}), e = {e.Energy} (inf: {gaussian.Energy:G6}), n x rel. dev. chi {n * deviation[n].Chi:G3}, e {n * deviation[n].Energy:G3}");
        }
        foreach (int n in deviation.Keys)
        {
            double bound = Tolerances.LargeNCoefficient / n;
            Assert.True(Math.Abs(deviation[n].Chi) < bound + Tolerances.StandardErrors * deviation[n].ChiError, $"n = {n}: chi deviates by {deviation[n].Chi:G3}, bound {bound:G3}");
            Assert.True(Math.Abs(deviation[n].Energy) < bound + Tolerances.StandardErrors * deviation[n].EnergyError, $"n = {n}: e deviates by {deviation[n].Energy:G3}, bound {bound:G3}");
        }
        Assert.True(Math.Abs(deviation[64].Chi) < Math.Abs(deviation[8].Chi), "chi: n = 64 should be closer to n = inf than n = 8");
        Assert.True(Math.Abs(deviation[64].Energy) < Math.Abs(deviation[8].Energy), "e: n = 64 should be closer to n = inf than n = 8");
        // 1/n: n x deviation is about the same at n = 8 and 64 (within a factor 2.5; 1/n^2 terms and errors take the rest).
        double ratio = 64 * deviation[64].Energy / (8 * deviation[8].Energy);
        Assert.InRange(ratio, 1 / 2.5, 2.5);
    }
}
