namespace CritDiff.Experiments;

/// <summary>
/// One Monte Carlo algorithm of the cost study: its <see cref="MonteCarlo.ModelKernels"/> name, the sizes it runs at and the
/// measured sweeps per chain at each size (HMC: trajectories), in the order of <paramref name="Sizes"/>.
/// </summary>
/// <param name="Name">Kernel name: "wolff", "hmc" or "metropolis" (phi^4 kernels of <see cref="MonteCarlo.ModelKernels"/>).</param>
/// <param name="Sizes">Linear sizes L (even, >= 4), at least 2 for a fit.</param>
/// <param name="Sweeps">Measured sweeps per chain at each size, >= 64; a tenth (at least 100) more are discarded as thermalisation,
/// during whose first half the step size is tuned to the kernel's target acceptance, as <c>ensemble</c> tunes it.</param>
public sealed record CostAlgorithm(string Name, IReadOnlyList<int> Sizes, IReadOnlyList<int> Sweeps)
{
    /// <summary>Thermalisation sweeps before the measured <paramref name="sweeps"/>: a tenth of them, at least 100.</summary>
    public static int ThermalizationFor(int sweeps) => Math.Max(100, sweeps / 10);
}
