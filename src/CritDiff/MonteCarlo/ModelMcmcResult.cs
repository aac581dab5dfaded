using CritDiff.Fields;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Outcome of <see cref="ModelMcmc"/>. Errors come from blocks of <see cref="BlockLength"/> consecutive sweeps
/// (at least <see cref="ModelMcmcSettings.BlockFactor"/> tau_int long) pooled over chains: plain means from the block
/// means, the Binder cumulant and xi2 by the jackknife over blocks (<see cref="ModelEstimates"/>).
/// </summary>
/// <param name="Algorithm">Kernel name.</param>
/// <param name="Model">Target model.</param>
/// <param name="Settings">Run settings.</param>
/// <param name="Acceptance">Mean acceptance probability over measured sweeps and chains (1 for rejection-free kernels).</param>
/// <param name="StepSize">Mean final step size over chains.</param>
/// <param name="TauMagnetisationSquared">tau_int of |M|^2 in sweeps (Mean = tau averaged over chains, Error = its error).</param>
/// <param name="TauEnergy">tau_int of the energy e in sweeps.</param>
/// <param name="BlockLength">Sweeps per block (at least; blocks split each chain as evenly as possible).</param>
/// <param name="BlockCount">Blocks over all chains.</param>
/// <param name="Estimates">&lt;|M|&gt;, &lt;|M|^2&gt;, chi, U, xi2, e and G(k1) with errors.</param>
/// <param name="Spectrum">G(k) per mode with errors over blocks; null when <see cref="ModelMcmcSettings.SpectrumInterval"/> is 0.</param>
/// <param name="Histogram">Histogram of M (n = 1) or |M| (n > 1) over all measured sweeps and chains.</param>
/// <param name="SiteUpdates">Single-site updates over all chains, thermalisation included (the cost).</param>
/// <param name="WallSeconds">Wall time of the run, thermalisation included.</param>
/// <param name="Series">Per chain, the measured series.</param>
/// <param name="Warnings">What makes the result doubtful, in words (empty when all is well).</param>
/// <param name="IsValid">False when the acceptance is 0, an estimate is NaN or there were fewer than two blocks (chains that
/// disagree, <see cref="ChainAgreement"/>, are warned about but leave the run valid).</param>
public sealed record ModelMcmcResult(string Algorithm, LatticeModel Model, ModelMcmcSettings Settings, double Acceptance,
    double StepSize, Stats TauMagnetisationSquared, Stats TauEnergy, int BlockLength, int BlockCount, ModelEstimates Estimates,
    MeasuredSpectrum? Spectrum, Histogram Histogram, long SiteUpdates, double WallSeconds, IReadOnlyList<ModelSeries> Series,
    IReadOnlyList<string> Warnings, bool IsValid)
{
    /// <summary>
    /// Whether the chains sample one distribution (|M| and e compared across chains, <see cref="MonteCarlo.ChainAgreement"/>);
    /// its warnings are among <see cref="Warnings"/>. Set by <see cref="ModelMcmc"/>; null only for a result built by hand.
    /// </summary>
    public ChainAgreement? ChainAgreement { get; init; }

    /// <summary>The larger of the two autocorrelation times, in sweeps.</summary>
    public double TauMax => Math.Max(TauMagnetisationSquared.Mean, TauEnergy.Mean);

    /// <summary>Single-site updates per second of wall time.</summary>
    public double SiteUpdatesPerSecond => SiteUpdates / WallSeconds;

    /// <summary>Effective samples N chains / (2 tau_max) per second of wall time.</summary>
    public double EffectiveSamplesPerSecond => (double)Settings.Sweeps * Settings.Chains / (2 * TauMax) / WallSeconds;
}
