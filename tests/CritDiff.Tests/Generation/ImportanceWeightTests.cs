using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Tests.Generation;

public class ImportanceWeightTests
{
    private static readonly VariancePreserving Vp = new();

    [Theory]
    [InlineData("gaussian")]
    [InlineData("phi4")]
    public void ImportanceWeightsCorrectAWrongMassModelExactly(string kind)
    {
        // Target: a free field (GaussianField with mu2 = 0.5, n = 1) or phi^4 at lambda = 0 (n = 2, kappa = 0.22: per component
        // beta = 0.44, mu2 = 0.545), d = 2, L = 4, whose chi = C(0), e = G(e_1), U = 0 and <|M|> are exact. The generator is the
        // exact score of the wrong law C'(k) = 1/(beta (khat2 + 0.6 mu2)) (chi 1.67 times too large), run by the ODE with
        // K = 60. For a linear score the Heun map is linear, so log q is the exact density of the generated law up to an
        // x-independent constant (trapezoid vs. log-gain), which self-normalisation cancels: the weights are exact at any K.
        var lattice = new Lattice(2, 4);
        LatticeModel target;
        double beta, mu2;
        if (kind == "gaussian")
        {
            target = GaussianField.FreeField(lattice, 0.5);
            (beta, mu2) = (1, 0.5);
        }
        else
        {
            var phi4 = new Phi4Model(lattice, 2, 0.22, 0);
            target = phi4;
            (beta, mu2) = phi4.GaussianLimit!.Value;
        }
        int n = target.Components, v = lattice.SiteCount;
        var targetSpectrum = lattice.KHat2Table().Select(k2 => 1 / (beta * (k2 + mu2))).ToArray();
        var proposal = lattice.KHat2Table().Select(k2 => 1 / (beta * (k2 + 0.6 * mu2))).ToArray();
        var score = TimeScore.ExactGaussian(lattice, n, proposal, Vp);
        const int count = 4000;
        var generated = RealSpaceSampler.Generate(score, Vp, new GenerationSettings(Samplers.Heun, 60, 6, 0.05), count, 21, options: RealSpaceOptions.ExactLogDensity);
        var result = ImportanceWeights.Apply(target, generated, 4);

        var exact = new GeneratedLaw(lattice, targetSpectrum);
        double sigma = Math.Sqrt(exact.Susceptibility / v); // per-component standard deviation of M
        double meanNorm = n == 1 ? sigma * Math.Sqrt(2 / Math.PI) : sigma * Math.Sqrt(Math.PI / 2);
        Assert.InRange(result.EffectiveSampleFraction, 0.3, 0.999);
        Assert.False(result.LowEss);
        Assert.InRange(result.MetropolisAcceptance, 0.3, 0.99);

        // Unweighted, the generated samples miss chi by many standard errors; weighted and chained, they hit it.
        var plain = ModelEstimates.FromRows(lattice, n, Rows(target, generated));
        Assert.True(Math.Abs(plain.Susceptibility.StandardScore(exact.Susceptibility)) > 8);
        foreach (var m in new[] { result.Reweighted, result.Metropolis })
        {
            Assert.InRange(Math.Abs(m.Susceptibility.StandardScore(exact.Susceptibility)), 0, Tolerances.StandardErrors);
            Assert.InRange(Math.Abs(m.Energy.StandardScore(exact.Energy)), 0, Tolerances.StandardErrors);
            Assert.InRange(Math.Abs(m.Magnetisation.StandardScore(meanNorm)), 0, Tolerances.StandardErrors);
            Assert.InRange(Math.Abs(m.Binder.StandardScore(0)), 0, Tolerances.StandardErrors);
        }
    }

    [Fact]
    public void ImportanceWeightsReachInteractingPhi4MonteCarlo()
    {
        // phi^4 with lambda = 0.1, kappa = 0.2, n = 1, d = 2, L = 4 (interacting, no closed form). Generator: the ODE of the
        // exact score of the lambda = 0 Gaussian at the same kappa (beta = 0.4, mu2 = 1), i.e. a crude model that ignores the
        // quartic term. Reweighted chi, e and U, and the chain's, agree with Wolff + Metropolis Monte Carlo (4 chains x 20000
        // sweeps, blocked errors) within 4 combined standard errors. Heun with K = 60 has a log q discretisation error
        // that is x-independent for this linear score (see above), so there is no bias from it.
        var lattice = new Lattice(2, 4);
        var target = new Phi4Model(lattice, 1, 0.2, 0.1);
        var proposal = lattice.KHat2Table().Select(k2 => 1 / (0.4 * (k2 + 1))).ToArray();
        var score = TimeScore.ExactGaussian(lattice, 1, proposal, Vp);
        var generated = RealSpaceSampler.Generate(score, Vp, new GenerationSettings(Samplers.Heun, 60, 6, 0.05), 6000, 17, options: RealSpaceOptions.ExactLogDensity);
        var result = ImportanceWeights.Apply(target, generated, 3);
        Assert.False(result.LowEss);
        var mc = CritDiff.MonteCarlo.ModelMcmc.Run(target, "wolff", new CritDiff.MonteCarlo.ModelMcmcSettings(20000, 2000, Chains: 4, Seed: 5,
            SpectrumInterval: 0)).Estimates;
        // The crude generator alone misses chi by > 8 combined errors (measured: 2.40 +- 0.04 against 1.735 +- 0.012).
        var plain = ModelEstimates.FromRows(lattice, 1, Rows(target, generated));
        Assert.True(Combined(plain.Susceptibility, mc.Susceptibility) > 8);
        foreach (var m in new[] { result.Reweighted, result.Metropolis })
        {
            Assert.InRange(Combined(m.Susceptibility, mc.Susceptibility), 0, Tolerances.StandardErrors);
            Assert.InRange(Combined(m.Energy, mc.Energy), 0, Tolerances.StandardErrors);
            Assert.InRange(Combined(m.Binder, mc.Binder), 0, Tolerances.StandardErrors);
        }
    }

    private static double Combined(Stats a, Stats b) => Math.Abs(a.Mean - b.Mean) / Math.Sqrt(a.Error * a.Error + b.Error * b.Error);

    [Fact]
    public void ImportanceWeightsFlagALowEss()
    {
        // A generator four times too wide on every mode of a 6 x 6 free field: exact ESS/N = prod over 36 real degrees of
        // freedom of sqrt(2r - 1)/r at r = 4, i.e. 0.66^36 ~ 3e-7; with 1000 samples the measured ESS/N is a few heavy weights.
        var target = GaussianField.FreeField(new Lattice(2, 6), 0.5);
        var proposal = target.SpectrumTable().Select(c => 4 * c).ToArray();
        var score = TimeScore.ExactGaussian(target.Lattice, 1, proposal, Vp);
        var generated = RealSpaceSampler.Generate(score, Vp, new GenerationSettings(Samplers.Heun, 40, 6, 0.05), 1000, 8, options: RealSpaceOptions.ExactLogDensity);
        var result = ImportanceWeights.Apply(target, generated, 1);
        Assert.True(result.EffectiveSampleFraction < ImportanceWeights.LowEssFraction);
        Assert.True(result.LowEss);
        Assert.True(result.MetropolisAcceptance < 0.1);
    }

    [Fact]
    public void ImportanceWeightEssIsTheWeightRatio()
    {
        // (sum w)^2/(N sum w^2): equal weights give 1, one dominant weight 1/N, and a common shift changes nothing.
        Assert.Equal(1, ImportanceWeights.EffectiveSampleFraction([3, 3, 3, 3]), Tolerances.ClosedForm);
        Assert.Equal(0.25, ImportanceWeights.EffectiveSampleFraction([0, -800, -900, -1000]), Tolerances.ClosedForm);
        double[] logs = [0.1, -0.4, 1.3, 0.7, -2];
        double w = logs.Sum(Math.Exp), w2 = logs.Sum(l => Math.Exp(2 * l));
        Assert.Equal(w * w / (5 * w2), ImportanceWeights.EffectiveSampleFraction(logs), Tolerances.ClosedForm);
        Assert.Equal(ImportanceWeights.EffectiveSampleFraction(logs),
            ImportanceWeights.EffectiveSampleFraction(logs.Select(l => l + 700).ToArray()), Tolerances.ClosedForm);
    }

    [Fact]
    public void ImportanceWeightLogWeightIsMinusActionMinusLogQ()
    {
        var target = new Phi4Model(new Lattice(2, 4), 2, 0.2, 0.5);
        var x = new double[3 * target.ConfigurationLength];
        var rng = new RandomStream(2, 0);
        rng.FillGaussian(x);
        double[] logQ = [-1.5, 2, 0.25];
        var logWeights = ImportanceWeights.LogWeights(target, x, logQ, 3);
        for (int i = 0; i < 3; i++)
            Assert.Equal(-target.Action(x.AsSpan(i * target.ConfigurationLength, target.ConfigurationLength)) - logQ[i], logWeights[i], 1e-12);
    }

    [Fact]
    public void ImportanceWeightsRefuseConstrainedTargetsAndSamplesWithoutDensity()
    {
        var lattice = new Lattice(2, 4);
        var spins = SpinModel.AtBeta(lattice, 1, 0.3);
        var score = TimeScore.ExactGaussian(lattice, 1, GaussianField.FreeField(lattice, 0.5).SpectrumTable(), Vp);
        var ode = RealSpaceSampler.Generate(score, Vp, new GenerationSettings(Samplers.Heun, 10, 6, 0.05), 8, 1, options: RealSpaceOptions.ExactLogDensity);
        var error = Assert.Throws<InvalidOperationException>(() => ImportanceWeights.Apply(spins, ode, 1));
        Assert.Contains("no density", error.Message);
        var sde = RealSpaceSampler.Generate(score, Vp, new GenerationSettings(Samplers.EulerMaruyama, 10, 6, 0.05), 8, 1);
        Assert.Throws<ArgumentException>(() => ImportanceWeights.Apply(GaussianField.FreeField(lattice, 0.5), sde, 1));
    }

    private static double[,] Rows(LatticeModel target, RealSpaceSamples generated)
    {
        var observables = new ModelObservables(target);
        var rows = new double[generated.Count, ModelEstimates.ColumnCount];
        var row = new double[ModelEstimates.ColumnCount];
        for (int i = 0; i < generated.Count; i++)
        {
            ModelEstimates.Row(observables.Measure(generated.Configuration(i)), row);
            for (int c = 0; c < row.Length; c++) rows[i, c] = row[c];
        }
        return rows;
    }
}
