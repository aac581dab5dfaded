using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Tests.Networks;

public class LinearScoreModelTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var a in new[] { "one-layer", "one-layer-local:1", "two-layer-local:1", "two-layer", "dense" })
            foreach (int n in new[] { 1, 2 }) data.Add(a, n);
        return data;
    }

    private static (LinearScoreModel Model, NetworkParameters P, double[] X, double[] U) Setup(string architecture, int n, int count,
        ParameterBasis basis = ParameterBasis.Kernel)
    {
        var model = new LinearScoreModel(new Lattice(2, 4), n, Architecture.Parse(architecture), basis);
        var p = basis == ParameterBasis.Fourier
            ? NetworkTestCases.RandomFourierParameters(model.Network, LinearMomentNetwork.Create(model.Lattice, Architecture.Parse(architecture)), 0.4, 7)
            : NetworkTestCases.RandomParameters(model.Network, 0.4, 7);
        var rng = new RandomStream(11, 0);
        var x = new double[count * model.ConfigurationLength];
        var u = new double[x.Length];
        rng.FillGaussian(x);
        rng.FillGaussian(u);
        return (model, p, x, u);
    }

    /// <summary>The Fourier basis (not among the catalog's names, so not in NetworkCatalogContractTests).</summary>
    [Fact]
    public void BackwardAndJacobianDiagonalMatchFiniteDifferencesInTheFourierBasis()
    {
        var (model, p, _, _) = Setup("two-layer", 2, 2, ParameterBasis.Fourier);
        NetworkContract.AssertBackwardMatchesFiniteDifferences(model, p);
        NetworkContract.AssertJacobianDiagonalMatchesFiniteDifferences(model, p);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAppliesTheNetworkToEveryComponent(string architecture, int n)
    {
        const int count = 2;
        var (model, p, x, _) = Setup(architecture, n, count);
        var score = new double[x.Length];
        model.Forward(p, x, count, score);
        int v = model.Lattice.SiteCount;
        var expected = new double[v];
        for (int f = 0; f < count * n; f++)
        {
            model.Network.Apply(p, x.AsSpan(f * v, v), expected);
            Assert.Equal(expected, score.AsSpan(f * v, v).ToArray());
        }
    }

    [Fact]
    public void InitializeIsTheBalancedStartAndReplicasAgree()
    {
        var one = new LinearScoreModel(new Lattice(2, 4), 1, Architecture.Parse("one-layer"));
        var two = new LinearScoreModel(new Lattice(2, 4), 1, Architecture.Parse("two-layer"));
        var rng = new RandomStream(1, 0);
        var p1 = one.CreateParameters();
        one.Initialize(p1, 8, ref rng);
        Assert.All(p1.Layers[0], value => Assert.Equal(0, value));
        var p2 = two.CreateParameters();
        two.Initialize(p2, 8, ref rng);
        var m = ((LinearConvolutionNetwork)two.Network).Multiplier(p2);
        Assert.All(m, value => Assert.Equal(-1.0 / 8, value.Real, 1e-15));
        Assert.True(one.IsLinear);
        Assert.Equal(one.LayerLengths, one.Replica().LayerLengths);
        Assert.Equal("one-layer", one.Replica().Name);
    }
}
