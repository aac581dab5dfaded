using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.Persistence;

/// <summary>
/// Configurations read from an ensemble file (<see cref="EnsembleFile"/>): N configurations back to back, each
/// component-major (component a at site x is element a V + x), whatever the file's shape ([N, L..L] or [N, n, L..L]).
/// </summary>
/// <param name="Configurations">N n V values.</param>
/// <param name="Count">N.</param>
/// <param name="Components">n.</param>
/// <param name="Lattice">The lattice.</param>
/// <param name="SideCar">The side-car, or null for a bare .npy read with <see cref="EnsembleFile.ReadBare"/>.</param>
public sealed record EnsembleData(double[] Configurations, int Count, int Components, Lattice Lattice, EnsembleSideCar? SideCar)
{
    /// <summary>The model the side-car names (null for a bare array).</summary>
    public ModelDescription? Model => SideCar?.Model;

    /// <summary>Length n V of one configuration.</summary>
    public int ConfigurationLength => Components * Lattice.SiteCount;

    /// <summary>Configuration <paramref name="index"/> (component-major, n V values).</summary>
    public ReadOnlySpan<double> Configuration(int index) => Configurations.AsSpan(index * ConfigurationLength, ConfigurationLength);

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> when the data cannot be samples of <paramref name="model"/>: with a side-car,
    /// any difference in kind, n, d, L or coupling (<see cref="ModelDescription.Mismatch"/>); without one, in n, d or L.
    /// </summary>
    public void CheckModel(LatticeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (Model is { } described)
        {
            if (described.Mismatch(model) is { } reason) throw new InvalidDataException(reason);
            return;
        }
        if (model.Components != Components || model.Lattice != Lattice)
            throw new InvalidDataException($"the data hold n = {Components} on {Lattice}, the model is {model.Describe()}");
    }

    /// <summary>The measured spectrum G(k) = mean over configurations of (1/n) sum_a |phi~_a(k)|^2, with its error.</summary>
    public MeasuredSpectrum Spectrum() => MeasuredSpectrum.Measure(Lattice, Configurations, Count, Components, SideCar?.NpyFile ?? "ensemble");
}
