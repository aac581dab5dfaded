namespace CritDiff.Experiments;

/// <summary>
/// One trained diffusion model's cost inputs, produced by a generation-quality study (one row per size, network and replica)
/// and mapped onto this record by the caller; <see cref="CostStage"/> reads them from <see cref="ReproduceRun.DiffusionCosts"/>.
/// </summary>
/// <param name="Length">Linear size L.</param>
/// <param name="Network">Network name (as the study writes it).</param>
/// <param name="Replica">Replica index (independent data ensemble and training seed).</param>
/// <param name="TrainingSeconds">Wall seconds of training, > 0 or 0 (training-free).</param>
/// <param name="GenerationSecondsPerSample">Wall seconds to generate one sample (with its log q where the weights need it), > 0.</param>
/// <param name="EssFraction">Importance-weight ESS / N in (0, 1]; null where not measured.</param>
/// <param name="ImhAcceptance">Independence-Metropolis acceptance; null where not measured (reported only).</param>
/// <param name="ImhTauInt">Integrated autocorrelation time (tau_int = 1/2 + sum rho) of the independence-Metropolis chain, >= 0.5; null where not measured.</param>
/// <param name="Samples">N: samples the ESS and the IMH chain were measured on.</param>
public sealed record DiffusionCostInput(int Length, string Network, int Replica, double TrainingSeconds, double GenerationSecondsPerSample,
    double? EssFraction, double? ImhAcceptance, double? ImhTauInt, int Samples)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (Length < 2) throw new ArgumentOutOfRangeException(nameof(Length), Length, "L must be >= 2");
        ArgumentException.ThrowIfNullOrEmpty(Network);
        if (!(TrainingSeconds >= 0) || double.IsInfinity(TrainingSeconds)) throw new ArgumentOutOfRangeException(nameof(TrainingSeconds), TrainingSeconds, "training seconds must be >= 0");
        if (!(GenerationSecondsPerSample > 0) || double.IsInfinity(GenerationSecondsPerSample))
            throw new ArgumentOutOfRangeException(nameof(GenerationSecondsPerSample), GenerationSecondsPerSample, "generation seconds per sample must be > 0");
        if (EssFraction is { } f && !(f > 0 && f <= 1)) throw new ArgumentOutOfRangeException(nameof(EssFraction), f, "ESS/N must be in (0, 1]");
        if (ImhTauInt is { } t && !(t >= 0.5) ) throw new ArgumentOutOfRangeException(nameof(ImhTauInt), t, "tau_int must be >= 0.5");
        if (Samples < 1) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "samples must be >= 1");
    }
}
