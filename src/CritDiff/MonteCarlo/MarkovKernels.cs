using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// The Gaussian field's kernels of <c>mcmc --model gaussian</c>, <c>mcmc-scaling</c> and the reproduce Monte Carlo baseline,
/// by name: <see cref="ModelKernel"/>s like those of <see cref="ModelKernels"/> and run by the same chain driver, in a list
/// of their own because "metropolis" and "hmc" here are the checkerboard and stencil-form kernels, not the hopping-form ones
/// that <see cref="ModelKernels"/> gives the Gaussian field for ensembles (see there).
/// </summary>
public static class MarkovKernels
{
    /// <summary>Accepted algorithm names.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["heatbath", "metropolis", "langevin", "mala", "hmc", "fa-langevin", "fa-hmc"];

    /// <summary>
    /// The kernel <paramref name="algorithm"/> (one of <see cref="Names"/>) for <paramref name="field"/>.
    /// Throws <see cref="ArgumentException"/> for an unknown name, odd L with a checkerboard kernel, or a bad option.
    /// </summary>
    public static ModelKernel Create(string algorithm, GaussianField field, KernelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        options ??= KernelOptions.Default;
        return algorithm switch
        {
            "heatbath" => new HeatBath(field),
            "metropolis" => new Metropolis(field),
            "langevin" => new Langevin(field, adjusted: false, fourierAccelerated: false),
            "mala" => new Langevin(field, adjusted: true, fourierAccelerated: false),
            "fa-langevin" => new Langevin(field, adjusted: false, fourierAccelerated: true),
            "hmc" => new HybridMonteCarlo(field, fourierAccelerated: false, options.TrajectoryLength),
            "fa-hmc" => new HybridMonteCarlo(field, fourierAccelerated: true, options.TrajectoryLength),
            _ => throw new ArgumentException($"unknown algorithm '{algorithm}' (accepted: {string.Join(", ", Names)})", nameof(algorithm)),
        };
    }
}
