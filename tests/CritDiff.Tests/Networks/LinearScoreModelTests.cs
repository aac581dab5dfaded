using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Tests.Networks;

public class LinearScoreModelTests
{
    /// <summary>
    /// Central differences of a function polynomial of degree &lt;= 2 in each coordinate (depth &lt;= 2, or linear in x)
    /// have no truncation error: only rounding, ~1e-16 |F| / h with h = 1e-5, well below this relative bound.
    /// </summary>
    private const double FiniteDifference = 1e-8;

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
            ? NetworkTestCases.RandomFourierParameters(model.Network, ScoreNetwork.Create(model.Lattice, Architecture.Parse(architecture)), 0.4, 7)
            : NetworkTestCases.RandomParameters(model.Network, 0.4, 7);
        var rng = new RandomStream(11, 0);
        var x = new double[count * model.ConfigurationLength];
        var u = new double[x.Length];
        rng.FillGaussian(x);
        rng.FillGaussian(u);
        return (model, p, x, u);
    }

    private static double Contract(LinearScoreModel model, NetworkParameters p, double[] x, double[] u, int count)
    {
        var s = new double[x.Length];
        model.Forward(p, x, count, s);
        double sum = 0;
        for (int i = 0; i < s.Length; i++) sum += u[i] * s[i];
        return sum;
    }

    /// <summary>The Fourier basis (not among the catalog's names, so not in NetworkCatalogContractTests).</summary>
    [Fact]
    public void BackwardMatchesFiniteDifferencesInTheFourierBasis()
    {
        const int count = 2;
        var (model, p, x, u) = Setup("two-layer", 2, count, ParameterBasis.Fourier);
        var gradient = model.CreateParameters();
        model.Forward(p, x, count, new double[x.Length]);
        model.Backward(p, u, gradient);
        AssertFiniteDifferences(model, p, x, u, count, gradient);
    }

    private static void AssertFiniteDifferences(LinearScoreModel model, NetworkParameters p, double[] x, double[] u, int count,
        NetworkParameters gradient)
    {
        const double h = 1e-5;
        double scale = 1 + gradient.Layers.Max(l => l.Max(Math.Abs));
        for (int j = 0; j < p.Layers.Length; j++)
            for (int i = 0; i < p.Layers[j].Length; i++)
            {
                double saved = p.Layers[j][i];
                p.Layers[j][i] = saved + h;
                double plus = Contract(model, p, x, u, count);
                p.Layers[j][i] = saved - h;
                double minus = Contract(model, p, x, u, count);
                p.Layers[j][i] = saved;
                Assert.True(Math.Abs((plus - minus) / (2 * h) - gradient.Layers[j][i]) <= FiniteDifference * scale,
                    $"layer {j} entry {i}: finite difference {(plus - minus) / (2 * h)}, backward {gradient.Layers[j][i]}");
            }
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
        var m = ((ConvolutionNetwork)two.Network).Multiplier(p2);
        Assert.All(m, value => Assert.Equal(-1.0 / 8, value.Real, 1e-15));
        Assert.True(one.IsLinear);
        Assert.Equal(one.LayerLengths, one.Replica().LayerLengths);
        Assert.Equal("one-layer", one.Replica().Name);
    }
}
