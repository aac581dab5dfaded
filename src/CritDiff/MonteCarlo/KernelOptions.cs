namespace CritDiff.MonteCarlo;

/// <summary>Options of the Markov kernels, with defaults that suit every algorithm.</summary>
/// <param name="StepSize">Fixed step size (Metropolis half-width, Langevin epsilon, leapfrog step), > 0. Null: start from the
/// kernel's default and, for kernels with a target acceptance (metropolis, mala, hmc, fa-hmc), tune it during thermalisation.</param>
/// <param name="TrajectoryLength">HMC trajectory length tau = n epsilon, > 0.</param>
/// <param name="OverRelaxationSweeps">Microcanonical over-relaxation sweeps after each heat-bath sweep of the O(n) kernel
/// "overrelax", >= 1.</param>
public sealed record KernelOptions(double? StepSize = null, double TrajectoryLength = 1, int OverRelaxationSweeps = 3)
{
    /// <summary>All defaults.</summary>
    public static KernelOptions Default { get; } = new();
}
