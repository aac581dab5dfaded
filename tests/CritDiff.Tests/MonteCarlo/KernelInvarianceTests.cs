using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// Every kernel leaves its stationary law invariant: chi and E measured on a chain within 4
/// autocorrelation-corrected standard errors of the exact values (the target's for exact kernels; the
/// known biased law of the unadjusted Langevin kernels, whose bias is checked separately).
/// </summary>
public class KernelInvarianceTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string algo in MarkovKernels.Names)
        {
            data.Add(algo, 2, 8);
            data.Add(algo, 3, 4);
        }
        data.Add("heatbath", 1, 16);
        data.Add("fa-hmc", 1, 16);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MeasuredChiAndEnergyMatchTheStationaryLaw(string algorithm, int d, int l)
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(d, l), 0.25);
        // N >= 500 tau_int everywhere: the Fourier kernels decorrelate in a few sweeps but cost an FFT per step.
        int sweeps = algorithm.StartsWith("fa-", StringComparison.Ordinal) ? 5_000 : 20_000;
        var result = Mcmc.Run(field, algorithm, new McmcSettings(Sweeps: sweeps, Thermalization: 1_000, Chains: 2, Seed: 11));
        Assert.InRange(Math.Abs(result.Susceptibility.Mean - result.StationarySusceptibility), 0,
            Tolerances.StandardErrors * result.Susceptibility.Error);
        Assert.InRange(Math.Abs(result.Energy.Mean - result.StationaryEnergy), 0, Tolerances.StandardErrors * result.Energy.Error);
        if (algorithm is not ("langevin" or "fa-langevin"))
        {
            Assert.Equal(field.Susceptibility, result.StationarySusceptibility, Tolerances.ClosedForm);
            Assert.Equal(field.Energy, result.StationaryEnergy, Tolerances.ClosedForm);
        }
        if (MarkovKernels.Create(algorithm, field).TargetAcceptance is { } target)
            Assert.InRange(result.Acceptance, target - 0.15, target + 0.15); // tuned during thermalisation
    }

    [Fact]
    public void UnadjustedFourierLangevinBiasIsTheExactStepSizeBias()
    {
        // Every mode's variance is C(k)/(1 - eps^2/4): at eps = 0.6, a 10% bias that dwarfs the errors. (The local
        // kernel's bias sits in the fast modes, where chi and E hardly see it; the invariance test covers its law.)
        const string algorithm = "fa-langevin";
        const double step = 0.6;
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 8), 0.25);
        var settings = new McmcSettings(20_000, 2_000, Chains: 2, Seed: 3, Kernel: new KernelOptions(StepSize: step));
        var result = Mcmc.Run(field, algorithm, settings);
        Assert.Equal(field.Susceptibility / (1 - step * step / 4), result.StationarySusceptibility, 1e-9);
        Assert.InRange(Math.Abs(result.Energy.Mean - result.StationaryEnergy), 0, Tolerances.StandardErrors * result.Energy.Error);
        Assert.True(Math.Abs(result.Energy.Mean - field.Energy) > Tolerances.StandardErrors * result.Energy.Error,
            $"the unadjusted kernel's bias should be resolved at this step size: E = {result.Energy}, stationary {result.StationaryEnergy}, target {field.Energy}; chi = {result.Susceptibility}, stationary {result.StationarySusceptibility}, target {field.Susceptibility}");
    }

    [Fact]
    public void ResultsDoNotDependOnThreadCount()
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 8), 0.25);
        foreach (string algo in new[] { "heatbath", "metropolis", "fa-hmc" })
        {
            var one = Mcmc.Run(field, algo, new McmcSettings(64, 32, Chains: 3, Seed: 9, Threads: 1));
            var many = Mcmc.Run(field, algo, new McmcSettings(64, 32, Chains: 3, Seed: 9, Threads: 3));
            for (int c = 0; c < 3; c++) Assert.Equal(one.MagnetisationSquared[c], many.MagnetisationSquared[c]);
            Assert.NotEqual(one.MagnetisationSquared[0], one.MagnetisationSquared[1]);
        }
    }

    [Fact]
    public void OddLengthIsRejectedByCheckerboardKernels()
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 5), 0.25);
        Assert.Throws<ArgumentException>(() => MarkovKernels.Create("heatbath", field));
        Assert.Throws<ArgumentException>(() => MarkovKernels.Create("metropolis", field));
        Assert.Throws<ArgumentException>(() => MarkovKernels.Create("gibbs", field));
        Assert.NotNull(MarkovKernels.Create("fa-hmc", field));
    }
}
