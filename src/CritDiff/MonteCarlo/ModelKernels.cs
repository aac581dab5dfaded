using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// The Markov kernels for <see cref="LatticeModel"/> targets by name, as <c>sample</c>, <c>ensemble</c> and <c>mcmc</c> on
/// finite-n models spell them: the factory switch over (model kind, algorithm). The Gaussian field's <c>mcmc</c> kernels
/// (checkerboard heat bath and Metropolis, Langevin, stencil-form HMC, Fourier acceleration) are <see cref="MarkovKernels"/>:
/// the same <see cref="ModelKernel"/> type, but "metropolis" and "hmc" name different kernels (sequential hopping form here,
/// checkerboard / stencil form there) that round differently, so one name list would change one path's numbers.
/// </summary>
public static class ModelKernels
{
    /// <summary>
    /// The names accepted for <paramref name="model"/>: O(n) spins "metropolis", "heatbath", "overrelax" (n >= 2 only),
    /// "wolff"; phi^4 "metropolis", "hmc", "wolff"; the Gaussian field "metropolis", "hmc".
    /// </summary>
    public static IReadOnlyList<string> NamesFor(LatticeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model switch
        {
            SpinModel { Components: 1 } => ["metropolis", "heatbath", "wolff"],
            SpinModel => ["metropolis", "heatbath", "overrelax", "wolff"],
            Phi4Model => ["metropolis", "hmc", "wolff"],
            GaussianField => ["metropolis", "hmc"],
            _ => [],
        };
    }

    /// <summary>
    /// The kernel <paramref name="name"/> for <paramref name="model"/> with <paramref name="options"/> (trajectory length
    /// for hmc, over-relaxation sweeps for overrelax; the step size belongs to the chain). Throws
    /// <see cref="ArgumentException"/> listing <see cref="NamesFor"/> when the name is not valid for the model.
    /// </summary>
    public static ModelKernel Create(string name, LatticeModel model, KernelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(model);
        options ??= KernelOptions.Default;
        if (!NamesFor(model).Contains(name))
            throw new ArgumentException($"algorithm '{name}' is not available for {Describe(model)} (accepted: {string.Join(", ", NamesFor(model))})", nameof(name));
        return (model, name) switch
        {
            (SpinModel spins, "metropolis") => new SpinMetropolis(spins),
            (SpinModel spins, "heatbath") => new SpinHeatBath(spins),
            (SpinModel spins, "overrelax") => new SpinOverRelaxation(spins, options.OverRelaxationSweeps),
            (SpinModel spins, "wolff") => new SpinWolff(spins),
            (Phi4Model phi4, "wolff") => new Phi4Wolff(phi4),
            (_, "metropolis") => new FieldMetropolis(model),
            (_, "hmc") => HybridMonteCarlo.HoppingForm(model, options.TrajectoryLength),
            _ => throw new InvalidOperationException($"NamesFor lists '{name}' for {model.Kind} but Create has no case for it"),
        };
    }

    private static string Describe(LatticeModel model) => model is SpinModel spins
        ? $"the O({spins.Components}) model (kind \"on\")"
        : $"kind \"{model.Kind}\"";
}
