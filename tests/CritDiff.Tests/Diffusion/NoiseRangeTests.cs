using CritDiff.Diffusion;
using CritDiff.Statistics;

namespace CritDiff.Tests.Diffusion;

public class NoiseRangeTests
{
    [Fact]
    public void LargestDistanceIsTheBruteForceMaximum()
    {
        // 40 configurations of 9 values (780 pairs, all looked at): the maximum over every pair computed here.
        const int count = 40, width = 9;
        var values = new double[count * width];
        var rng = new RandomStream(3, 0);
        rng.FillGaussian(values);
        double brute = 0;
        for (int a = 0; a < count; a++)
        for (int b = 0; b < count; b++)
            brute = Math.Max(brute, Math.Sqrt(Enumerable.Range(0, width).Sum(j => Math.Pow(values[a * width + j] - values[b * width + j], 2))));
        Assert.Equal(brute, NoiseRange.LargestDistance(values, count, width), 1e-12);
        // With a pair budget, a lower bound from an evenly spread subset.
        Assert.InRange(NoiseRange.LargestDistance(values, count, width, maxPairs: 45), 0, brute);
        var range = NoiseRange.FromEnsemble(values, count, width, width, susceptibility: 0.5);
        Assert.Equal(Math.Max(brute, Math.Sqrt(0.5 * width)), range.SigmaMax, 1e-12);
        Assert.Equal(0.01 * Math.Sqrt(values.Sum(x => x * x) / values.Length), range.SigmaMin, 1e-14);
    }

    [Fact]
    public void SpectrumRangeTakesTheLargerOfTypicalDistanceAndRootChiV()
    {
        // V = 4 modes: sum C = 12, chi = 9: sigma_max = max(sqrt 24, sqrt 36) = 6, sigma_min = 0.01 sqrt(3).
        var range = NoiseRange.FromSpectrum([9, 1, 1, 1]);
        Assert.Equal(6, range.SigmaMax, 1e-14);
        Assert.Equal(0.01 * Math.Sqrt(3), range.SigmaMin, 1e-15);
        Assert.Equal(Math.Sqrt(2 * 4.0), NoiseRange.FromSpectrum([1, 1, 1, 1]).SigmaMax, 1e-14);
    }
}
