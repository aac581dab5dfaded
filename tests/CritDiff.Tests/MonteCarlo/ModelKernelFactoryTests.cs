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
        double[] Run(ulong chainIndex)
        {
            var chain = new ModelChain(model, 5, chainIndex, kernel.DefaultStepSize);
            for (int t = 0; t < 20; t++) kernel.Sweep(chain);
            Assert.Equal(20, chain.SweepCount);
            Assert.True(chain.SiteUpdates >= 20L * model.Lattice.SiteCount, $"{chain.SiteUpdates} site updates");
            return chain.Configuration;
        }
        var first = Run(0);
        Assert.Equal(first, Run(0)); // exact equality of doubles
        Assert.NotEqual(first, Run(1));
        Assert.True(first.All(double.IsFinite));
    }

    private static IEnumerable<(string Label, LatticeModel Model)> Models() =>
    [
        ("ising", SpinModel.AtBeta(Square, 1, 0.4)),
        ("o3", SpinModel.AtBetaUnit(Square, 3, 1.0)),
        ("phi4", new Phi4Model(Square, 2, 0.2, 0.3)),
        ("gaussian", GaussianField.AtBeta(Square, 0.5)),
    ];
}
