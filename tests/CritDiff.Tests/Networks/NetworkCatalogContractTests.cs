using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Tests.Networks;

/// <summary>
/// The contract every network of the <see cref="NetworkCatalog"/> keeps, checked on each family's examples for n = 1 and 2 in
/// d = 1, 2 and 3: the backward pass and the Jacobian diagonal against central finite differences, replicas that compute
/// bit-identical results, results that do not depend on the thread count, a checkpoint round trip, and the catalog's
/// bookkeeping (name round trip, parameter count, linearity). A network added to the catalog is checked here without a
/// test of its own for any of these.
/// </summary>
public class NetworkCatalogContractTests
{
    /// <summary>
    /// Side per dimension: d = 1 on 8 sites (for depth 2 of range 1 the colouring period P = 4 &lt; L), 4^2, 3^3 (or the
    /// next side an example fits, see <see cref="Side"/>).
    /// </summary>
    private static readonly (int D, int L)[] Lattices = [(1, 8), (2, 4), (3, 3)];

    public static TheoryData<string, int, int, int> Cases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var family in NetworkCatalog.Families)
            foreach (string name in family.Examples)
                foreach (var (d, l) in Lattices)
                    foreach (int n in new[] { 1, 2 })
                        data.Add(name, d, Side(name, d, l), n);
        return data;
    }

    /// <summary>The first side from <paramref name="l"/> up that the example fits (a unet:C:1 needs an even L: 4^3 instead of 3^3).</summary>
    private static int Side(string name, int d, int l)
    {
        var spec = NetworkCatalog.Parse(name);
        for (int side = l; side < l + 8; side++)
        {
            try
            {
                spec.Validate(new Lattice(d, side));
                return side;
            }
            catch (ArgumentException)
            {
            }
        }
        throw new InvalidOperationException($"example '{name}' fits no side from {l} to {l + 7} in d = {d}");
    }

    private static (ScoreModelSpec Spec, ScoreModel Model, NetworkParameters P) Build(string name, int d, int l, int n, int threads = 1)
    {
        var lattice = new Lattice(d, l);
        var spec = NetworkCatalog.Parse(name, lattice);
        var model = spec.Create(lattice, n, threads);
        var p = model.CreateParameters();
        var rng = new RandomStream(5, (ulong)(d * 100 + l * 10 + n));
        foreach (var layer in p.Layers)
        {
            rng.FillGaussian(layer);
            for (int i = 0; i < layer.Length; i++) layer[i] *= 0.4;
        }
        return (spec, model, p);
    }

    private static double[] Gaussian(int length, ulong seed) => NetworkContract.Gaussian(length, seed);

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardMatchesFiniteDifferences(string name, int d, int l, int n)
    {
        var (_, model, p) = Build(name, d, l, n);
        NetworkContract.AssertBackwardMatchesFiniteDifferences(model, p);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void JacobianDiagonalMatchesFiniteDifferencesAndKeepsTheForwardCache(string name, int d, int l, int n)
    {
        var (_, model, p) = Build(name, d, l, n);
        NetworkContract.AssertJacobianDiagonalMatchesFiniteDifferences(model, p);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReplicasAndThreadCountsGiveBitIdenticalResults(string name, int d, int l, int n)
    {
        var (spec, single, p) = Build(name, d, l, n, threads: 1);
        var models = new[] { single, single.Replica(), spec.Create(single.Lattice, n, 4) };
        const int count = 7;
        var x = Gaussian(count * single.ConfigurationLength, 5);
        var u = Gaussian(x.Length, 6);
        var results = models.Select(model =>
        {
            var s = new double[x.Length];
            var diagonal = new double[x.Length];
            var g = model.CreateParameters();
            model.Forward(p, x, count, s);
            model.JacobianDiagonal(p, x, count, diagonal);
            model.Backward(p, u, g);
            return (s, diagonal, g);
        }).ToArray();
        foreach (var other in results.Skip(1))
        {
            Assert.Equal(results[0].s, other.s);
            Assert.Equal(results[0].diagonal, other.diagonal);
            for (int j = 0; j < p.Layers.Length; j++) Assert.Equal(results[0].g.Layers[j], other.g.Layers[j]);
        }

        // The default start is deterministic in the random stream, for the model and its replica alike.
        var starts = new[] { single, single.Replica() }.Select(model =>
        {
            var start = model.CreateParameters();
            var rng = new RandomStream(9, 0);
            model.Initialize(start, 2.5, ref rng);
            return start;
        }).ToArray();
        for (int j = 0; j < p.Layers.Length; j++) Assert.Equal(starts[0].Layers[j], starts[1].Layers[j]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CatalogBookkeepingMatchesTheModel(string name, int d, int l, int n)
    {
        var (spec, model, p) = Build(name, d, l, n);
        Assert.Equal(spec.Name, NetworkCatalog.Parse(spec.Name).Name);
        Assert.Equal(spec.Name, model.Name);
        Assert.Equal(spec.Name, $"{spec}"); // a spec in a message or file name is its name, not the record's fields
        Assert.Equal(spec.ParameterCount(model.Lattice, n), model.ParameterCount);
        // The spec's IsLinear names the linear family; the model's says s is affine in x (so its Jacobian diagonal does not
        // depend on x), which a nonlinear family's identity-activation member also is.
        if (spec.IsLinear) Assert.True(model.IsLinear);
        if (spec.HasMomentObjective) Assert.True(spec.IsLinear, "a moment objective needs a linear network");
        Assert.Equal(!spec.HasMomentObjective, NetworkCatalog.FamilyOf(name)!.SamplesOnly);

        // An affine network is affine: s(2x + y) - 2 s(x) - s(y) + s(0) = 0 (up to rounding); another is not, at O(1) inputs.
        const int count = 1;
        var x = Gaussian(model.ConfigurationLength, 7);
        var y = Gaussian(x.Length, 8);
        var s = new[] { x, y, x.Zip(y, (a, b) => 2 * a + b).ToArray(), new double[x.Length] }.Select(input =>
        {
            var score = new double[input.Length];
            model.Forward(p, input, count, score);
            return score;
        }).ToArray();
        double largest = 1 + s[2].Max(Math.Abs);
        double defect = s[2].Select((v, i) => Math.Abs(v - 2 * s[0][i] - s[1][i] + s[3][i])).Max();
        if (model.IsLinear) Assert.True(defect <= 1e-12 * largest, $"{name}: affinity defect {defect}");
        else Assert.True(defect > 1e-6 * largest, $"{name}: a nonlinear network acted affinely (defect {defect})");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CheckpointRoundTripKeepsTheNetworkAndItsParameters(string name, int d, int l, int n)
    {
        var (spec, model, p) = Build(name, d, l, n);
        var lattice = model.Lattice;
        var target = n == 1
            ? GaussianField.AtCorrelationLengthOverSize(lattice, 0.25)
            : (LatticeModel)new Phi4Model(lattice, n, 0.2, 1.1);
        string folder = Path.Combine(Path.GetTempPath(), $"critdiff-contract-{Guid.NewGuid():N}");
        try
        {
            // A time-conditioned network is stored with its range and moving average (checkpoint version 3), a per-slice one per slice.
            ModelCheckpoint.Save(folder, spec.IsTimeConditioned
                ? TrainedModel.TimeConditioned(target, new VariancePreserving(), spec, 0.3, 1, p, p.Clone(), 0.999)
                : new TrainedModel(target, new VariancePreserving(), spec, "samples", [0.3], [p]));
            var back = ModelCheckpoint.Load(folder);
            Assert.Equal(spec.Name, back.Spec.Name);
            Assert.Equal(target, back.Target);
            Assert.Equal(target.Components, back.Components);
            var again = back.CreateModel();
            Assert.Equal(model.LayerLengths, again.LayerLengths);
            for (int j = 0; j < p.Layers.Length; j++) Assert.Equal(p.Layers[j], back.Parameters[0].Layers[j]);
            Assert.Equal(spec.IsTimeConditioned, back.EmaParameters is not null);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void NamesNoFamilyClaimsAreRefusedWithEveryFamilysForms()
    {
        var e = Assert.Throws<FormatException>(() => NetworkCatalog.Parse("resnet:4"));
        Assert.Contains("one-layer", e.Message);
        Assert.Contains("conv:C:R", e.Message);
        // A claimed but malformed name is told its own family's forms.
        Assert.Contains("conv:C:R", Assert.Throws<FormatException>(() => NetworkCatalog.Parse("conv:0:1")).Message);
        Assert.Contains("two-layer-local:R", Assert.Throws<FormatException>(() => NetworkCatalog.Parse("deep:0")).Message);
    }

    [Fact]
    public void OnlyNetworksWithTheMomentObjectiveGiveAMomentArchitecture()
    {
        Assert.Equal(NetworkCatalog.TwoLayer.Architecture.Layers, NetworkCatalog.ParseMomentArchitecture("two-layer").Layers);
        Assert.Contains("samples only", Assert.Throws<FormatException>(() => NetworkCatalog.ParseMomentArchitecture("conv:2:1")).Message);
        Assert.Contains("conv:C:R", Assert.Throws<FormatException>(() => NetworkCatalog.ParseMomentArchitecture("resnet")).Message);
    }

    [Fact]
    public void EveryFamilyHasExamplesAndEveryExampleIsClaimedByItsFamilyOnly()
    {
        foreach (var family in NetworkCatalog.Families)
        {
            Assert.NotEmpty(family.Examples);
            foreach (string name in family.Examples)
                Assert.Equal([family.Name], NetworkCatalog.Families.Where(f => f.Claims(name)).Select(f => f.Name));
        }
    }
}
