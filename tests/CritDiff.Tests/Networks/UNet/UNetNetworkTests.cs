using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Tests.Networks.UNet;

/// <summary>
/// The time-conditioned U-Net (unet:C:levels[:odd]) at non-zero conditioning values, which the catalog's contract tests
/// (c = 0) do not reach: derivatives against central finite differences, odd symmetry, translation equivariance under
/// shifts by 2^levels, thread independence, dependence on c, and the parameter count against hand-counted values.
/// </summary>
public class UNetNetworkTests
{
    private const double Step = 1e-5;

    public static TheoryData<string, int, int, int> Cases() => new()
    {
        { "unet:3:2", 1, 8, 1 },
        { "unet:2:2", 1, 8, 2 },
        { "unet:5:1", 2, 4, 1 },     // C = 5: four output channels per kernel pass, and one left over
        { "unet:4:1:odd", 2, 4, 2 },
    };

    private static (UNetNetwork Model, NetworkParameters P, double[] X, double[] C) Build(string name, int d, int l, int n,
        int count = 2, int threads = 1, double scale = 0.4)
    {
        var lattice = new Lattice(d, l);
        var model = (UNetNetwork)NetworkCatalog.Parse(name, lattice).Create(lattice, n, threads);
        var p = model.CreateParameters();
        var rng = new RandomStream(11, (ulong)(d * 100 + l * 10 + n));
        foreach (var layer in p.Layers)
        {
            rng.FillGaussian(layer);
            for (int i = 0; i < layer.Length; i++) layer[i] *= scale;
        }
        var x = NetworkContract.Gaussian(count * model.ConfigurationLength, 21);
        var c = Enumerable.Range(0, count).Select(i => -1.3 + 0.9 * i).ToArray();
        return (model, p, x, c);
    }

    private static double[] Net(UNetNetwork model, NetworkParameters p, double[] x, double[] c)
    {
        var output = new double[x.Length];
        model.Forward(p, x, c, c.Length, output);
        return output;
    }

    private static void AssertClose(double expected, double actual, double largest, string what) =>
        Assert.True(Math.Abs(expected - actual) <= NetworkContract.Tolerance * largest, $"{what}: {actual:R} against {expected:R}");

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardMatchesFiniteDifferencesAtNonZeroConditioning(string name, int d, int l, int n)
    {
        var (model, p, x, c) = Build(name, d, l, n);
        var u = NetworkContract.Gaussian(x.Length, 22);
        Net(model, p, x, c);
        var gradient = model.CreateParameters();
        model.Backward(p, u, gradient);
        double largest = 1 + gradient.Layers.Max(g => g.Max(Math.Abs));
        double Contract() => Net(model, p, x, c).Select((s, i) => s * u[i]).Sum();
        for (int j = 0; j < p.Layers.Length; j++)
            for (int i = 0; i < p.Layers[j].Length; i++)
            {
                double saved = p.Layers[j][i];
                p.Layers[j][i] = saved + Step;
                double plus = Contract();
                p.Layers[j][i] = saved - Step;
                double minus = Contract();
                p.Layers[j][i] = saved;
                AssertClose((plus - minus) / (2 * Step), gradient.Layers[j][i], largest, $"{name} d={d} n={n}: array {j} entry {i}");
            }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void JacobianVectorProductAndDiagonalMatchFiniteDifferences(string name, int d, int l, int n)
    {
        var (model, p, x, c) = Build(name, d, l, n);
        var v = NetworkContract.Gaussian(x.Length, 23);
        var product = new double[x.Length];
        model.JacobianVectorProduct(p, x, c, v, c.Length, product);
        var plus = Net(model, p, x.Select((xi, i) => xi + Step * v[i]).ToArray(), c);
        var minus = Net(model, p, x.Select((xi, i) => xi - Step * v[i]).ToArray(), c);
        var expected = plus.Select((s, i) => (s - minus[i]) / (2 * Step)).ToArray();
        double largest = 1 + expected.Max(Math.Abs);
        for (int i = 0; i < x.Length; i++) AssertClose(expected[i], product[i], largest, $"{name} d={d} n={n}: JVP value {i}");

        var diagonal = new double[x.Length];
        model.JacobianDiagonal(p, x, c, c.Length, diagonal);
        int size = model.ConfigurationLength;
        for (int j = 0; j < size; j++)
        {
            var up = (double[])x.Clone();
            var down = (double[])x.Clone();
            for (int b = 0; b < c.Length; b++)
            {
                up[b * size + j] += Step;
                down[b * size + j] -= Step;
            }
            var sUp = Net(model, p, up, c);
            var sDown = Net(model, p, down, c);
            for (int b = 0; b < c.Length; b++)
            {
                int i = b * size + j;
                AssertClose((sUp[i] - sDown[i]) / (2 * Step), diagonal[i], 1 + Math.Abs(diagonal[i]), $"{name} d={d} n={n}: diagonal value {i}");
            }
        }
    }

    [Fact]
    public void TheOddNetworkIsOddToRoundingAndTheOtherIsNot()
    {
        foreach (var (name, odd) in new[] { ("unet:3:2:odd", true), ("unet:3:2", false) })
        {
            var (model, p, x, c) = Build(name, 2, 8, 2, count: 3, scale: 0.6);
            var s = Net(model, p, x, c);
            var mirrored = Net(model, p, x.Select(v => -v).ToArray(), c);
            double largest = s.Max(Math.Abs);
            double defect = s.Select((v, i) => Math.Abs(v + mirrored[i])).Max();
            if (odd) Assert.True(defect <= Tolerances.ClosedForm * largest, $"{name}: net(-x) + net(x) = {defect}");
            else Assert.True(defect > 1e-3 * largest, $"{name}: an even-capable network acted oddly ({defect})");
        }
    }

    [Theory]
    [InlineData("unet:2:2", 1, 16)]
    [InlineData("unet:3:2", 2, 8)]
    [InlineData("unet:2:1:odd", 3, 4)]
    public void ShiftsByTwoToTheLevelsCommuteWithTheNetworkAndShiftsByOneNeedNot(string name, int d, int l)
    {
        var (model, p, x, c) = Build(name, d, l, 1, count: 1, scale: 0.6);
        var lattice = model.Lattice;
        var s = Net(model, p, x, c);
        double largest = s.Max(Math.Abs);
        int levels = ((UNetSpec)NetworkCatalog.Parse(name)).Levels;
        foreach (int shift in new[] { 1 << levels, 1 })
        {
            var shiftedOutput = Net(model, p, Shift(lattice, x, shift), c);
            double defect = Shift(lattice, s, shift).Select((v, i) => Math.Abs(v - shiftedOutput[i])).Max();
            if (shift > 1) Assert.True(defect <= Tolerances.ClosedForm * largest, $"{name}: shift by {shift}: defect {defect}");
            else Assert.True(defect > 1e-4 * largest, $"{name}: shift by 1 commuted to {defect} (pooling should break it)");
        }
    }

    [Fact]
    public void OneAndTwoThreadsGiveBitIdenticalResults()
    {
        var results = new[] { 1, 2 }.Select(threads =>
        {
            var (model, p, x, c) = Build("unet:4:2", 2, 8, 2, count: 5, threads: threads);
            var u = NetworkContract.Gaussian(x.Length, 24);
            var s = Net(model, p, x, c);
            var g = model.CreateParameters();
            model.Backward(p, u, g);
            var product = new double[x.Length];
            model.JacobianVectorProduct(p, x, c, u, c.Length, product);
            return (s, g, product);
        }).ToArray();
        Assert.Equal(results[0].s, results[1].s);
        Assert.Equal(results[0].product, results[1].product);
        for (int j = 0; j < results[0].g.Layers.Length; j++) Assert.Equal(results[0].g.Layers[j], results[1].g.Layers[j]);
    }

    [Fact]
    public void TheOutputDependsOnTheConditioningValueOnceParametersAreRandom()
    {
        var (model, p, x, _) = Build("unet:4:1", 2, 4, 1, count: 1);
        var a = Net(model, p, x, [-2.0]);
        var b = Net(model, p, x, [0.5]);
        double largest = a.Max(Math.Abs);
        Assert.True(a.Select((v, i) => Math.Abs(v - b[i])).Max() > 1e-3 * largest);

        // The default start: net = 0 for every c (zero output kernel), and deterministic in the stream.
        var start = model.CreateParameters();
        var rng = new RandomStream(3, 0);
        model.Initialize(start, 1.0, ref rng);
        Assert.All(Net(model, start, x, [1.0]), v => Assert.Equal(0.0, v));
        Assert.Contains(start.Layers[model.Layout.Conv1Kernel(0)], v => v != 0);
    }

    [Theory]
    [InlineData("unet:32:3", 2, 145920)]
    [InlineData("unet:32:3:odd", 2, 137792)]
    [InlineData("unet:3:1", 1, 300)]
    public void ParameterCountsAreTheHandCountedOnesAndIndependentOfTheVolume(string name, int d, long expected)
    {
        // unet:32:3 in d = 2, n = 1: E = 32, K = 9, B = 7 blocks: E C + C = 1056; per block 2 C^2 + 2 C (FiLM) +
        // 2 (K C^2 + C) = 20608, times 7 = 144256; lift K C + C = 320; output K C = 288. With odd: E C = 1024, per block
        // C^2 + 2 K C^2 = 19456 (x 7 = 136192), lift and output 288 each. unet:3:1 in d = 1: E = 8, K = 3, B = 3:
        // E C + C = 27; per block 2 C^2 + 2 C + 2 (K C^2 + C) = 84, times 3 = 252; lift 9 + 3; output 9: 300.
        var spec = NetworkCatalog.Parse(name);
        foreach (int l in new[] { 16, 32 })
        {
            var lattice = new Lattice(d, l);
            Assert.Equal(expected, spec.ParameterCount(lattice, 1));
            Assert.Equal(expected, spec.Create(lattice, 1, 1).ParameterCount);
        }
        Assert.True(spec.IsTimeConditioned);
        Assert.IsAssignableFrom<TimeConditionedModel>(spec.Create(new Lattice(d, 16), 1, 1));
    }

    [Theory]
    [InlineData("unet:0:2")]
    [InlineData("unet:4:0")]
    [InlineData("unet:4")]
    [InlineData("unet:4:2:even")]
    [InlineData("unet:x:2")]
    [InlineData("unet:4:2:odd:odd")]
    [InlineData("unet:300:2")]
    public void MalformedNamesAreRefusedWithTheAcceptedForms(string name)
    {
        var e = Assert.Throws<FormatException>(() => NetworkCatalog.Parse(name));
        Assert.Contains("unet:C:levels", e.Message);
        Assert.Contains(name, e.Message);
    }

    [Theory]
    [InlineData("unet:16:4", 1, 8, "unet:16:4 needs L divisible by 16 with L/16 >= 2 (L = 8)")]
    [InlineData("unet:4:2", 2, 10, "unet:4:2 needs L divisible by 4 with L/4 >= 2 (L = 10)")]
    [InlineData("unet:4:2", 2, 4, "(L = 4)")]
    [InlineData("unet:4:1", 4, 4, "d = 1, 2, 3")]
    public void LatticesTheNetworkDoesNotFitAreRefusedNamingTheProblem(string name, int d, int l, string message)
    {
        var spec = NetworkCatalog.Parse(name);
        var e = Assert.ThrowsAny<ArgumentException>(() => spec.Validate(new Lattice(d, l)));
        Assert.Contains(message, e.Message);
        Assert.ThrowsAny<ArgumentException>(() => spec.Create(new Lattice(d, l), 1));
    }

    [Fact]
    public void NamesRoundTripInCanonicalForm()
    {
        Assert.Equal("unet:32:3", NetworkCatalog.Parse(" UNET:32:3 ").Name);
        Assert.Equal("unet:8:2:odd", NetworkCatalog.Parse("unet:8:2:ODD").Name);
        Assert.Equal(new UNetSpec(8, 2, Odd: true), NetworkCatalog.Parse("unet:8:2:odd"));
        Assert.Contains("unet:C:levels", NetworkCatalog.Syntax);
    }

    /// <summary>x shifted by <paramref name="shift"/> sites along every axis, per channel: y(r) = x(r - shift).</summary>
    private static double[] Shift(Lattice lattice, double[] x, int shift)
    {
        int v = lattice.SiteCount, d = lattice.Dimension, l = lattice.Length;
        var y = new double[x.Length];
        var coordinates = new int[d];
        for (int channel = 0; channel < x.Length / v; channel++)
            for (int r = 0; r < v; r++)
            {
                lattice.Coordinates(r, coordinates);
                int source = 0;
                for (int mu = 0; mu < d; mu++) source = source * l + ((coordinates[mu] - shift) % l + l) % l;
                y[channel * v + r] = x[channel * v + source];
            }
        return y;
    }
}
