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
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad setting (those of <see cref="ModelMcmcSettings"/>, then the trajectory length).</summary>
    public void Validate()
    {
        ToModelSettings().Validate();
        if (Kernel is { } k && !(k.TrajectoryLength > 0 && double.IsFinite(k.TrajectoryLength)))
            throw new ArgumentOutOfRangeException(nameof(Kernel), k.TrajectoryLength, "trajectory length must be > 0 and finite");
    }

    /// <summary>The same run for the one chain driver (<see cref="ModelMcmc.StartChain"/>); no spectrum.</summary>
    internal ModelMcmcSettings ToModelSettings() => new(Sweeps, Thermalization, Chains, Seed, Threads, Kernel, SpectrumInterval: 0);
}
