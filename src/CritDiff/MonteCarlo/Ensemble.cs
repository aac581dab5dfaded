using CritDiff.Fields;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Decorrelated configurations of a <see cref="LatticeModel"/> from <see cref="EnsembleGenerator"/>, with how they
/// were made and what was measured on them. Configurations are stored back to back (config i at i n V), each
/// component-major (component a at site x is a V + x), chain by chain: chain 0's configurations first, in the order
/// they were taken.
/// </summary>
/// <param name="Model">The target.</param>
/// <param name="Algorithm">Kernel name.</param>
/// <param name="Settings">Generation settings.</param>
/// <param name="Spacing">Sweeps between stored configurations of one chain.</param>
/// <param name="TauMagnetisationSquared">tau_int of |M|^2 in sweeps from the pilot run (Mean = tau, Error = its error).</param>
/// <param name="TauEnergy">tau_int of e in sweeps from the pilot run.</param>
/// <param name="TauAtSpacing">tau_int of |M|^2 along each chain's stored configurations, in units of the spacing (0.5 means
/// independent); null when a chain holds fewer than 16 configurations.</param>
/// <param name="Configurations">N n V values.</param>
/// <param name="Count">N.</param>
/// <param name="Estimates">Observables of the stored configurations, errors sqrt(2 tau_int var / N) with tau_int measured along
/// the stored sequences (<see cref="ModelEstimates.FromChains"/>).</param>
/// <param name="Acceptance">Mean acceptance over the pilot and collection sweeps.</param>
/// <param name="StepSize">Mean final step size over chains.</param>
/// <param name="SiteUpdates">Single-site updates over all chains, thermalisation and pilot included.</param>
/// <param name="WallSeconds">Wall time.</param>
/// <param name="Warnings">What makes the ensemble doubtful, in words.</param>
public sealed record Ensemble(LatticeModel Model, string Algorithm, EnsembleSettings Settings, int Spacing,
    Stats TauMagnetisationSquared, Stats TauEnergy, Stats? TauAtSpacing, double[] Configurations, int Count,
    ModelEstimates Estimates, double Acceptance, double StepSize, long SiteUpdates, double WallSeconds, IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// Whether the chains sample one distribution (<see cref="MonteCarlo.ChainAgreement"/>, from <see cref="EnsembleGenerator"/>);
    /// its warnings are among <see cref="Warnings"/>. Null only for an ensemble built by hand.
    /// </summary>
    public ChainAgreement? ChainAgreement { get; init; }

    /// <summary>Components n.</summary>
    public int Components => Model.Components;

    /// <summary>NumPy shape [N, L, ..., L] for n = 1, [N, n, L, ..., L] for n > 1.</summary>
    public int[] Shape => ShapeOf(Count, Model.Components, Model.Lattice.Shape);

    /// <summary>The spacing rule: s = max(1, ceil(2 tau_int)) sweeps, tau_int the larger of |M|^2's and e's.</summary>
    public static int SpacingFor(double tauInt) => double.IsFinite(tauInt) ? (int)Math.Max(1, Math.Ceiling(2 * tauInt - 1e-9)) : 1;

    /// <summary>[N, L..L] for n = 1, [N, n, L..L] for n > 1.</summary>
    public static int[] ShapeOf(int count, int components, int[] latticeShape) =>
        components == 1 ? [count, .. latticeShape] : [count, components, .. latticeShape];
}
