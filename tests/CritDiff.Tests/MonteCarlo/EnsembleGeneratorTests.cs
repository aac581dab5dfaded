using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Persistence;

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
    /// <summary>
    /// Issue 24: stored configurations one sweep apart are correlated (heat bath at xi = 2: tau_int of several sweeps); the
    /// side-car's errors must carry that tau_int (<see cref="ModelEstimates.FromChains"/>), not treat them as independent.
    /// </summary>
    [Fact]
    public void SideCarErrorsUseTheStoredSequencesTauInt()
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 8), 0.25);
        var ensemble = EnsembleGenerator.Generate(new TestKernels.GaussianHeatBath(field),
            new EnsembleSettings(1_000, 200, 100, Chains: 2, Seed: 13, Spacing: 1));
        var chi = ensemble.Estimates.Susceptibility;
        // The same |M|^2 sequences and estimator as tau_int at the spacing.
        Assert.Equal(ensemble.TauAtSpacing!.Value.Mean, chi.TauInt, Tolerances.ClosedForm);
        Assert.True(chi.TauInt > 1, $"tau_int {chi.TauInt} at spacing 1: the case does not test correlated configurations");

        var rows = new double[ensemble.Count, ModelEstimates.ColumnCount];
        var row = new double[ModelEstimates.ColumnCount];
        var observables = new ModelObservables(field);
        int length = field.ConfigurationLength;
        for (int i = 0; i < ensemble.Count; i++)
        {
            ModelEstimates.Row(observables.Measure(ensemble.Configurations.AsSpan(i * length, length)), row);
            for (int j = 0; j < row.Length; j++) rows[i, j] = row[j];
        }
        var independent = ModelEstimates.FromRows(field.Lattice, 1, rows);
        Assert.Equal(independent.Susceptibility.Error * Math.Sqrt(2 * chi.TauInt), chi.Error, 1e-9 * chi.Error);

        string path = Path.Combine(_folder, "correlated.npy");
        EnsembleFile.Write(path, ensemble);
        var sideCar = EnsembleFile.ReadSideCar(EnsembleFile.SideCarPath(path));
        Assert.Equal(chi.Error, sideCar.Observables!["susceptibility"].Error!.Value, 1e-12 * chi.Error);
    }
}
