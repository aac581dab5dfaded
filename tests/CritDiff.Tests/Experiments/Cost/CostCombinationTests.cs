using CritDiff.Experiments;
using CritDiff.Statistics;

namespace CritDiff.Tests.Experiments.Cost;

/// <summary>The cost arithmetic against hand computations, and the power-law fit on synthetic costs with a known exponent.</summary>
public sealed class CostCombinationTests
{
    private static DiffusionCostInput Input(double ess, double? tau = null, int replica = 0, int length = 8, double training = 100,
        double generation = 0.01, int samples = 1000) =>
        new(length, "conv:4:1", replica, training, generation, ess, 0.5, tau, samples);

    /// <summary>tau_int 3.5 +- 0.4 sweeps at 2 ms per sweep: one independent configuration every 7 sweeps, 14 ms, error 2 x 0.4 x 2 ms.</summary>
    [Fact]
    public void MonteCarloCostIsTwoTauTimesSecondsPerSweep()
    {
        var cost = CostCombination.MonteCarlo(new Stats(3.5, 0.4), 2e-3);
        Assert.Equal(0.014, cost.Mean, Tolerances.ClosedForm);
        Assert.Equal(0.0016, cost.Error, Tolerances.ClosedForm);
    }

    /// <summary>
    /// T = 100 s over S = 10^5 samples is 1 ms a sample, plus g = 10 ms: 11 ms amortised, 10 ms training-free. ESS/N = 0.25 of 1000
    /// samples (ESS 250 >= 30): 44 and 40 ms. tau_int(IMH) = 2: x 4, again 44 and 40 ms.
    /// </summary>
    [Fact]
    public void DiffusionCostByHand()
    {
        var input = Input(0.25, tau: 2);
        Assert.Equal(0.044, CostCombination.PerIndependent(input, new(false, true), 1e5, 30)!.Value.Cost, Tolerances.ClosedForm);
        Assert.Equal(0.040, CostCombination.PerIndependent(input, new(false, false), 1e5, 30)!.Value.Cost, Tolerances.ClosedForm);
        Assert.Equal(0.044, CostCombination.PerIndependent(input, new(true, true), 1e5, 30)!.Value.Cost, Tolerances.ClosedForm);
        Assert.Equal(0.040, CostCombination.PerIndependent(input, new(true, false), 1e5, 30)!.Value.Cost, Tolerances.ClosedForm);
        Assert.All(DiffusionCostKind.All, k => Assert.True(CostCombination.PerIndependent(input, k, 1e5, 30)!.Value.Measured));
    }

    /// <summary>
    /// ESS/N = 0.01 of 1000 samples is 10 effective samples (&lt; 30): not measured; since ESS/N &lt; 30/1000 the cost exceeds
    /// 11 ms x 1000 / 30. IMH with tau_int 20 has 1000 / 40 = 25 effective samples: also a bound. No tau: no value at all.
    /// </summary>
    [Fact]
    public void FewerThanThirtyEffectiveSamplesGiveALowerBound()
    {
        var input = Input(0.01, tau: 20);
        var ess = CostCombination.PerIndependent(input, new(false, true), 1e5, 30)!.Value;
        Assert.False(ess.Measured);
        Assert.Equal(0.011 * 1000 / 30, ess.Cost, Tolerances.ClosedForm);
        Assert.True(0.011 / 0.01 > ess.Cost);
        var imh = CostCombination.PerIndependent(input, new(true, false), 1e5, 30)!.Value;
        Assert.False(imh.Measured);
        Assert.Equal(0.010 * 1000 / 30, imh.Cost, Tolerances.ClosedForm);
        Assert.Null(CostCombination.PerIndependent(Input(0.2), new(true, true), 1e5, 30));
    }

    /// <summary>Three replicas at ESS/N 0.1, 0.2, 0.4 (g = 10 ms, training-free): 100, 50, 25 ms; mean 58.33 ms, SE sd / sqrt 3.</summary>
    [Fact]
    public void ReplicasGiveMeanAndStandardError()
    {
        var rows = DiffusionCostRow.Aggregate([Input(0.1, replica: 0), Input(0.2, replica: 1), Input(0.4, replica: 2)], 1e5, 30);
        var row = Assert.Single(rows);
        Assert.Equal(3, row.Replicas);
        var cost = row.Of(new(false, false)).Cost!.Value;
        double[] x = [0.1, 0.05, 0.025];
        double mean = x.Average(), sd = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / 2);
        Assert.Equal(mean, cost.Mean, Tolerances.ClosedForm);
        Assert.Equal(sd / Math.Sqrt(3), cost.Error, Tolerances.ClosedForm);
        Assert.Null(row.Of(new(true, false)).Cost);
        Assert.Null(row.Of(new(true, false)).LowerBound);
    }

    /// <summary>One replica under 30 effective samples makes the (L, network) "not measured", with the mean of values and bounds as its bound.</summary>
    [Fact]
    public void OneReplicaBelowThresholdMakesTheRowALowerBound()
    {
        var row = Assert.Single(DiffusionCostRow.Aggregate([Input(0.1, replica: 0), Input(0.01, replica: 1)], 1e5, 30));
        var value = row.Of(new(false, false));
        Assert.Null(value.Cost);
        Assert.Equal(1, value.MeasuredReplicas);
        Assert.Equal((0.1 + 0.01 * 1000 / 30) / 2, value.LowerBound!.Value, Tolerances.ClosedForm);
    }

    /// <summary>Costs 3e-5 L^4.5 exactly give p = 4.5 to rounding; with +-5% scatter and 5% errors p is within 3 SE of 4.5.</summary>
    [Fact]
    public void PowerLawFitRecoversAKnownExponent()
    {
        int[] sizes = [8, 16, 32, 64, 128];
        var exact = CostCombination.Fit(sizes.Select(l => (l, new Stats(3e-5 * Math.Pow(l, 4.5), 1e-3 * Math.Pow(l, 4.5)))).ToArray())!;
        Assert.Equal(4.5, exact.PowerExponent, 1e-10);
        double[] scatter = [1.05, 0.95, 1.03, 0.97, 1.04];
        var noisy = CostCombination.Fit(sizes.Select((l, i) => (l, new Stats(3e-5 * Math.Pow(l, 4.5) * scatter[i], 0.05 * 3e-5 * Math.Pow(l, 4.5)))).ToArray())!;
        Assert.True(Math.Abs(noisy.PowerExponent - 4.5) < 3 * noisy.PowerExponentError, $"{noisy.PowerExponent} +- {noisy.PowerExponentError}");
        Assert.True(noisy.PowerExponentError is > 0 and < 0.1);
        Assert.Null(CostCombination.Fit([(8, new Stats(1, 0.1))]));
    }

    [Fact]
    public void MedianOfOddAndEvenCounts()
    {
        Assert.Equal(2, CostMeasurement.Median([3, 1, 2]));
        Assert.Equal(2.5, CostMeasurement.Median([4, 1, 2, 3]));
    }
}
