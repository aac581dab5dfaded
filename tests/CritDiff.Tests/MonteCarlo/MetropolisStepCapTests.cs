using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// The O(n) Metropolis width is tuned towards 50% acceptance, which it cannot reach where even a proposal uniform on the
/// sphere is accepted more often (beta ~ 0, a 1D ring): the tuning must stop at <see cref="SpinMetropolis.MaxWidth"/>
/// (already a uniform proposal to 1e-3), so the reported step means something. Without the cap the rule
/// ln delta += (a - 0.5) / sqrt(1 + t) grows it by about exp(2 x 0.5 sqrt(200)) ~ 1e6 over 200 tuning sweeps at beta = 0.
/// </summary>
public class MetropolisStepCapTests
{
    [Theory]
    [InlineData(2, 2, 4, 0.0)]   // no coupling: every proposal accepted
    [InlineData(3, 2, 4, 1e-6)]  // beta ~ 0
    [InlineData(2, 1, 8, 0.5)]   // a 1D ring: acceptance of uniform proposals stays above 0.5
    public void TunedWidthStopsAtTheCap(int n, int d, int l, double betaUnit)
    {
        var model = SpinModel.AtBetaUnit(new Lattice(d, l), n, betaUnit);
        var result = ModelMcmc.Run(model, "metropolis", new ModelMcmcSettings(32, 400, Chains: 2, Seed: 3, SpectrumInterval: 0));
        Assert.True(result.Acceptance > 0.5, $"acceptance {result.Acceptance}: the case does not test the cap");
        Assert.Equal(SpinMetropolis.MaxWidth, result.StepSize);
    }

    [Fact]
    public void OrdinaryTuningIsUnchanged()
    {
        // 3D O(2) near criticality: the target 0.5 is reachable, the width settles well below the cap.
        var model = SpinModel.AtBetaUnit(new Lattice(3, 4), 2, 0.45);
        var result = ModelMcmc.Run(model, "metropolis", new ModelMcmcSettings(200, 400, Chains: 2, Seed: 3, SpectrumInterval: 0));
        Assert.InRange(result.StepSize, 0.05, 100);
        Assert.InRange(result.Acceptance, 0.35, 0.65);
    }
}
