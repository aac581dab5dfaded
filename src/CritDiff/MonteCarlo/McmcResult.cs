using CritDiff.Fields;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Outcome of <c>Mcmc.Run</c>: autocorrelation times and observables combined over chains, the exact
/// values of the target and of the kernel's stationary law (they differ for unadjusted Langevin), and cost.
/// Per chain, tau_int and the autocorrelation-corrected errors come from <see cref="Autocorrelation"/>; chains are
/// combined as independent estimates (mean of chain values, error sqrt(sum err^2) / chains).
/// </summary>
/// <param name="Algorithm">Kernel name.</param>
/// <param name="Field">Target field.</param>
/// <param name="Settings">Run settings.</param>
/// <param name="Acceptance">Mean acceptance probability over measured sweeps and chains (1 for heat bath).</param>
/// <param name="StepSize">Mean final step size over chains.</param>
/// <param name="TauMagnetisationSquared">tau_int of M^2 in sweeps (Mean = tau, Error = its error).</param>
/// <param name="TauEnergy">tau_int of the energy E in sweeps.</param>
/// <param name="Susceptibility">chi = V &lt;M^2&gt; with its autocorrelation-corrected error.</param>
/// <param name="Energy">E = &lt;phi(x) phi(x + e_mu)&gt; with its autocorrelation-corrected error.</param>
/// <param name="StationarySusceptibility">chi of the kernel's exact stationary law (= Field.Susceptibility for exact kernels).</param>
/// <param name="StationaryEnergy">E of the kernel's exact stationary law.</param>
/// <param name="WallSeconds">Wall time of the whole run, thermalisation included.</param>
/// <param name="MagnetisationSquared">Per chain, the measured series M^2.</param>
/// <param name="EnergySeries">Per chain, the measured series E.</param>
public sealed record McmcResult(string Algorithm, GaussianField Field, McmcSettings Settings, double Acceptance, double StepSize,
    Stats TauMagnetisationSquared, Stats TauEnergy, Stats Susceptibility, Stats Energy,
    double StationarySusceptibility, double StationaryEnergy, double WallSeconds,
    IReadOnlyList<double[]> MagnetisationSquared, IReadOnlyList<double[]> EnergySeries)
{
    /// <summary>What makes the result doubtful, in words (empty when all is well), as <see cref="ModelMcmcResult.Warnings"/>.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            var warnings = new List<string>();
            if (Acceptance == 0)
                warnings.Add($"acceptance is 0: the {Algorithm} chains never moved (step size {StepSize:G3})");
            else if (double.IsNaN(Acceptance))
                warnings.Add($"acceptance is NaN: the {Algorithm} chains diverged (step size {StepSize:G3})");
            foreach (var (name, value) in new[] { ("chi", Susceptibility), ("energy", Energy), ("tau_int M2", TauMagnetisationSquared), ("tau_int energy", TauEnergy) })
                if (!double.IsFinite(value.Mean)) warnings.Add($"{name} is {value.Mean} (not a number)");
            if (ChainAgreement is { } agreement) warnings.AddRange(agreement.Warnings);
            return warnings;
        }
    }

    /// <summary>
    /// Whether the chains sample one distribution (|M| = sqrt(M^2) and E compared across chains); its warnings are among
    /// <see cref="Warnings"/>. Set by <see cref="Mcmc.Run(ModelKernel, McmcSettings)"/>; null for a result built by hand.
    /// </summary>
    public ChainAgreement? ChainAgreement { get; init; }

    /// <summary>Final (tuned) step size of each chain, in chain order.</summary>
    public IReadOnlyList<double> ChainStepSizes { get; init; } = [];

    /// <summary>Leapfrog steps per trajectory of each chain (HMC kernels: ceil(tau / step), so every trajectory has length tau); empty otherwise.</summary>
    public IReadOnlyList<int> ChainLeapfrogSteps { get; init; } = [];

    /// <summary>False when the acceptance is 0 or NaN or an estimate is not finite.</summary>
    public bool IsValid => Acceptance > 0 && new[] { Susceptibility, Energy, TauMagnetisationSquared, TauEnergy }.All(v => double.IsFinite(v.Mean));

    /// <summary>Effective samples N chains / (2 max(tau_M2, tau_E)) per second of wall time.</summary>
    public double EffectiveSamplesPerSecond =>
        (double)Settings.Sweeps * Settings.Chains / (2 * Math.Max(TauMagnetisationSquared.Mean, TauEnergy.Mean)) / WallSeconds;
}
