using CritDiff.Diffusion;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Tests.Networks;
using CritDiff.Training;

namespace CritDiff.Tests.Training;

public class MultiplierDescentTests
{
    [Theory]
    [InlineData("one-layer", 1, 8, 0.0, false)]
    [InlineData("one-layer", 2, 6, 0.0, false)]
    [InlineData("one-layer", 2, 5, 0.5, false)]
    [InlineData("one-layer", 3, 4, 0.0, true)]
    [InlineData("one-layer", 2, 7, 0.9, true)]
    [InlineData("one-layer-local:4", 1, 9, 0.0, true)] // range 4 at L = 9: a full kernel under another name
    public void DescentOnMultipliersFollowsTheKernelPath(string name, int d, int l, double momentum, bool minibatches)
    {
        // The kernel path (LossAndGradient through the FFTs, then the optimizer on the kernels) and the multiplier path
        // must give the same losses, score errors and kernels step by step, with population moments or with minibatch
        // moments (Cross != 1, not symmetric in k and -k by themselves). Both round at ~1e-15 per step in O(1)
        // quantities, so 1e-11 over 25 steps is rounding with a wide margin; a wrong factor or a missed mirror mode
        // shows at the first step. Momentum 0 and 0.5-0.9 cover both branches of the update.
        var field = NetworkTestCases.Field(d, l);
        var process = new VariancePreserving();
        const double t = 0.3;
        var (s, b2) = NetworkTestCases.Noised(field, t);
        var network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse(name));
        var kernel = NetworkTestCases.RandomParameters(network, 0.3, 11);
        var optimizer = new GradientDescent("sgd", momentum);
        var descent = MultiplierDescent.TryCreate(network, kernel, optimizer);
        Assert.NotNull(descent);
        var state = optimizer.CreateState(kernel);
        var gradient = network.CreateParameters();
        var population = ModeMoments.Population(s, b2);
        var batches = Minibatches.FreshFourier(field, process, t, 3);
        var rng = new RandomStream(5, 0);
        double rate = 0.1 / s.Max();
        var fromMultipliers = network.CreateParameters();
        for (int step = 0; step < 25; step++)
        {
            // As the trainer steps: the population loss and score error (after step 0, from the last step's pass), then a
            // step on the minibatch's moments (symmetrised on the fly) or on the population's (tabulated by Evaluate).
            double populationLoss = network.Loss(kernel, population);
            Assert.Equal(populationLoss, descent.Evaluate(population, s, out double error), 1e-11 * Math.Max(1, Math.Abs(populationLoss)));
            double expectedError = network.ScoreError(kernel, s);
            Assert.Equal(expectedError, error, 1e-11 * Math.Max(1, expectedError));
            var moments = minibatches ? (ModeMoments)batches.Draw(ref rng) : population;
            network.LossAndGradient(kernel, moments, gradient);
            optimizer.Step(kernel, gradient, rate, state);
            descent.Step(rate, moments);
        }
        descent.CopyTo(fromMultipliers);
        double norm = kernel.Norm();
        for (int j = 0; j < kernel.Layers.Length; j++)
            for (int i = 0; i < kernel.Layers[j].Length; i++)
                Assert.True(Math.Abs(kernel.Layers[j][i] - fromMultipliers.Layers[j][i]) <= 1e-11 * norm,
                    $"layer {j} entry {i}: kernel path {kernel.Layers[j][i]}, multiplier path {fromMultipliers.Layers[j][i]}");
    }

    [Fact]
    public void OneLayerPopulationDescentIsTheClosedFormPerModeRecursion()
    {
        // docs/science.md section 5: m(k) <- m(k) - 2 eta (S(k) m(k) + 1), so from K = 0 the error e = m + 1/S shrinks by
        // (1 - 2 eta S) per step: after n steps the score error is (1/V) sum_k S (1 - 2 eta S)^(2n) / S^2.
        var field = NetworkTestCases.Field(2, 6);
        var (s, b2) = NetworkTestCases.Noised(field);
        var network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse("one-layer"));
        var parameters = network.CreateParameters();
        var descent = MultiplierDescent.TryCreate(network, parameters, new GradientDescent("gd"))!;
        double eta = 0.3 / s.Max();
        const int n = 40;
        var population = ModeMoments.Population(s, b2);
        for (int step = 0; step < n; step++)
        {
            descent.Evaluate(population, s, out _);
            descent.Step(eta, population);
        }
        double expected = s.Select(sk => Math.Pow(1 - 2 * eta * sk, 2 * n) / sk).Sum() / s.Length;
        descent.Evaluate(population, s, out double error);
        Assert.Equal(expected, error, 1e-12 * expected);
    }

    [Theory]
    [InlineData("one-layer", 2, 6)]
    [InlineData("one-layer", 1, 7)]
    public void UnevenSpectrumAndSignalAreHandledExactly(string name, int d, int l)
    {
        // S(k) != S(-k): the loss then uses (S(k) + S(-k)) / 2 and the score error both s(k) and s(-k) of every pair
        // (the tabulated mirror branch); the kernel path sums all V modes as they are.
        var lattice = new CritDiff.Lattices.Lattice(d, l);
        var rng = new RandomStream(17, 2);
        var s = Enumerable.Range(0, lattice.SiteCount).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        var population = ModeMoments.Population(s, 0.7);
        var network = LinearMomentNetwork.Create(lattice, Architecture.Parse(name));
        var kernel = NetworkTestCases.RandomParameters(network, 0.3, 3);
        var optimizer = new GradientDescent("gd");
        var descent = MultiplierDescent.TryCreate(network, kernel, optimizer)!;
        var state = optimizer.CreateState(kernel);
        var gradient = network.CreateParameters();
        for (int step = 0; step < 10; step++)
        {
            double expected = network.LossAndGradient(kernel, population, gradient);
            Assert.Equal(expected, descent.Evaluate(population, s, out double error), 1e-11 * Math.Max(1, Math.Abs(expected)));
            Assert.Equal(network.ScoreError(kernel, s), error, 1e-11);
            optimizer.Step(kernel, gradient, 0.2, state);
            descent.Step(0.2, population);
        }
    }

    [Theory]
    [InlineData("one-layer-local:1", "sgd")] // a window kernel: not a full layer
    [InlineData("layers:local:1,full", "gd")]
    [InlineData("one-layer", "adam")] // not linear in the gradient: kernel and multiplier Adam differ
    [InlineData("two-layer", "gd")] // same algebra, but it would keep the balanced invariant set exactly (see the class)
    public void DoesNotApplyWhereTheDescentIsNotTheSame(string name, string optimizer)
    {
        var lattice = new CritDiff.Lattices.Lattice(2, 6);
        var network = LinearMomentNetwork.Create(lattice, Architecture.Parse(name));
        Assert.Null(MultiplierDescent.TryCreate(network, network.CreateParameters(), Optimizer.Parse(optimizer)));
        var fourier = LinearMomentNetwork.Create(lattice, Architecture.Parse("one-layer"), ParameterBasis.Fourier);
        Assert.Null(MultiplierDescent.TryCreate(fourier, fourier.CreateParameters(), Optimizer.Parse("gd")));
    }
}
