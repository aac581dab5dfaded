using CritDiff.Diffusion;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Training;
using Xunit.Abstractions;

namespace CritDiff.Tests.Training.TimeConditioned;

public sealed class ConditionedTrainerTests(ITestOutputHelper output)
{
    private static readonly Lattice Chain = new(1, 8);

    /// <summary>White-noise Gaussian data: every value independent with variance C.</summary>
    private static GaussianSource WhiteNoise(double variance) => new(Chain, 1, Enumerable.Repeat(variance, Chain.SiteCount).ToArray());

    [Fact]
    public void MovingAverageMatchesItsClosedForm()
    {
        // theta(k) = sin(k) + k / 10 on two layers of different lengths; d = 0.9, 25 updates.
        const double decay = 0.9;
        const int updates = 25;
        NetworkParameters At(int k) => new NetworkParameters([3, 2]).With((layer, i) => Math.Sin(k + layer + 0.3 * i) + k / 10.0);
        var average = At(0);
        for (int k = 1; k <= updates; k++) ExponentialMovingAverage.Update(average, At(k), decay);
        for (int layer = 0; layer < 2; layer++)
            for (int i = 0; i < average.Layers[layer].Length; i++)
            {
                double expected = Math.Pow(decay, updates) * At(0).Layers[layer][i];
                for (int j = 1; j <= updates; j++) expected += (1 - decay) * Math.Pow(decay, updates - j) * At(j).Layers[layer][i];
                Assert.Equal(expected, average.Layers[layer][i], Tolerances.ClosedForm * Math.Max(1, Math.Abs(expected)));
            }
        // score_sde's warm-up: d_k = min(d, (1 + k) / (10 + k)); 0.9 is reached at k = 80.
        Assert.Equal(2.0 / 11, ExponentialMovingAverage.Decay(0.9, 1), Tolerances.ClosedForm);
        Assert.Equal(0.9, ExponentialMovingAverage.Decay(0.9, 80), Tolerances.ClosedForm);
        Assert.Equal(80.0 / 89, ExponentialMovingAverage.Decay(0.9, 79), Tolerances.ClosedForm);
        // Decay 0: the average is the weights.
        ExponentialMovingAverage.Update(average, At(3), 0);
        Assert.Equal(At(3).Layers[1], average.Layers[1]);
    }

    /// <summary>
    /// The trainer's average against the closed form on its own weight sequence: a run of k steps is the first k steps of a
    /// longer run (streams are keyed by step), so theta(k) = Train(k steps).Parameters, and the averaged weights of a run of
    /// K steps must be prod_k d_k theta(0) + sum_j (1 - d_j) prod_{k &gt; j} d_k theta(j) with d_k = min(d, (1 + k) / (10 + k)).
    /// </summary>
    [Fact]
    public void TrainerAverageMatchesTheClosedFormOfItsWeightSequence()
    {
        const int steps = 20;
        const double decay = 0.6; // (1 + k) / (10 + k) passes 0.6 between k = 13 and 14: both regimes appear
        var config = new ConditionedTrainingConfig { BatchSize = 4, EmaDecay = decay, EvalInterval = 100, ValidationSize = 2, TimeMin = 0.05, TimeMax = 1, LearningRate = 0.05 };
        NetworkParameters Run(int k, out NetworkParameters average)
        {
            var result = ConditionedTrainer.Train(new PerSiteConditionedModel(Chain, 1, 2), WhiteNoise(2), new VariancePreserving(), config with { Steps = k }, 1);
            average = result.EmaParameters;
            return result.Parameters;
        }
        var start = new PerSiteConditionedModel(Chain, 1, 2).CreateParameters();
        var rng = new RandomStream(config.Seed ^ ConditionedTrainer.StartSalt, 0);
        new PerSiteConditionedModel(Chain, 1, 2).Initialize(start, 1, ref rng);
        var thetas = new List<NetworkParameters> { start };
        for (int k = 1; k <= steps; k++) thetas.Add(Run(k, out _));
        Run(steps, out var trained);
        for (int layer = 0; layer < 2; layer++)
            for (int i = 0; i < 2; i++)
            {
                double expected = 0;
                for (int j = 0; j <= steps; j++)
                {
                    double weight = j == 0 ? 1 : 1 - ExponentialMovingAverage.Decay(decay, j);
                    for (int k = j + 1; k <= steps; k++) weight *= ExponentialMovingAverage.Decay(decay, k);
                    expected += weight * thetas[j].Layers[layer][i];
                }
                Assert.Equal(expected, trained.Layers[layer][i], Tolerances.ClosedForm);
            }
    }

    [Fact]
    public void GradientOfTheWeightedLossMatchesFiniteDifferences()
    {
        var model = new PerSiteConditionedModel(Chain, 2, 3);
        var process = new VariancePreserving();
        var dsm = new ConditionedScoreMatching(model, process);
        var rng = new RandomStream(7, 0);
        var parameters = model.CreateParameters().With((_, _) => 0.3 * rng.NextGaussian());
        const int count = 3;
        var x0 = new double[count * model.ConfigurationLength];
        var z = new double[x0.Length];
        rng.FillGaussian(x0);
        rng.FillGaussian(z);
        double[] times = [0.02, 0.4, 1.7];
        var gradient = model.CreateParameters();
        double loss = dsm.LossAndGradient(parameters, x0, times, z, count, gradient);

        // The loss is the lambda = b^2 weighted score loss (1/(N n V)) sum b^2 |s + z/b|^2 with s = net(x_t, ln b) / b.
        double weighted = 0;
        for (int i = 0; i < count; i++)
        {
            double a = process.SignalScale(times[i]), b = Math.Sqrt(process.NoiseVariance(times[i]));
            var (w1, w3) = model.Weights(parameters, Math.Log(b));
            for (int j = 0; j < model.ConfigurationLength; j++)
            {
                int k = i * model.ConfigurationLength + j;
                double x = a * x0[k] + b * z[k], s = (w1 * x + w3 * x * x * x) / b;
                weighted += b * b * (s + z[k] / b) * (s + z[k] / b);
            }
        }
        Assert.Equal(weighted / x0.Length, loss, Tolerances.ClosedForm);

        const double h = 1e-6;
        for (int layer = 0; layer < 2; layer++)
            for (int m = 0; m < 3; m++)
            {
                double saved = parameters.Layers[layer][m];
                parameters.Layers[layer][m] = saved + h;
                double up = dsm.Loss(parameters, x0, times, z, count);
                parameters.Layers[layer][m] = saved - h;
                double down = dsm.Loss(parameters, x0, times, z, count);
                parameters.Layers[layer][m] = saved;
                // Central differences: O(h^2) truncation and O(eps / h) rounding, ~1e-9 relative here.
                Assert.Equal((up - down) / (2 * h), gradient.Layers[layer][m], 1e-7 * Math.Max(1, Math.Abs(gradient.Layers[layer][m])));
            }
    }

    /// <summary>
    /// VP, white-noise data of variance C = 2 on 8 sites, t uniform on [0.01, 2]: the exact optimum is net* = -b x / (a^2 C + b^2)
    /// (the score of N(0, a^2 C + b^2) times b), whose loss on the fixed validation set is computed here from that closed form;
    /// its population value is E_t[a^2 C / (a^2 C + b^2)] (the DSM minimum b^2 (E|z/b|^2 - E|s*|^2) per value), which the
    /// set's value must match within 4 standard errors. The test network (degree 5 in b) holds net* up to a fit error far
    /// below the tolerance; after 1500 Adam steps both the raw and the averaged weights must be within 5% of the initial
    /// excess of that optimum.
    /// </summary>
    [Fact]
    public void TrainingOnGaussianDataApproachesTheExactOptimum()
    {
        const double variance = 2;
        var process = new VariancePreserving();
        var config = new ConditionedTrainingConfig
        {
            LearningRate = 1e-2, BatchSize = 32, Steps = 1500, EmaDecay = 0.99, TimeMin = 0.01, TimeMax = 2, EvalInterval = 500,
            ValidationSize = 400, Seed = 3,
        };
        var source = WhiteNoise(variance);
        var model = new PerSiteConditionedModel(Chain, 1, 5);
        var result = ConditionedTrainer.Train(model, source, process, config);

        var set = ConditionedTrainer.ValidationSet(source, config);
        int width = Chain.SiteCount;
        var perSample = new double[set.Count];
        for (int i = 0; i < set.Count; i++)
        {
            double t = set.Times[i], a = process.SignalScale(t), b = Math.Sqrt(process.NoiseVariance(t));
            for (int j = i * width; j < (i + 1) * width; j++)
            {
                double x = a * set.X0[j] + b * set.Z[j], r = -b * x / (a * a * variance + b * b) + set.Z[j];
                perSample[i] += r * r / width;
            }
        }
        double exact = perSample.Average();
        double error = Math.Sqrt(perSample.Select(l => (l - exact) * (l - exact)).Sum() / (set.Count - 1) / set.Count);
        double population = Population(t => { double a2 = Math.Exp(-2 * t), b2 = 1 - a2; return a2 * variance / (a2 * variance + b2); }, config.TimeMin, config.TimeMax);
        Assert.True(Math.Abs(exact - population) < Tolerances.StandardErrors * error, $"exact-score validation loss {exact} against population {population} +- {error}");

        output.WriteLine($"exact {exact} +- {error} (population {population}); raw {result.InitialValidationLoss} -> {result.FinalValidationLoss}; EMA -> {result.FinalEmaValidationLoss}; {result.WallSeconds:F2} s");
        Assert.False(result.Diverged);
        Assert.Equal(config.Steps, result.StepsRun);
        Assert.Equal([0, 500, 1000, 1500], result.History.Select(r => r.Step));
        double initialExcess = result.InitialValidationLoss - exact;
        Assert.True(initialExcess > 0.1, $"initial excess {initialExcess}");
        Assert.True(result.FinalValidationLoss - exact < 0.05 * initialExcess, $"raw: {result.FinalValidationLoss} against exact {exact} (initial {result.InitialValidationLoss})");
        Assert.True(result.FinalEmaValidationLoss - exact < 0.05 * initialExcess, $"EMA: {result.FinalEmaValidationLoss} against exact {exact}");
        Assert.True(result.FinalEmaValidationLoss > exact - Tolerances.StandardErrors * error, "no network beats the exact score beyond the set's sampling error");
        // The loss the trainer reports is the mean loss on the set.
        Assert.Equal(result.FinalValidationLoss,
            ConditionedTrainer.ValidationLoss(new ConditionedScoreMatching(model, process), result.Parameters, set, 7), 1e-12);
    }

    [Fact]
    public void OneAndTwoThreadsGiveBitIdenticalResults()
    {
        var config = new ConditionedTrainingConfig { BatchSize = 16, Steps = 40, EvalInterval = 10, ValidationSize = 24, TimeMin = 0.05, TimeMax = 1, Seed = 11 };
        ConditionedTrainingResult Run(int threads) =>
            ConditionedTrainer.Train(new PerSiteConditionedModel(Chain, 2, 3), new GaussianSource(Chain, 2, Enumerable.Repeat(1.5, 8).ToArray()),
                new VarianceExploding(), config, threads);
        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.History, two.History);
        for (int layer = 0; layer < 2; layer++)
        {
            Assert.Equal(one.Parameters.Layers[layer], two.Parameters.Layers[layer]);
            Assert.Equal(one.EmaParameters.Layers[layer], two.EmaParameters.Layers[layer]);
        }
        // Another seed trains differently.
        var other = ConditionedTrainer.Train(new PerSiteConditionedModel(Chain, 2, 3), new GaussianSource(Chain, 2, Enumerable.Repeat(1.5, 8).ToArray()),
            new VarianceExploding(), config with { Seed = 12 }, 2);
        Assert.NotEqual(one.Parameters.Layers[0], other.Parameters.Layers[0]);
    }

    [Fact]
    public void CancellationStopsTraining()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => ConditionedTrainer.Train(new PerSiteConditionedModel(Chain, 1, 2), WhiteNoise(1),
            new VariancePreserving(), ConditionedTrainingConfig.Default, 1, null, cancelled.Token));
    }

    [Theory]
    [InlineData(nameof(ConditionedTrainingConfig.EmaDecay))]
    [InlineData(nameof(ConditionedTrainingConfig.TimeMax))]
    [InlineData(nameof(ConditionedTrainingConfig.Steps))]
    public void BadSettingsAreRefusedByName(string setting)
    {
        var config = setting switch
        {
            nameof(ConditionedTrainingConfig.EmaDecay) => new ConditionedTrainingConfig { EmaDecay = 1 },
            nameof(ConditionedTrainingConfig.TimeMax) => new ConditionedTrainingConfig { TimeMin = 0.5, TimeMax = 0.5 },
            _ => new ConditionedTrainingConfig { Steps = 0 },
        };
        Assert.Equal(setting, Assert.ThrowsAny<ArgumentException>(config.Validate).ParamName);
    }

    /// <summary>(1/(T - t0)) int_t0^T f(t) dt by composite Simpson on 2000 intervals (f smooth: error ~1e-13).</summary>
    private static double Population(Func<double, double> f, double t0, double t1)
    {
        const int n = 2000;
        double h = (t1 - t0) / n, sum = f(t0) + f(t1);
        for (int i = 1; i < n; i++) sum += (i % 2 == 1 ? 4 : 2) * f(t0 + i * h);
        return sum * h / 3 / (t1 - t0);
    }
}

internal static class ParameterFill
{
    /// <summary>Fills every value with <paramref name="value"/>(layer, index) and returns the parameters.</summary>
    public static NetworkParameters With(this NetworkParameters parameters, Func<int, int, double> value)
    {
        for (int layer = 0; layer < parameters.Layers.Length; layer++)
            for (int i = 0; i < parameters.Layers[layer].Length; i++) parameters.Layers[layer][i] = value(layer, i);
        return parameters;
    }
}
