using System.Diagnostics;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Runs Markov chains on the Gaussian field and measures them: per sweep M^2 (M = mean of phi) and the nearest-neighbour
/// energy E = (1/(dV)) sum_x sum_mu phi(x) phi(x + e_mu) (the estimator of <see cref="GaussianField.Energy"/> = G(e_1)).
/// Chains start in the one chain driver (<see cref="ModelMcmc.StartChain"/>: cold, phi = 0, thermalised with the step size
/// tuned during the first half), then measure. The analysis (per-chain autocorrelation-corrected means, the kernel's
/// stationary law) is this class's own rather than <see cref="ModelMcmc"/>'s blocked one, so that <c>mcmc</c>'s numbers
/// stay bit for bit (docs/montecarlo.md). The chains are compared on |M| = sqrt(M^2) and E (<see cref="ChainAgreement"/>).
/// </summary>
public static class Mcmc
{
    /// <summary>Runs <paramref name="settings"/>.Chains chains of <paramref name="algorithm"/> on <paramref name="field"/>.</summary>
    public static McmcResult Run(GaussianField field, string algorithm, McmcSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return Run(MarkovKernels.Create(algorithm, field, settings.Kernel), settings);
    }

    /// <summary>
    /// Runs chains of <paramref name="kernel"/>, a kernel whose target is the Gaussian field, through the one chain driver
    /// (<see cref="ModelMcmc.StartChain"/>: chain c on stream (seed, c), cold start, thermalisation with the step tuned during
    /// its first half), measuring M^2 and E every sweep.
    /// </summary>
    public static McmcResult Run(ModelKernel kernel, McmcSettings settings)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(settings);
        if (kernel.Model is not GaussianField field)
            throw new ArgumentException($"Mcmc measures the Gaussian field; the kernel samples {kernel.Model.Describe()} (use ModelMcmc)", nameof(kernel));
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var run = settings.ToModelSettings();
        int chains = settings.Chains;
        var m2 = new double[chains][];
        var energy = new double[chains][];
        var acceptance = new double[chains];
        var steps = new double[chains];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.Threads };
        Parallel.For(0, chains, parallel, c =>
        {
            var chain = ModelMcmc.StartChain(kernel, run, c, CancellationToken.None);
            (m2[c], energy[c], acceptance[c]) = MeasureChain(kernel, chain, settings.Sweeps);
            steps[c] = chain.StepSize;
        });
        double wall = clock.Elapsed.TotalSeconds;

        int v = field.Lattice.SiteCount;
        var chi = Combine(m2.Select(s => Autocorrelation.Mean(s)).Select(s => new Stats(v * s.Mean, v * s.Error, s.TauInt)).ToArray());
        var e = Combine(energy.Select(s => Autocorrelation.Mean(s)).ToArray());
        var tauM2 = ModelMcmc.CombineTau(m2);
        var tauE = ModelMcmc.CombineTau(energy);
        var stationary = kernel.StationarySpectrum(steps.Average())!;
        var (stationaryChi, stationaryEnergy) = SpectralObservables(field.Lattice, stationary);
        // |M| = sqrt(M^2) per sweep; the Gaussian field has no broken phase and M^2 keeps no sign, so no signed M.
        var agreement = ChainAgreement.Compare("measured sweeps",
            [("abs_M", true, m2.Select(s => s.Select(Math.Sqrt).ToArray()).ToArray()), ("energy", true, energy)]);
        return new McmcResult(kernel.Name, field, settings, acceptance.Average(), steps.Average(),
            tauM2, tauE, chi, e, stationaryChi, stationaryEnergy, wall, m2, energy) with
        {
            ChainStepSizes = steps,
            ChainLeapfrogSteps = kernel is HybridMonteCarlo hmc ? steps.Select(hmc.LeapfrogSteps).ToArray() : [],
            ChainAgreement = agreement,
        };
    }

    /// <summary>
    /// chi = C(0) and E = G(e_1) = (1/(dV)) sum_k C(k) (d - khat2(k)/2) of a Gaussian law with per-mode variance
    /// <paramref name="spectrum"/> (sum_mu cos k_mu = d - khat2/2).
    /// </summary>
    public static (double Susceptibility, double Energy) SpectralObservables(Lattice lattice, ReadOnlySpan<double> spectrum)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (spectrum.Length != lattice.SiteCount) throw new ArgumentException($"expected {lattice.SiteCount} modes", nameof(spectrum));
        var khat2 = lattice.KHat2Table();
        int d = lattice.Dimension;
        double sum = 0;
        for (int k = 0; k < khat2.Length; k++) sum += spectrum[k] * (d - khat2[k] / 2);
        return (spectrum[0], sum / (d * lattice.SiteCount));
    }

    /// <summary>
    /// The measured sweeps of one thermalised chain: M^2 and E after every sweep (<see cref="Measure"/>: the stencil
    /// evaluation of E, kept apart from <see cref="ModelObservables"/>' bond sum because the two round differently).
    /// </summary>
    private static (double[] M2, double[] Energy, double Acceptance) MeasureChain(ModelKernel kernel, ModelChain chain, int sweeps)
    {
        var lattice = kernel.Model.Lattice;
        var m2 = new double[sweeps];
        var energy = new double[sweeps];
        var sums = chain.Scratch(5);
        double acceptance = 0;
        for (int t = 0; t < sweeps; t++)
        {
            acceptance += kernel.Sweep(chain);
            (m2[t], energy[t]) = Measure(lattice, chain.Configuration, sums);
        }
        return (m2, energy, acceptance / sweeps);
    }

    /// <summary>(M^2, E) of one configuration; E = (1/(2dV)) sum_x phi(x) h(x).</summary>
    internal static (double M2, double Energy) Measure(Lattice lattice, ReadOnlySpan<double> phi, Span<double> sums)
    {
        Stencil.NeighbourSums(lattice, phi, sums);
        double total = 0, bonds = 0;
        for (int x = 0; x < phi.Length; x++)
        {
            total += phi[x];
            bonds += phi[x] * sums[x];
        }
        double m = total / phi.Length;
        return (m * m, bonds / (2.0 * lattice.Dimension * phi.Length));
    }

    private static Stats Combine(Stats[] perChain)
    {
        double mean = perChain.Average(s => s.Mean);
        double error = Math.Sqrt(perChain.Sum(s => s.Error * s.Error)) / perChain.Length;
        return new Stats(mean, error, perChain.Average(s => s.TauInt));
    }
}
