using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>The factory's names per model, and determinism: a chain is a function of (seed, chain index) alone.</summary>
public class ModelKernelFactoryTests
{
    private static readonly Lattice Square = new(2, 6);

    public static TheoryData<string, string> Everything()
    {
        var data = new TheoryData<string, string>();
        foreach (var (label, model) in Models())
            foreach (string name in ModelKernels.NamesFor(model)) data.Add(label, name);
        return data;
    }

    [Fact]
    public void NamesFollowTheModelKind()
    {
        Assert.Equal(["metropolis", "heatbath", "wolff"], ModelKernels.NamesFor(SpinModel.AtBeta(Square, 1, 0.4)));
        Assert.Equal(["metropolis", "heatbath", "overrelax", "wolff"], ModelKernels.NamesFor(SpinModel.AtBeta(Square, 3, 0.4)));
        Assert.Equal(["metropolis", "hmc", "wolff"], ModelKernels.NamesFor(new Phi4Model(Square, 2, 0.2, 0.1)));
        Assert.Equal(["metropolis", "hmc"], ModelKernels.NamesFor(GaussianField.AtBeta(Square, 0.5)));
        var error = Assert.Throws<ArgumentException>(() => ModelKernels.Create("fa-hmc", new Phi4Model(Square, 1, 0.2, 0.1)));
        Assert.Contains("accepted: metropolis, hmc, wolff", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Everything))]
    public void SameSeedGivesBitIdenticalChains(string label, string name)
    {
        var model = Models().Single(m => m.Label == label).Model;
        var kernel = ModelKernels.Create(name, model);
        // Past the Wolff calibration (about 1000 sweeps here), so all its sweep rules are covered.
        const int sweeps = 1_500;
        double[] Run(ulong chainIndex)
        {
            var chain = new ModelChain(model, 5, chainIndex, kernel.DefaultStepSize);
            for (int t = 0; t < sweeps; t++) kernel.Sweep(chain);
            Assert.Equal(sweeps, chain.SweepCount);
            Assert.True(chain.SiteUpdates >= sweeps * model.Lattice.SiteCount / 2, $"{chain.SiteUpdates} site updates");
            return chain.Configuration;
        }
        var first = Run(0);
        Assert.Equal(first, Run(0)); // exact equality of doubles
        Assert.NotEqual(first, Run(1));
        Assert.True(first.All(double.IsFinite));
    }

    [Theory]
    [InlineData(1, 0.4)]
    [InlineData(1, 0.2)]
    [InlineData(3, 1.0)]
    public void CalibratedWolffSweepsFlipVSitesOnAverage(int n, double betaUnit)
    {
        // After calibration a sweep is floor(mu) or floor(mu) + 1 clusters, mu = V/<C>: V flips per sweep on average,
        // to the calibration's accuracy: 2000 clusters whose sizes spread about as widely as their mean, ~3% (2 sigma 6%),
        // and the same again for the 4000 sweeps measured here.
        var model = SpinModel.AtBetaUnit(Square, n, betaUnit);
        var kernel = ModelKernels.Create("wolff", model);
        var chain = new ModelChain(model, 7, 0, kernel.DefaultStepSize);
        while (chain.ClusterSchedule.ClustersPerSweep == 0 && chain.SweepCount < 5_000) kernel.Sweep(chain);
        Assert.True(chain.ClusterSchedule.ClustersPerSweep >= 1, $"not calibrated after {chain.SweepCount} sweeps");
        long before = chain.SiteUpdates;
        const int sweeps = 4_000;
        for (int t = 0; t < sweeps; t++) kernel.Sweep(chain);
        double perSweep = (chain.SiteUpdates - before) / (double)sweeps;
        Assert.InRange(perSweep / model.Lattice.SiteCount, 0.9, 1.1);
    }

    private static IEnumerable<(string Label, LatticeModel Model)> Models() =>
    [
        ("ising", SpinModel.AtBeta(Square, 1, 0.4)),
        ("o3", SpinModel.AtBetaUnit(Square, 3, 1.0)),
        ("phi4", new Phi4Model(Square, 2, 0.2, 0.3)),
        ("gaussian", GaussianField.AtBeta(Square, 0.5)),
    ];
}
