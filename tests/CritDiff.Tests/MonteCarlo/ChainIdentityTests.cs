using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// Regression pins for issue 21, the merge of the Gaussian-field kernels (heat bath, checkerboard Metropolis, Langevin,
/// MALA, HMC, Fourier-accelerated Langevin and HMC) and of the two HMC kernels onto the one <see cref="ModelKernel"/>
/// hierarchy and chain driver. The fingerprints were recorded with the code before the merge (MarkovKernel, ChainState,
/// Mcmc's own chain loop, FieldHybridMonteCarlo): a fingerprint is a hash of the bits of every measured value and of the
/// tuned step sizes, so any change in the random stream order, the tuning, or the floating-point evaluation of a kernel
/// changes it. They are outputs of the code itself on purpose: the claim they check is "bit-identical to the old code",
/// which has no independent reference. The physics of these kernels is tested against exact values elsewhere
/// (KernelInvarianceTests, Phi4KernelTests).
/// </summary>
public class ChainIdentityTests
{
    private static readonly McmcSettings GaussianSettings = new(Sweeps: 40, Thermalization: 30, Chains: 2, Seed: 17, Threads: 1);

    [Theory]
    [InlineData("heatbath", "f7fe9be874102c46")]
    [InlineData("metropolis", "747a2c4d45d7f534")]
    [InlineData("langevin", "feea72d932beb7c2")]
    [InlineData("mala", "de67ec5b902a67c9")]
    [InlineData("hmc", "05748885d21051df")]
    [InlineData("fa-langevin", "062a9e6eb6310fb1")]
    [InlineData("fa-hmc", "ce06d8bc53636b70")]
    public void GaussianMcmcChainsAreBitIdenticalToTheOldDriver(string algorithm, string expected)
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 6), 0.25);
        var r = Mcmc.Run(field, algorithm, GaussianSettings);
        var hash = new Fingerprint();
        foreach (var s in r.MagnetisationSquared) hash.Add(s);
        foreach (var s in r.EnergySeries) hash.Add(s);
        hash.Add(r.ChainStepSizes);
        hash.Add(r.Acceptance, r.TauMagnetisationSquared.Mean, r.TauEnergy.Mean, r.Susceptibility.Mean, r.Susceptibility.Error,
            r.Energy.Mean, r.Energy.Error, r.StationarySusceptibility, r.StationaryEnergy);
        Assert.Equal(expected, hash.ToString());
    }

    [Theory]
    [InlineData("gaussian", "metropolis", "e9000b383a032e43")]
    [InlineData("gaussian", "hmc", "241b90f7da6f255c")]
    [InlineData("phi4", "metropolis", "51240fa7dcaddaa2")]
    [InlineData("phi4", "hmc", "20da9a0541510607")]
    [InlineData("phi4", "wolff", "d526066f30273be1")]
    [InlineData("on", "heatbath", "ece398efe2a7c211")]
    public void ModelMcmcChainsAreBitIdenticalToTheOldDriver(string kind, string algorithm, string expected)
    {
        var lattice = new Lattice(2, 6);
        LatticeModel model = kind switch
        {
            "gaussian" => GaussianField.AtCorrelationLengthOverSize(lattice, 0.25),
            "phi4" => new Phi4Model(lattice, 1, 0.25, 1),
            _ => SpinModel.AtBeta(lattice, 3, 0.2),
        };
        var r = ModelMcmc.Run(model, algorithm, new ModelMcmcSettings(Sweeps: 40, Thermalization: 30, Chains: 2, Seed: 17, Threads: 1));
        var hash = new Fingerprint();
        foreach (var s in r.Series)
        {
            hash.Add(s.MagnetisationSquared);
            hash.Add(s.Energy);
            hash.Add(s.Order);
            hash.Add(s.StepSize, s.Acceptance, s.SiteUpdates);
        }
        hash.Add(r.TauMagnetisationSquared.Mean, r.TauEnergy.Mean, r.Estimates.Susceptibility.Mean, r.Estimates.Susceptibility.Error);
        Assert.Equal(expected, hash.ToString());
    }

    /// <summary>
    /// One chain driver: a Gaussian-field kernel of <see cref="MarkovKernels"/> run by <see cref="ModelMcmc"/> walks the same
    /// chain as under <see cref="Mcmc"/> (same stream, start, tuning): M^2 and the tuned steps agree to the bit; the energy
    /// agrees to rounding (ModelObservables sums forward bonds, Mcmc half the neighbour sums: the same quantity).
    /// </summary>
    [Theory]
    [InlineData("heatbath")]
    [InlineData("metropolis")]
    [InlineData("mala")]
    [InlineData("fa-langevin")]
    [InlineData("fa-hmc")]
    public void AGaussianKernelWalksTheSameChainUnderEitherDriver(string algorithm)
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 6), 0.25);
        var gaussian = Mcmc.Run(field, algorithm, GaussianSettings);
        var model = ModelMcmc.Run(MarkovKernels.Create(algorithm, field),
            new ModelMcmcSettings(Sweeps: 40, Thermalization: 30, Chains: 2, Seed: 17, Threads: 1, SpectrumInterval: 0));
        for (int c = 0; c < 2; c++)
        {
            Assert.Equal(gaussian.MagnetisationSquared[c], model.Series[c].MagnetisationSquared);
            Assert.Equal(gaussian.ChainStepSizes[c], model.Series[c].StepSize);
            for (int t = 0; t < 40; t++)
                Assert.Equal(gaussian.EnergySeries[c][t], model.Series[c].Energy[t], 1e-12 * Math.Abs(gaussian.EnergySeries[c][t]) + 1e-15);
        }
        Assert.Equal(gaussian.Acceptance, model.Acceptance, 1e-15);
    }

    /// <summary>FNV-1a over the IEEE bits of the values added, in order.</summary>
    internal sealed class Fingerprint
    {
        private ulong _hash = 14695981039346656037UL;

        public void Add(params IEnumerable<double> values)
        {
            foreach (double v in values)
            {
                ulong bits = (ulong)BitConverter.DoubleToInt64Bits(v);
                for (int i = 0; i < 8; i++)
                {
                    _hash ^= (bits >> (8 * i)) & 0xff;
                    _hash *= 1099511628211UL;
                }
            }
        }

        public override string ToString() => _hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
