using CritDiff.Diffusion;
using CritDiff.Generation;

namespace CritDiff.Tests.Generation;

public class ReweightingTests
{
    [Fact]
    public void ConvergedExactScoreSamplerHasEssOne()
    {
        // Exponential integrator, exact score, T = 15, t_min = 1e-4, 20000 steps: the generated law equals
        // C up to r - 1 = O(t_min + h), so ESS/N = prod sqrt(2r - 1)/r = 1 - O(V (r - 1)^2).
        var field = GenerationTestCases.Field(4);
        var reverse = GenerationTestCases.Reverse(field, "sde-exp", 20000, tMax: 15, tMin: 1e-4);
        var variance = reverse.GeneratedVariance();
        double ess = new GeneratedLaw(field.Lattice, variance).EffectiveSampleFraction(field.SpectrumTable());
        Assert.InRange(ess, 0.9999, 1.0);
        var samples = GenerationTestCases.Reverse(field, "sde-exp", 2000, tMax: 15, tMin: 1e-4).Generate(400, 3);
        var measured = Reweighting.Apply(field.Lattice, samples, 400, variance, field.SpectrumTable(), 1);
        Assert.InRange(measured.EffectiveSampleFraction, 0.99, 1.0);
        Assert.True(measured.MetropolisAcceptance > 0.9);
    }

    [Fact]
    public void UnderTrainedModelIsCorrectedExactly()
    {
        // A score scaled by 0.9 generates too wide a law (r ~ 1.2-1.5, exact ESS/N ~ 0.5). Importance weights
        // and the independence Metropolis chain must both recover the target's exact observables within
        // 4 standard errors, and the measured ESS/N must match the exact one.
        var field = GenerationTestCases.Field(6);
        var reverse = GenerationTestCases.Reverse(field, "sde-exp", 200, tMax: 12, tMin: 1e-3,
            score: GenerationTestCases.ScaledExact(field, 0.9, 1e-3, 12));
        var variance = reverse.GeneratedVariance();
        var c = field.SpectrumTable();
        double exactEss = new GeneratedLaw(field.Lattice, variance).EffectiveSampleFraction(c);
        Assert.InRange(exactEss, 0.2, 0.8);
        const int n = 6000;
        var samples = reverse.Generate(n, 9);
        var result = Reweighting.Apply(field.Lattice, samples, n, variance, c, 2);
        Assert.InRange(result.EffectiveSampleFraction, exactEss - 0.1, exactEss + 0.1);
        Assert.InRange(result.MetropolisAcceptance, 0.1, 0.95);

        // Unweighted generated samples are biased: chi is off by many standard errors.
        var plain = CritDiff.Fields.FieldMeasurement.Measure(field.Lattice, samples, n);
        Assert.True(Math.Abs(plain.Susceptibility.StandardScore(field.Susceptibility)) > 8);
        foreach (var m in new[] { result.Reweighted, result.Metropolis })
        {
            Assert.InRange(Math.Abs(m.Susceptibility.StandardScore(field.Susceptibility)), 0, Tolerances.StandardErrors);
            Assert.InRange(Math.Abs(m.Energy.StandardScore(field.Energy)), 0, Tolerances.StandardErrors);
            Assert.InRange(Math.Abs(m.LocalVariance.StandardScore(field.LocalVariance)), 0, Tolerances.StandardErrors);
            Assert.InRange(Math.Abs(m.SecondMomentLength.StandardScore(field.SecondMomentCorrelationLength)), 0, Tolerances.StandardErrors);
        }
    }

    [Fact]
    public void LogWeightsAreTheGaussianDensityRatio()
    {
        // Brute force on one configuration: log N(x; 0, Sigma_C) - log N(x; 0, Sigma_v) with the real-space
        // covariances built densely from the two spectra.
        var field = GenerationTestCases.Field(4);
        var lattice = field.Lattice;
        var c = field.SpectrumTable();
        var v = c.Select((x, k) => x * (1 + 0.3 * Math.Cos(3 * lattice.KHat2(k)))).ToArray(); // even in k, like any real field's spectrum
        var x = new CritDiff.Fields.ExactSampler(field).Sample(1, 4);
        double log = Reweighting.LogWeights(lattice, x, 1, v, c)[0];
        var dense = (CritDiff.Networks.DenseNetwork)CritDiff.Networks.LinearMomentNetwork.Create(lattice, CritDiff.Networks.Architecture.Parse("dense"));
        double LogDensity(double[] spectrum)
        {
            var sigma = dense.CirculantCovariance(spectrum);
            var vector = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(x);
            return -0.5 * vector.DotProduct(sigma.Solve(vector)) - 0.5 * Math.Log(sigma.Determinant());
        }
        Assert.Equal(LogDensity(c) - LogDensity(v), log, 1e-9);
    }
}
