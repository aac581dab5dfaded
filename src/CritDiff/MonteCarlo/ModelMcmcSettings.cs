using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// How <see cref="ModelMcmc"/> runs and measures chains on a <see cref="Fields.LatticeModel"/>. Chain c uses random
/// stream (Seed, c), so results are bit-identical for any <see cref="Threads"/>.
/// </summary>
/// <param name="Sweeps">Measured sweeps per chain, >= 16 (one measurement of the scalar observables per sweep).</param>
/// <param name="Thermalization">Sweeps discarded before measuring, >= 0; kernels with a target acceptance have their
/// step size tuned during the first half (unless <see cref="Kernel"/> fixes it). Wolff kernels always get at least
/// <see cref="ClusterSchedule.CalibrationSweeps"/> (<see cref="ModelMcmc.ThermalizationFor"/>).</param>
/// <param name="Chains">Independent chains, >= 1, run in parallel.</param>
/// <param name="Seed">Random seed.</param>
/// <param name="Threads">Worker threads over chains, -1 for all cores.</param>
/// <param name="Kernel">Kernel options; only <see cref="KernelOptions.StepSize"/> is read here (a fixed step, no tuning).</param>
/// <param name="SpectrumInterval">Sweeps between spectrum measurements (one FFT per component each), >= 1; 0: no spectrum.</param>
/// <param name="Histogram">Bin layout of the magnetisation histogram (M for n = 1, |M| for n > 1); null:
/// <see cref="ModelMcmc.DefaultHistogram"/> of the model.</param>
/// <param name="BlockFactor">Blocks for the errors are at least BlockFactor x tau_int sweeps long (tau_int the larger of
/// |M|^2's and e's), >= 1. The default 6 matches the automatic window W >= 6 tau_int of <see cref="Autocorrelation"/>:
/// a block that long carries nearly all of the autocorrelation, so block means are close to independent.</param>
public sealed record ModelMcmcSettings(int Sweeps, int Thermalization, int Chains = 1, ulong Seed = 1, int Threads = -1,
    KernelOptions? Kernel = null, int SpectrumInterval = 1, HistogramLayout? Histogram = null, double BlockFactor = 6)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (Sweeps < 16) throw new ArgumentOutOfRangeException(nameof(Sweeps), Sweeps, "sweeps must be >= 16");
        if (Thermalization < 0) throw new ArgumentOutOfRangeException(nameof(Thermalization), Thermalization, "thermalisation sweeps must be >= 0");
        if (Chains < 1) throw new ArgumentOutOfRangeException(nameof(Chains), Chains, "chains must be >= 1");
        if (Threads != -1 && Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be -1 (all) or >= 1");
        if (Kernel?.StepSize is { } step && !(step > 0 && double.IsFinite(step)))
            throw new ArgumentOutOfRangeException(nameof(Kernel), step, "step size must be > 0 and finite");
        if (SpectrumInterval < 0) throw new ArgumentOutOfRangeException(nameof(SpectrumInterval), SpectrumInterval, "spectrum interval must be >= 0 (0: no spectrum)");
        if (!(BlockFactor >= 1) || double.IsInfinity(BlockFactor))
            throw new ArgumentOutOfRangeException(nameof(BlockFactor), BlockFactor, "block factor must be >= 1 and finite");
        Histogram?.Validate();
    }
}
