using CritDiff.Diffusion;
using CritDiff.Generation;

namespace CritDiff.Tests.Generation;

/// <summary>The optional final Tweedie step and sampler names that round-trip (issue 22).</summary>
public class DenoiseTests
{
    [Theory]
    [InlineData("vp", 0.2)]
    [InlineData("ve", 0.3)]
    public void TweedieStepOnAGaussianTargetIsThePosteriorMean(string processName, double tMin)
    {
        // Gaussian target x0 ~ N(0, C) (free field, d = 2, L = 4), y = a x0 + b z: E[x0 | y] = a C (a^2 C + b^2 I)^-1 y, with
        // the dense C(x, y) = (1/V) sum_k C(k) cos(k.(x - y)) by explicit sums. The same seed with and without --denoise gives
        // the same y (the step comes after the last one); the denoised m must satisfy (a^2 C + b^2 I) m = a C y to 1e-11
        // relative to |y|, and cost one more score evaluation.
        var process = ForwardProcess.Parse(processName);
        var field = RealSpaceTestCases.Field();
        var lattice = field.Lattice;
        var spectrum = field.SpectrumTable();
        var score = TimeScore.ExactGaussian(lattice, 1, spectrum, process);
        var settings = new GenerationSettings(Samplers.EulerMaruyama, 10, 3, tMin);
        var noisy = RealSpaceSampler.Generate(score, process, settings, 5, 9);
        var denoised = RealSpaceSampler.Generate(score, process, settings, 5, 9, options: new RealSpaceOptions(denoise: true));
        Assert.True(denoised.Denoised);
        Assert.Equal(noisy.ScoreEvaluations + 1, denoised.ScoreEvaluations);
        var c = TraceEstimatorTests.DenseCovariance(lattice, k => spectrum[k]);
        double a = process.SignalScale(tMin), b2 = process.NoiseVariance(tMin);
        int v = lattice.SiteCount;
        for (int i = 0; i < 5; i++)
        {
            var y = noisy.Configuration(i);
            var m = denoised.Configuration(i);
            double norm = Math.Sqrt(y.ToArray().Sum(u => u * u));
            for (int r = 0; r < v; r++)
            {
                double left = b2 * m[r], right = 0;
                for (int s = 0; s < v; s++)
                {
                    left += a * a * c[r, s] * m[s];
                    right += a * c[r, s] * y[s];
                }
                Assert.Equal(right, left, Tolerances.DenseBruteForce * norm);
            }
        }
    }

    [Fact]
    public void SamplerNamesRoundTripAndOldNamesStillRead()
    {
        // What a summary writes (Sampler.Name since issue 22) parses back with --sampler's parser; the names older run folders
        // wrote (Heun, ...) are still read by FindStored.
        foreach (var sampler in Samplers.All)
        {
            Assert.Same(sampler, Samplers.Parse(sampler.Name));
            Assert.Same(sampler, Samplers.FindStored(sampler.Name));
            Assert.Same(sampler, Samplers.FindStored(sampler.LegacyName));
            Assert.Null(Samplers.Find(sampler.LegacyName));
        }
        Assert.Same(Samplers.Heun, Samplers.FindStored("Heun"));
        Assert.Null(Samplers.FindStored("RungeKutta"));
    }
}
