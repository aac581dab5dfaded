using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// A generated ensemble of the Gaussian field (heat bath through its action) reproduces the exact spectrum C(k) and chi
/// of docs/science.md section 3 within <see cref="Tolerances.StandardErrors"/> errors, its stored configurations are
/// decorrelated (tau_int at the spacing close to 0.5), and the spectrum survives the file round trip.
/// </summary>
public sealed class EnsembleGeneratorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-ensemble-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void GaussianEnsembleHasTheExactSpectrum()
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 8), 0.25);
        var ensemble = EnsembleGenerator.Generate(new TestKernels.GaussianHeatBath(field),
            new EnsembleSettings(3_000, 200, 2_000, Chains: 2, Seed: 12));
        Assert.Empty(ensemble.Warnings);
        Assert.Equal(Ensemble.SpacingFor(Math.Max(ensemble.TauMagnetisationSquared.Mean, ensemble.TauEnergy.Mean)), ensemble.Spacing);
        Assert.True(ensemble.Spacing >= 2, $"spacing {ensemble.Spacing}: a heat bath at xi = 2 has tau_int > 1");
        // Spacing 2 tau_int leaves tau_int' ~ 0.66 for an exponential decay; 1 means the spacing failed.
        Assert.InRange(ensemble.TauAtSpacing!.Value.Mean, 0.5, 1.0);
        ModelMcmcTests.AssertWithin(field.Susceptibility, ensemble.Estimates.Susceptibility, "chi");
        ModelMcmcTests.AssertWithin(field.Energy, ensemble.Estimates.Energy, "energy");

        string path = Path.Combine(_folder, "gauss.npy");
        EnsembleFile.Write(path, ensemble);
        var spectrum = EnsembleFile.Read(path).Spectrum();
        var exact = field.SpectrumTable();
        for (int k = 0; k < exact.Length; k++)
            Assert.True(Math.Abs(spectrum.Mean[k] - exact[k]) <= Tolerances.StandardErrors * spectrum.Error[k],
                $"G(k) at mode {k}: {spectrum.Mean[k]} +- {spectrum.Error[k]}, exact {exact[k]}");
        Assert.Equal(3_000, spectrum.Samples);
    }
}
