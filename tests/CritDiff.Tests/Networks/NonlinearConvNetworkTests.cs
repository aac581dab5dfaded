using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Tests.Networks;

public class NonlinearConvNetworkTests
{
    /// <summary>
    /// The geometries the catalog's contract test (NetworkCatalogContractTests: every example network on 8, 4^2 and 3^3 sites,
    /// n = 1, 2) does not reach: a wider kernel (R = 2 in d = 1) and d = 4.
    /// (The contract test's conv:2:1:2:silu on 8 sites has the depth-2 colouring period P = 4 &lt; L.)
    /// </summary>
    public static TheoryData<int, int, int, int, int, string> Cases()
    {
        var data = new TheoryData<int, int, int, int, int, string>();
        foreach (int n in new[] { 1, 2 })
            foreach (int depth in new[] { 1, 2 })
                foreach (string tail in new[] { "tanh", "silu", "identity:odd" })
                    data.Add(1, 12, 2, n, depth, tail);
        // d = 4 (E = 81): a few cases only, to keep the suite fast.
        data.Add(4, 3, 1, 1, 2, "tanh");
        data.Add(4, 3, 1, 2, 1, "silu");
        data.Add(4, 3, 1, 1, 1, "identity:odd");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardMatchesFiniteDifferences(int d, int l, int r, int n, int depth, string tail)
    {
        var (net, p) = Build(d, l, r, n, depth, tail);
        NetworkContract.AssertBackwardMatchesFiniteDifferences(net, p);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void JacobianDiagonalMatchesFiniteDifferences(int d, int l, int r, int n, int depth, string tail)
    {
        var (net, p) = Build(d, l, r, n, depth, tail);
        NetworkContract.AssertJacobianDiagonalMatchesFiniteDifferences(net, p);
    }

    [Theory]
    [InlineData(2, 6, 1)]
    [InlineData(2, 5, 2)]
    [InlineData(1, 9, 3)]
    [InlineData(3, 4, 1)]
    public void IdentityNetworkEqualsTheTwoLayerLocalLinearNetwork(int d, int l, int r)
    {
        // Ours: (K * h)(x) = sum_e K[e] h(x + e); LinearConvolutionNetwork: (K * phi)(x) = sum_y K(y) phi(x - y), so K(y) = K[-e].
        var lattice = new Lattice(d, l);
        var net = new NonlinearConvNetwork(lattice, 1, new ConvSpec(1, r, 1, Activation.Identity), 1);
        var p = net.CreateParameters();
        var rng = new RandomStream(5, (ulong)(d * 100 + l));
        rng.FillGaussian(p.Layers[0]);
        rng.FillGaussian(p.Layers[2]);
        // b_1 = 0 and K_0 = 0 (arrays 1 and 3) as created.
        var linear = (LinearConvolutionNetwork)LinearMomentNetwork.Create(lattice, Architecture.Parse($"two-layer-local:{r}"));
        var q = linear.CreateParameters();
        var geometry = new ConvGeometry(lattice, r);
        for (int layer = 0; layer < 2; layer++)
        {
            var support = linear.SupportOffsets(layer).ToList();
            for (int e = 0; e < geometry.OffsetCount; e++)
            {
                int site = lattice.Index(geometry.Offsets[e].Select(c => -c).ToArray());
                q.Layers[layer][support.IndexOf(site)] = p.Layers[2 * layer][e];
            }
        }
        var x = Gaussian(lattice.SiteCount, 7);
        var expected = new double[x.Length];
        linear.Apply(q, x, expected);
        var actual = new double[x.Length];
        net.Forward(p, x, 1, actual);
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < x.Length; i++) Assert.Equal(expected[i], actual[i], Tolerances.ClosedForm * scale);
    }

    [Theory]
    [InlineData("conv:3:1:tanh:odd", 2)]
    [InlineData("conv:2:1:2:tanh:odd", 1)]
    [InlineData("conv:2:1:identity:odd", 2)]
    public void OddNetworksAreOdd(string name, int n)
    {
        var (net, p) = Build(2, 5, ConvSpec.Parse(name), n);
        var x = Gaussian(3 * net.ConfigurationLength, 8);
        var negated = x.Select(v => -v).ToArray();
        var s = new double[x.Length];
        var t = new double[x.Length];
        net.Forward(p, x, 3, s);
        net.Forward(p, negated, 3, t);
        for (int i = 0; i < x.Length; i++) Assert.Equal(-s[i], t[i], 1e-15 * (1 + Math.Abs(s[i])));
    }

    [Theory]
    [InlineData(2, 6, "conv:3:1:2:silu", 2)]
    [InlineData(3, 4, "conv:2:1:tanh", 1)]
    [InlineData(1, 8, "conv:2:2:tanh", 2)]
    public void TranslationEquivariant(int d, int l, string name, int n)
    {
        var (net, p) = Build(d, l, ConvSpec.Parse(name), n);
        var lattice = net.Lattice;
        int v = lattice.SiteCount;
        var x = Gaussian(net.ConfigurationLength, 9);
        var shift = Enumerable.Range(0, d).Select(mu => mu + 1).ToArray();
        var moved = new int[v];
        var coordinates = new int[d];
        for (int site = 0; site < v; site++)
        {
            lattice.Coordinates(site, coordinates);
            for (int mu = 0; mu < d; mu++) coordinates[mu] += shift[mu];
            moved[site] = lattice.Index(coordinates);
        }
        var y = new double[x.Length];
        for (int a = 0; a < n; a++)
            for (int site = 0; site < v; site++) y[a * v + moved[site]] = x[a * v + site];
        var s = new double[x.Length];
        var t = new double[x.Length];
        net.Forward(p, x, 1, s);
        net.Forward(p, y, 1, t);
        double scale = s.Max(Math.Abs);
        for (int a = 0; a < n; a++)
            for (int site = 0; site < v; site++)
                Assert.Equal(s[a * v + site], t[a * v + moved[site]], Tolerances.ClosedForm * scale);
    }

    [Fact]
    public void InitializeStartsAtMinusXOverMaxVariance()
    {
        var net = new NonlinearConvNetwork(new Lattice(2, 6), 2, ConvSpec.Parse("conv:4:1:2"), 1);
        var p = net.CreateParameters();
        var rng = new RandomStream(1, 2);
        net.Initialize(p, 2.5, ref rng);
        var x = Gaussian(net.ConfigurationLength, 12);
        var s = new double[x.Length];
        net.Forward(p, x, 1, s);
        for (int i = 0; i < x.Length; i++) Assert.Equal(-x[i] / 2.5, s[i], Tolerances.ClosedForm);
        Assert.Contains(p.Layers[0], v => v != 0);
        Assert.Equal(net.Spec.ParameterCount(net.Lattice, 2), net.ParameterCount);
    }

    [Theory]
    [InlineData("conv:8:1", 8, 1, 1, Activation.Tanh, false, "conv:8:1:tanh")]
    [InlineData("conv:4:1:2:silu", 4, 1, 2, Activation.Silu, false, "conv:4:1:2:silu")]
    [InlineData("conv:4:1:tanh:odd", 4, 1, 1, Activation.Tanh, true, "conv:4:1:tanh:odd")]
    [InlineData("conv:4:1:odd:3:identity", 4, 1, 3, Activation.Identity, true, "conv:4:1:3:identity:odd")]
    [InlineData(" CONV:256:0:Silu:8 ", 256, 0, 8, Activation.Silu, false, "conv:256:0:8:silu")]
    [InlineData("conv:1:2:odd", 1, 2, 1, Activation.Tanh, true, "conv:1:2:tanh:odd")]
    public void ParseAcceptsTheDocumentedForms(string text, int c, int r, int depth, Activation activation, bool odd, string name)
    {
        var spec = ConvSpec.Parse(text);
        Assert.Equal(new ConvSpec(c, r, depth, activation, odd), spec);
        Assert.Equal(name, spec.Name);
        Assert.Equal(spec, ConvSpec.Parse(spec.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("conv")]
    [InlineData("conv:8")]
    [InlineData("dense:8:1")]
    [InlineData("conv:0:1")]
    [InlineData("conv:257:1")]
    [InlineData("conv:-1:1")]
    [InlineData("conv:8:-1")]
    [InlineData("conv:x:1")]
    [InlineData("conv:8:1:0")]
    [InlineData("conv:8:1:9")]
    [InlineData("conv:8:1:relu")]
    [InlineData("conv:8:1:")]
    [InlineData("conv:8:1:2:3")]
    [InlineData("conv:8:1:tanh:silu")]
    [InlineData("conv:8:1:odd:odd")]
    [InlineData("conv:8:1:silu:odd")]
    [InlineData("conv:8:1:+2")]
    public void ParseRejectsWithTheAcceptedForms(string text)
    {
        var error = Assert.Throws<FormatException>(() => ConvSpec.Parse(text));
        Assert.Contains("conv:C:R", error.Message);
        Assert.Contains("1 <= C <= 256", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        if (text.Contains("silu:odd")) Assert.Contains("odd needs tanh or identity", error.Message);
    }

    [Fact]
    public void ValidateRejectsARangeWiderThanTheLattice()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ConvSpec(2, 2).Validate(new Lattice(2, 4)));
        Assert.Equal("Range", error.ParamName);
        Assert.Contains("R = 2", error.Message);
        Assert.Contains("L = 4", error.Message);
        new ConvSpec(2, 2).Validate(new Lattice(2, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NonlinearConvNetwork(new Lattice(1, 4), 1, new ConvSpec(1, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NonlinearConvNetwork(new Lattice(1, 8), 1, new ConvSpec(1, 1, Activation: Activation.Silu, Odd: true)));
    }

    private static (NonlinearConvNetwork Net, NetworkParameters Parameters) Build(int d, int l, int r, int n, int depth, string tail) =>
        Build(d, l, ConvSpec.Parse($"conv:2:{r}:{depth}:{tail}"), n);

    /// <summary>A network with parameters N(0, 1/fan_in)-ish and O(0.3) biases, so tanh and SiLU work in their curved range.</summary>
    private static (NonlinearConvNetwork Net, NetworkParameters Parameters) Build(int d, int l, ConvSpec spec, int n)
    {
        var net = new NonlinearConvNetwork(new Lattice(d, l), n, spec, 2);
        var p = net.CreateParameters();
        var rng = new RandomStream(17, (ulong)(d * 1000 + l * 10 + n));
        foreach (var layer in p.Layers)
        {
            rng.FillGaussian(layer);
            double scale = layer.Length <= spec.Channels ? 0.3 : 1.5 / Math.Sqrt(layer.Length / (double)spec.Channels);
            for (int i = 0; i < layer.Length; i++) layer[i] *= scale;
        }
        return (net, p);
    }

    private static double[] Gaussian(int length, ulong stream)
    {
        var values = new double[length];
        var rng = new RandomStream(2026, stream);
        rng.FillGaussian(values);
        return values;
    }
}
