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
        var network = ScoreNetwork.Create(field.Lattice, Architecture.Parse("one-layer"));
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
    [InlineData("two-layer", ParameterBasis.Kernel)]
    [InlineData("one-layer-local:1", ParameterBasis.Kernel)]
    [InlineData("one-layer", ParameterBasis.Fourier)]
    public void OtherNetworksHaveNoClosedFormHere(string name, ParameterBasis basis)
    {
        var field = NetworkTestCases.Field(2, 6);
        var (s, b2) = NetworkTestCases.Noised(field);
        var network = ScoreNetwork.Create(field.Lattice, Architecture.Parse(name), basis);
        Assert.Null(Curvature.ClosedForm(network, ModeMoments.Population(s, b2)));
    }
}
