namespace CritDiff.MonteCarlo;

/// <summary>
/// How long and how many chains to run. Chain c uses random stream (Seed, c), so results are
/// bit-identical for any <see cref="Threads"/>.
/// </summary>
/// <param name="Sweeps">Measured sweeps per chain, >= 16 (one measurement of M^2 and E per sweep).</param>
/// <param name="Thermalization">Sweeps discarded before measuring, >= 0; the step size is tuned during the first half.</param>
/// <param name="Chains">Independent chains, >= 1, run in parallel.</param>
/// <param name="Seed">Random seed.</param>
/// <param name="Threads">Worker threads, -1 for all cores.</param>
/// <param name="Kernel">Kernel options (step size, trajectory length).</param>
public sealed record McmcSettings(int Sweeps, int Thermalization, int Chains = 1, ulong Seed = 1, int Threads = -1,
    KernelOptions? Kernel = null)
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
        if (Kernel is { } k && !(k.TrajectoryLength > 0 && double.IsFinite(k.TrajectoryLength)))
            throw new ArgumentOutOfRangeException(nameof(Kernel), k.TrajectoryLength, "trajectory length must be > 0 and finite");
    }
}
