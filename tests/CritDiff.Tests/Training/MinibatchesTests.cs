using CritDiff.Diffusion;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Tests.Networks;
using CritDiff.Training;

namespace CritDiff.Tests.Training;

public class MinibatchesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void WishartMomentsHaveTheLawOfSampleBySampleMoments(int batch)
    {
        // Per-mode statistics and the loss of a random network (which mixes all modes and the
        // signal/cross/noise correlations): exact means, and variances equal between the two samplers
        // within 4 standard errors of their difference.
        var field = NetworkTestCases.Field(2, 4);
        var process = new VariancePreserving();
        const double t = 0.3;
        var (s, b2) = NetworkTestCases.Noised(field, t);
        var network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse("two-layer-local:1"));
        var p = NetworkTestCases.RandomParameters(network, 0.4, 7);
        const int pair = 1, self = 2; // mode (0, 1) pairs with (0, 3); mode (0, 2) is self-conjugate at L = 4
        Func<ModeMoments, double>[] statistics =
        [
            m => m.Signal[pair], m => m.Signal[self], m => m.Cross![pair].Real, m => m.Cross![pair].Imaginary,
            m => m.Cross![self].Real, m => m.NoiseTerm, m => network.Loss(p, m),
        ];
        double[] exactMeans = [s[pair], s[self], 1, 0, 1, 1 / b2, network.Loss(p, ModeMoments.Population(s, b2))];
        var direct = Sample(Minibatches.FreshFourier(field, process, t, batch), statistics, 1);
        var wishart = Sample(Minibatches.FreshWishart(field, process, t, batch), statistics, 2);
        for (int j = 0; j < statistics.Length; j++)
        {
            foreach (var values in new[] { direct[j], wishart[j] })
                Assert.InRange(Math.Abs(Stats.FromSamples(values).StandardScore(exactMeans[j])), 0, Tolerances.StandardErrors);
            var (vd, ed) = Variance(direct[j]);
            var (vw, ew) = Variance(wishart[j]);
            Assert.True(Math.Abs(vd - vw) <= Tolerances.StandardErrors * Math.Sqrt(ed * ed + ew * ew),
                $"statistic {j}: variance {vd} (direct) against {vw} (Wishart)");
        }
    }

    private static double[][] Sample(Minibatches batches, Func<ModeMoments, double>[] statistics, ulong seed)
    {
        const int draws = 20_000;
        var values = statistics.Select(_ => new double[draws]).ToArray();
        var rng = new RandomStream(seed, 0);
        for (int i = 0; i < draws; i++)
        {
            var m = (ModeMoments)batches.Draw(ref rng);
            for (int j = 0; j < statistics.Length; j++) values[j][i] = statistics[j](m);
        }
        return values;
    }

    /// <summary>Sample variance and its standard error, from the squared deviations.</summary>
    private static (double Value, double Error) Variance(double[] values)
    {
        double mean = values.Average();
        var squares = Stats.FromSamples(values.Select(x => (x - mean) * (x - mean)).ToArray());
        return (squares.Mean, squares.Error);
    }
}
