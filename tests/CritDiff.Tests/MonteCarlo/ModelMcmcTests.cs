using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Tests.Fields;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// The runner's estimates against independent references: the Gaussian field's exact chi, energy, xi2 and spectrum
/// (docs/science.md section 3), and the 2D Ising model on L = 4 summed over all 2^16 states. Fixed seeds; deviations
/// within <see cref="Tolerances.StandardErrors"/> block-jackknife errors.
/// </summary>
public class ModelMcmcTests
{
    private const double K = Tolerances.StandardErrors;

    [Fact]
    public void GaussianFieldThroughAKernelMatchesExactChiEnergyXiAndSpectrum()
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 8), 0.25);
        var result = ModelMcmc.Run(new TestKernels.GaussianHeatBath(field), new ModelMcmcSettings(20_000, 500, Chains: 2, Seed: 3));
        Assert.True(result.IsValid, string.Join("; ", result.Warnings));
        var e = result.Estimates;
        AssertWithin(field.Susceptibility, e.Susceptibility, "chi");
        AssertWithin(field.Energy, e.Energy, "energy");
        AssertWithin(field.SecondMomentCorrelationLength, e.SecondMomentLength, "xi2");
        AssertWithin(field.Spectrum(field.Lattice.FirstMode(0)), e.FirstModePower, "G(k1)");
        var exact = field.SpectrumTable();
        var spectrum = result.Spectrum!;
        for (int k = 0; k < exact.Length; k++)
            Assert.True(Math.Abs(spectrum.Mean[k] - exact[k]) <= K * spectrum.Error[k],
                $"G(k) at mode {k}: {spectrum.Mean[k]} +- {spectrum.Error[k]}, exact {exact[k]}");
        // G(0) per configuration is V |M|^2 / n: the same numbers as chi.
        Assert.Equal(e.Susceptibility.Mean, spectrum.Mean[0], 1e-9 * e.Susceptibility.Mean);
        Assert.Equal(2L * 20_500 * field.Lattice.SiteCount, result.SiteUpdates);
        Assert.Equal(2 * 20_000, result.Histogram.Total);
    }

    [Fact]
    public void Phi4AtLambdaZeroMatchesTheExactFreeField()
    {
        // lambda = 0: a Gaussian free field with C(k) = 1 / (2 kappa (khat2 + mu2)), mu2 = 1/kappa - 2d, i.e. the free
        // field's spectrum divided by 2 kappa; chi, the energy G(e_1) and every G(k) scale alike, xi2 does not.
        var lattice = new Lattice(2, 8);
        double mu2 = 0.25, kappa = 1 / (mu2 + 2 * lattice.Dimension);
        var model = new Phi4Model(lattice, 1, kappa, 0);
        var free = GaussianField.FreeField(lattice, mu2);
        double scale = 1 / (2 * kappa);
        var result = ModelMcmc.Run(model, "hmc", new ModelMcmcSettings(3_000, 300, Chains: 2, Seed: 5));
        Assert.True(result.IsValid, string.Join("; ", result.Warnings));
        var e = result.Estimates;
        AssertWithin(scale * free.Susceptibility, e.Susceptibility, "chi");
        AssertWithin(scale * free.Energy, e.Energy, "energy");
        AssertWithin(free.SecondMomentCorrelationLength, e.SecondMomentLength, "xi2");
        var exact = free.SpectrumTable();
        for (int k = 0; k < exact.Length; k++)
            Assert.True(Math.Abs(result.Spectrum!.Mean[k] - scale * exact[k]) <= K * result.Spectrum.Error[k],
                $"G(k) at mode {k}: {result.Spectrum.Mean[k]} +- {result.Spectrum.Error[k]}, exact {scale * exact[k]}");
        Assert.InRange(result.Acceptance, 0.5, 0.95);
    }

    [Theory]
    [InlineData("test-metropolis")]
    [InlineData("wolff")]
    [InlineData("heatbath")]
    public void IsingOnFourByFourAtCriticalCouplingMatchesEnumeration(string algorithm)
    {
        double betaC = LiteratureCriticalPoints.Of(2, 1)!.BetaUnit;
        var (energy, m2, m4, absM) = IsingEnumeration.Moments(4, betaC);
        var model = SpinModel.AtBetaUnit(new Lattice(2, 4), 1, betaC);
        var kernel = algorithm == "test-metropolis" ? new TestKernels.IsingMetropolis(model) : ModelKernels.Create(algorithm, model);
        var result = ModelMcmc.Run(kernel, new ModelMcmcSettings(40_000, 1_000, Chains: 2, Seed: 7));
        Assert.True(result.IsValid, string.Join("; ", result.Warnings));
        var e = result.Estimates;
        AssertWithin(energy, e.Energy, "energy");
        AssertWithin(16 * m2, e.Susceptibility, "chi");
        AssertWithin(absM, e.Magnetisation, "|M|");
        AssertWithin(1 - m4 / (3 * m2 * m2), e.Binder, "U");
        Assert.InRange(result.Acceptance, 0.05, 1);
    }

    [Fact]
    public void ResultsDoNotDependOnThreadCount()
    {
        var model = SpinModel.AtBetaUnit(new Lattice(2, 4), 1, 0.4);
        var kernel = new TestKernels.IsingMetropolis(model);
        var one = ModelMcmc.Run(kernel, new ModelMcmcSettings(64, 16, Chains: 3, Seed: 9, Threads: 1));
        var many = ModelMcmc.Run(kernel, new ModelMcmcSettings(64, 16, Chains: 3, Seed: 9, Threads: 3));
        for (int c = 0; c < 3; c++) Assert.Equal(one.Series[c].MagnetisationSquared, many.Series[c].MagnetisationSquared);
        Assert.NotEqual(one.Series[0].Energy, one.Series[1].Energy);
        Assert.Equal(one.Estimates, many.Estimates);
    }

    [Fact]
    public void ZeroAcceptanceMakesTheResultInvalid()
    {
        var model = SpinModel.AtBeta(new Lattice(2, 4), 2, 0.3);
        var result = ModelMcmc.Run(new TestKernels.Frozen(model), new ModelMcmcSettings(32, 0, Chains: 2));
        Assert.False(result.IsValid);
        Assert.Contains(result.Warnings, w => w.Contains("acceptance is 0", StringComparison.Ordinal));
    }

    [Fact]
    public void StepSizeIsTunedTowardsTheTargetAcceptance()
    {
        var model = SpinModel.AtBeta(new Lattice(2, 4), 3, 0.4);
        var result = ModelMcmc.Run(new TestKernels.SpinMetropolis(model), new ModelMcmcSettings(200, 400, Chains: 2, Seed: 2));
        Assert.InRange(result.Acceptance, 0.4, 0.6);
        Assert.NotEqual(0.5, result.StepSize);
    }

    internal static void AssertWithin(double exact, CritDiff.Statistics.Stats measured, string name, double allowance = 0)
    {
        Assert.True(double.IsFinite(measured.Error) && measured.Error > 0, $"{name}: no error estimate ({measured})");
        Assert.True(Math.Abs(measured.Mean - exact) <= K * measured.Error + allowance,
            $"{name}: measured {measured} (tau {measured.TauInt:G3}), expected {exact} (+ allowance {allowance})");
    }
}
