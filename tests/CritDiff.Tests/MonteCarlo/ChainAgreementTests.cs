using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Persistence;
using CritDiff.Statistics;
using MathNet.Numerics.Distributions;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// The chain comparison (<see cref="ChainAgreement"/>, issue 23): agreeing chains (independent Gaussian AR(1) series with
/// one mean) trip it at about the stated family-wise rate, a chain shifted by many errors does, and so does a phi^4 HMC
/// chain held in a two-stripe domain wall (the case of the bug report, built directly) while chains in either ordered
/// sector do not.
/// </summary>
public sealed class ChainAgreementTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-chains-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>AR(1) with coefficient 0.9: tau_int = (1 + 0.9) / (2 (1 - 0.9)) = 9.5; 4000 values are ~420 tau_int.</summary>
    private const double Phi = 0.9;

    private const int Length = 4000;

    [Fact]
    public void TheBonferroniThresholdIsTheNormalQuantile()
    {
        var agreement = ChainAgreement.Compare("test", Observables(seed: 1, chains: 4, shift: 0));
        Assert.Equal(2 * 6, agreement.Tests);
        // Two-sided 0.1% over 12 tests: Phi^-1(1 - 0.001 / 24) = 3.93 (tables of the normal distribution).
        Assert.Equal(Normal.InvCDF(0, 1, 1 - 0.001 / 24), agreement.ZThreshold, Tolerances.ClosedForm);
        Assert.Equal(3.93, agreement.ZThreshold, 0.005);
        Assert.Equal(0.001, agreement.FamilyAlpha);
        Assert.Equal(RHat.Threshold, agreement.RHatThreshold);
    }

    [Fact]
    public void AgreeingAr1ChainsRarelyTripTheCheck()
    {
        // 200 independent runs of 4 chains x 2 observables at the same mean. With exact errors the z-tests trip in at most
        // 0.1% of runs (Bonferroni) and R-hat at ~420 tau_int per chain practically never; tau_int estimated from each chain
        // makes the errors themselves uncertain, and over 3000 such runs 0.27% were flagged. Allowed: at most 3 of 200 (a
        // binomial with p = 0.3% exceeds it with probability 0.3%).
        int runs = 200, flagged = 0;
        double worstRHat = 0;
        for (int seed = 0; seed < runs; seed++)
        {
            var agreement = ChainAgreement.Compare("ar1", Observables((ulong)seed, chains: 4, shift: 0));
            if (!agreement.Agree) flagged++;
            worstRHat = Math.Max(worstRHat, agreement.Observables.Max(o => o.RHat));
            Assert.Equal(agreement.Agree, agreement.Warnings.Count == 0);
        }
        Assert.True(flagged <= 3, $"{flagged} of {runs} agreeing runs flagged");
        Assert.True(worstRHat < RHat.Threshold, $"largest R-hat {worstRHat} over {runs} agreeing runs");
    }

    [Fact]
    public void AChainShiftedByEightErrorsIsFlagged()
    {
        // The error of a pair difference is sqrt(2) sqrt(2 tau_int / N) (unit variance): shift chain 3 by 8 of them.
        double shift = 8 * Math.Sqrt(2) * Math.Sqrt(2 * (1 + Phi) / (2 * (1 - Phi)) / Length);
        for (int seed = 0; seed < 20; seed++)
        {
            var agreement = ChainAgreement.Compare("ar1", Observables((ulong)seed, chains: 4, shift));
            Assert.False(agreement.Agree, $"seed {seed}: shifted chain not flagged");
            var first = agreement.Observables[0];
            Assert.False(first.Agrees);
            Assert.Equal(3, first.WorstPair!.Value.Second);
            Assert.True(first.MaxZ > agreement.ZThreshold);
            Assert.Contains(agreement.Warnings, w => w.Contains("chains disagree on |M|", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void SignedMagnetisationIsInformationOnly()
    {
        // Chains in opposite sectors of a Z2 symmetry: the signed M differ by far, |M| (the same law) agrees.
        var observables = Observables(3, chains: 4, shift: 0);
        var norms = observables[0].Chains;
        var signed = norms.Select((c, i) => c.Select(x => (i % 2 == 0 ? 1 : -1) * (5 + x)).ToArray()).ToArray();
        var agreement = ChainAgreement.Compare("z2", [.. observables, ("M", false, signed)]);
        var m = agreement.Observables.Single(o => o.Name == "M");
        Assert.False(m.Agrees);
        Assert.False(m.Strict);
        Assert.True(agreement.Agree);
        Assert.Empty(agreement.Warnings);
    }

    [Fact]
    public void OneChainIsComparedThroughItsHalvesOnly()
    {
        var steady = ChainAgreement.Compare("one", Observables(4, chains: 1, shift: 0));
        Assert.True(steady.Agree);
        Assert.True(double.IsNaN(steady.ZThreshold));
        Assert.Null(steady.Observables[0].WorstPair);
        // A chain that jumps half-way (a late tunnelling into another state) is caught by split-R-hat.
        var jump = Enumerable.Range(0, 400).Select(t => t < 200 ? 4.8 + 0.01 * Math.Sin(t) : 0.6 + 0.01 * Math.Sin(t)).ToArray();
        var jumped = ChainAgreement.Compare("one", [("abs_M", true, [jump])]);
        Assert.False(jumped.Agree);
    }

    /// <summary>
    /// The bug report's case (phi^4, kappa 0.5, lambda 0.022, HMC) on L = 8: chains started in either ordered state agree on
    /// |M| and e (their signed M differ: information only); a chain started in two stripes +v | -v (two domain walls) keeps
    /// them through a short HMC run, its |M| is near 0 against ~4.8, and the run is flagged with a warning.
    /// </summary>
    [Fact]
    public void Phi4HmcChainInADomainWallIsFlaggedAndOrderedChainsAreNot()
    {
        var model = new Phi4Model(new Lattice(2, 8), 1, 0.5, 0.022);
        // The minimum of the action per site for a uniform field: d/d(phi^2) [-2 kappa d phi^2 + phi^2 + lambda (phi^2 - 1)^2] = 0.
        double v = Math.Sqrt(1 + (2 * model.Kappa * 2 - 1) / (2 * model.Lambda));
        double[] Uniform(double value) => Enumerable.Repeat(value, model.Lattice.SiteCount).ToArray();
        double[] Stripes() => Enumerable.Range(0, model.Lattice.SiteCount)
            .Select(x => x / model.Lattice.Stride(0) % model.Lattice.Length < model.Lattice.Length / 2 ? v : -v).ToArray();

        var ordered = RunFrom(model, [Uniform(v), Uniform(-v), Uniform(v), Uniform(-v)]);
        var agreement = ordered.ChainAgreement!;
        Assert.True(agreement.Agree, string.Join("; ", ordered.Warnings));
        Assert.DoesNotContain(ordered.Warnings, w => w.Contains("chains disagree", StringComparison.Ordinal));
        Assert.False(agreement.Observables.Single(o => o.Name == "M").Agrees);

        var walled = RunFrom(model, [Uniform(v), Uniform(-v), Uniform(v), Stripes()]);
        agreement = walled.ChainAgreement!;
        Assert.False(agreement.Agree);
        var norm = agreement.Observables.Single(o => o.Name == "abs_M");
        Assert.True(norm.Chains[3].Mean < 0.5 * norm.Chains[0].Mean, $"the walled chain left its stripes: |M| = {norm.Chains[3]}");
        Assert.Equal(3, norm.WorstPair!.Value.Second);
        Assert.True(norm.RHat > RHat.Threshold && norm.MaxZ > agreement.ZThreshold);
        Assert.False(agreement.Observables.Single(o => o.Name == "energy").Agrees);
        Assert.Contains(walled.Warnings, w => w.Contains("chains disagree on |M|", StringComparison.Ordinal));
        Assert.True(walled.IsValid, "disagreeing chains are warned about, not invalid");
    }

    [Fact]
    public void EnsembleComparesStoredConfigurationsOrThePilotAndWritesTheSideCar()
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 8), 0.25);
        var ensemble = EnsembleGenerator.Generate(new TestKernels.GaussianHeatBath(field),
            new EnsembleSettings(2 * EnsembleGenerator.MinStoredForComparison + 1, 100, 400, Chains: 2, Seed: 21));
        var agreement = ensemble.ChainAgreement!;
        Assert.Equal("stored configurations", agreement.Source);
        Assert.Equal(EnsembleGenerator.MinStoredForComparison, agreement.Length);
        Assert.True(agreement.Agree, string.Join("; ", ensemble.Warnings));
        Assert.Equal(["abs_M", "energy", "M"], agreement.Observables.Select(o => o.Name));
        // The stored |M| of chain 1 are those of configurations 65.. (chain 0 stores one more).
        var observables = new ModelObservables(field);
        int v = field.ConfigurationLength, first = EnsembleGenerator.MinStoredForComparison + 1;
        var norms = Enumerable.Range(first, EnsembleGenerator.MinStoredForComparison)
            .Select(i => observables.Measure(ensemble.Configurations.AsSpan(i * v, v)).MagnetisationNorm).ToArray();
        Assert.Equal(Autocorrelation.Mean(norms).Mean, agreement.Observables[0].Chains[1].Mean, Tolerances.ClosedForm);

        string path = Path.Combine(_folder, "e.npy");
        EnsembleFile.Write(path, ensemble);
        var sideCar = EnsembleFile.ReadSideCar(EnsembleFile.SideCarPath(path));
        Assert.True(sideCar.ChainsAgree);
        Assert.Equal("stored configurations", (string)sideCar.ChainAgreement!["source"]!);

        var small = EnsembleGenerator.Generate(new TestKernels.GaussianHeatBath(field), new EnsembleSettings(16, 100, 400, Chains: 2, Seed: 21));
        Assert.Equal("pilot sweeps", small.ChainAgreement!.Source);
        Assert.Equal(400, small.ChainAgreement.Length);
    }

    [Fact]
    public void GaussianMcmcAndOnModelsCompareTheirChains()
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 4), 0.25);
        var gaussian = Mcmc.Run(field, "heatbath", new McmcSettings(2_000, 100, Chains: 3, Seed: 2));
        Assert.True(gaussian.ChainAgreement!.Agree, string.Join("; ", gaussian.Warnings));
        Assert.Equal(["abs_M", "energy"], gaussian.ChainAgreement.Observables.Select(o => o.Name));
        Assert.Equal(Autocorrelation.Mean(gaussian.MagnetisationSquared[2].Select(Math.Sqrt).ToArray()).Mean,
            gaussian.ChainAgreement.Observables[0].Chains[2].Mean, Tolerances.ClosedForm);

        var on = ModelMcmc.Run(SpinModel.AtBeta(new Lattice(2, 4), 3, 0.2), "heatbath", new ModelMcmcSettings(1_000, 100, Chains: 2, Seed: 2));
        Assert.True(on.ChainAgreement!.Agree, string.Join("; ", on.Warnings));
        Assert.Equal(["abs_M", "energy", "M_1", "M_2", "M_3"], on.ChainAgreement.Observables.Select(o => o.Name));
        // The component series are the magnetisation vector: |M|^2 = sum_a M_a^2 sweep by sweep.
        var s = on.Series[1];
        for (int t = 0; t < s.Length; t++)
            Assert.Equal(s.MagnetisationSquared[t], s.Components.Sum(c => c[t] * c[t]), 1e-12);
    }

    /// <summary>
    /// Chains of HMC on <paramref name="model"/> started in <paramref name="starts"/> (one configuration per chain),
    /// thermalised 100 sweeps (step tuned) and measured 400, through the runner's own measurement and analysis.
    /// </summary>
    private static ModelMcmcResult RunFrom(Phi4Model model, double[][] starts)
    {
        var kernel = ModelKernels.Create("hmc", model);
        var settings = new ModelMcmcSettings(400, 100, Chains: starts.Length, Seed: 7, SpectrumInterval: 0);
        var observables = new ModelObservables(model);
        var series = new ModelSeries[starts.Length];
        for (int c = 0; c < starts.Length; c++)
        {
            var chain = new ModelChain(model, settings.Seed, (ulong)c, kernel.DefaultStepSize);
            starts[c].CopyTo(chain.Configuration, 0);
            ModelMcmc.Thermalise(kernel, chain, settings, CancellationToken.None);
            (series[c], _) = ModelMcmc.Measure(kernel, chain, observables, settings, CancellationToken.None);
        }
        return ModelMcmc.Analyse(kernel, settings, series, new SpectrumAccumulator?[starts.Length], 0);
    }

    /// <summary>Two observables (abs_M, energy) of <paramref name="chains"/> independent stationary AR(1) chains; chain C - 1 of the first shifted.</summary>
    private static IReadOnlyList<(string Name, bool Strict, IReadOnlyList<double[]> Chains)> Observables(ulong seed, int chains, double shift) =>
    [
        ("abs_M", true, Enumerable.Range(0, chains).Select(c => Ar1(seed, (ulong)(2 * c), c == chains - 1 ? shift : 0)).ToArray()),
        ("energy", true, Enumerable.Range(0, chains).Select(c => Ar1(seed, (ulong)(2 * c + 1), 0)).ToArray()),
    ];

    /// <summary>A stationary AR(1) series x_{t+1} = phi x_t + sqrt(1 - phi^2) xi_t with unit variance, plus <paramref name="shift"/>.</summary>
    private static double[] Ar1(ulong seed, ulong stream, double shift)
    {
        var random = new RandomStream(seed, stream);
        var x = new double[Length];
        double value = random.NextGaussian(), innovation = Math.Sqrt(1 - Phi * Phi);
        for (int t = 0; t < Length; t++)
        {
            x[t] = value + shift;
            value = Phi * value + innovation * random.NextGaussian();
        }
        return x;
    }
}
