using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Tests.Networks;
using CritDiff.Training;

namespace CritDiff.Tests.Training;

public class CurvatureTests
{
    [Theory]
    [InlineData(2, 6, false)]
    [InlineData(1, 9, false)]
    [InlineData(3, 4, true)]
    [InlineData(2, 5, true)]
    public void ClosedFormOfOneFullLayerIsWhatPowerIterationFinds(int d, int l, bool uneven)
    {
        // The closed form max_k (A(k) + A(-k)) against power iteration on Hessian-vector products from the gradient,
        // with an even (lattice) spectrum and with an uneven one, where the pair's eigenvalue is A(k) + A(-k), not 2 A(k).
        // The loss is quadratic, so the iteration converges to its tolerance, 1e-7; 1e-6 leaves a margin.
        var field = NetworkTestCases.Field(d, l);
        var (s, b2) = NetworkTestCases.Noised(field);
        if (uneven)
        {
            var rng = new RandomStream(23, 0);
            s = s.Select(x => x * (0.5 + rng.NextDouble())).ToArray();
        }
        var moments = ModeMoments.Population(s, b2);
        var network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse("one-layer"));
        var parameters = NetworkTestCases.RandomParameters(network, 0.3, 2);
        double? exact = Curvature.ClosedForm(network, moments);
        Assert.NotNull(exact);
        var start = new RandomStream(4, 0);
        double iterated = Curvature.PowerIteration(network, parameters, moments, ref start, 2000, 1e-10);
        Assert.Equal(exact.Value, iterated, 1e-6 * exact.Value);
        Assert.Equal(exact.Value, Curvature.TopEigenvalue(network, parameters, moments, ref start));
        if (!uneven) Assert.Equal(2 * s.Max(), exact.Value, 1e-14 * s.Max());
    }

    [Theory]
    [InlineData("two-layer-local:1", 2, 8, 0.0)]
    [InlineData("two-layer-local:1", 2, 8, 0.3)]
    [InlineData("layers:local:1,local:2", 2, 10, 0.2)]
    [InlineData("two-layer-local:1", 3, 6, 0.2)] // 2 x 27 = 54 parameters
    [InlineData("deep:3", 1, 5, 0.3)] // three full layers on 5 sites: 15 parameters
    public void DenseHessianOfSmallNetworksIsWhatPowerIterationFinds(string name, int d, int l, double randomScale)
    {
        // The whole Hessian from the same central differences, diagonalised, against power iteration run to 1e-11: the
        // largest |eigenvalue| (two-layer losses are quartic, so both carry the same O(h^2) difference error, h = 1e-4).
        // From the balanced start (scale 0) and from random points; 1e-6 covers power iteration's slow settling on
        // nearly degenerate top eigenvalues.
        var field = NetworkTestCases.Field(d, l);
        var (s, b2) = NetworkTestCases.Noised(field);
        var moments = ModeMoments.Population(s, b2);
        var network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse(name));
        var parameters = network.CreateParameters();
        network.InitializeBalanced(parameters, 1 / s.Max());
        if (randomScale > 0) parameters = NetworkTestCases.RandomParameters(network, randomScale, 9);
        Assert.True(parameters.Length <= Curvature.DenseLimit);
        double dense = Curvature.Dense(network, parameters, moments);
        var start = new RandomStream(6, 0);
        double iterated = Curvature.PowerIteration(network, parameters, moments, ref start, 20_000, 1e-11);
        Assert.Equal(iterated, dense, 1e-6 * iterated);
        Assert.Equal(dense, Curvature.TopEigenvalue(network, parameters, moments, ref start));
    }

    [Theory]
    [InlineData("two-layer", ParameterBasis.Kernel)]
    [InlineData("one-layer-local:1", ParameterBasis.Kernel)]
    [InlineData("one-layer", ParameterBasis.Fourier)]
    public void OtherNetworksHaveNoClosedFormHere(string name, ParameterBasis basis)
    {
        var field = NetworkTestCases.Field(2, 6);
        var (s, b2) = NetworkTestCases.Noised(field);
        var network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse(name), basis);
        Assert.Null(Curvature.ClosedForm(network, ModeMoments.Population(s, b2)));
    }
}
