using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Tests.Networks;

/// <summary>
/// The derivative checks of the network contract (NetworkCatalogContractTests), for any <see cref="ScoreModel"/> and
/// parameters: the tests of one family reuse them for geometries or bases the catalog's examples do not reach.
/// </summary>
internal static class NetworkContract
{
    /// <summary>
    /// Central differences with step 1e-5 on O(1) inputs: truncation ~ h^2 f''' ~ 1e-10 (none for a linear network, whose
    /// u . s is at most quadratic in each parameter and linear in x), rounding ~ 1e-16 |f| / h ~ 1e-10; 1e-6 relative to
    /// the largest entry leaves a wide margin and still catches any wrong term.
    /// </summary>
    public const double Tolerance = 1e-6;

    private const double Step = 1e-5;

    /// <summary>Standard normal values, deterministic in the seed.</summary>
    public static double[] Gaussian(int length, ulong seed)
    {
        var x = new double[length];
        var rng = new RandomStream(seed, 1);
        rng.FillGaussian(x);
        return x;
    }

    /// <summary>Backward (the parameter VJP) against central differences of u . s(theta, x) in every parameter.</summary>
    public static void AssertBackwardMatchesFiniteDifferences(ScoreModel model, NetworkParameters p, int count = 2)
    {
        var x = Gaussian(count * model.ConfigurationLength, 1);
        var u = Gaussian(x.Length, 2);
        model.Forward(p, x, count, new double[x.Length]);
        var gradient = model.CreateParameters();
        model.Backward(p, u, gradient);
        double largest = 1 + gradient.Layers.Max(g => g.Max(Math.Abs));
        for (int j = 0; j < p.Layers.Length; j++)
            for (int i = 0; i < p.Layers[j].Length; i++)
            {
                double saved = p.Layers[j][i];
                p.Layers[j][i] = saved + Step;
                double plus = Contract(model, p, x, u, count);
                p.Layers[j][i] = saved - Step;
                double minus = Contract(model, p, x, u, count);
                p.Layers[j][i] = saved;
                double fd = (plus - minus) / (2 * Step);
                Assert.True(Math.Abs(gradient.Layers[j][i] - fd) <= Tolerance * largest,
                    $"{model.Name} n={model.Components} on {model.Lattice}: array {j} entry {i}: backward {gradient.Layers[j][i]:R}, finite difference {fd:R}");
            }
    }

    /// <summary>
    /// The Jacobian diagonal against central differences of the forward pass, and Backward unchanged by a Jacobian diagonal
    /// (at other inputs) between it and its Forward.
    /// </summary>
    public static void AssertJacobianDiagonalMatchesFiniteDifferences(ScoreModel model, NetworkParameters p, int count = 2)
    {
        int size = model.ConfigurationLength;
        var x = Gaussian(count * size, 3);
        var u = Gaussian(x.Length, 4);

        var expectedGradient = model.CreateParameters();
        model.Forward(p, x, count, new double[x.Length]);
        model.Backward(p, u, expectedGradient);
        model.Forward(p, x, count, new double[x.Length]);
        var diagonal = new double[x.Length];
        model.JacobianDiagonal(p, u, count, diagonal);
        var gradient = model.CreateParameters();
        model.Backward(p, u, gradient);
        for (int j = 0; j < p.Layers.Length; j++) Assert.Equal(expectedGradient.Layers[j], gradient.Layers[j]);

        model.JacobianDiagonal(p, x, count, diagonal);
        var plus = new double[x.Length];
        var minus = new double[x.Length];
        var expected = new double[x.Length];
        for (int i = 0; i < size; i++)
        {
            // Value i of every configuration at once (configurations are independent).
            var shifted = (double[])x.Clone();
            for (int b = 0; b < count; b++) shifted[b * size + i] += Step;
            model.Forward(p, shifted, count, plus);
            for (int b = 0; b < count; b++) shifted[b * size + i] -= 2 * Step;
            model.Forward(p, shifted, count, minus);
            for (int b = 0; b < count; b++) expected[b * size + i] = (plus[b * size + i] - minus[b * size + i]) / (2 * Step);
        }
        double largest = 1 + expected.Max(Math.Abs);
        for (int i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(diagonal[i] - expected[i]) <= Tolerance * largest,
                $"{model.Name} n={model.Components} on {model.Lattice}: value {i}: diagonal {diagonal[i]:R}, finite difference {expected[i]:R}");
    }

    private static double Contract(ScoreModel model, NetworkParameters p, double[] x, double[] u, int count)
    {
        var s = new double[x.Length];
        model.Forward(p, x, count, s);
        double sum = 0;
        for (int i = 0; i < s.Length; i++) sum += u[i] * s[i];
        return sum;
    }
}
