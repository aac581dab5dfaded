using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>
/// What to learn: the score of the target law noised by <see cref="Process"/>, at the times of
/// <see cref="Grid"/>, with <see cref="Architecture"/> per slice. The target's spectrum is the
/// <see cref="Field"/>'s exact C(k), or a <see cref="TargetSpectrum"/> G(k) measured on data, which then
/// replaces C(k) everywhere (<see cref="SpectrumTable"/>) and leaves the field only its lattice.
/// Empirical training samples fresh Gaussian fields with that spectrum unless <see cref="Data"/> is given.
/// </summary>
public sealed record TrainingProblem(GaussianField Field, ForwardProcess Process, TimeGrid Grid,
    Architecture Architecture, ParameterBasis Basis = ParameterBasis.Kernel, TrainingData? Data = null)
{
    /// <summary>
    /// A measured spectrum G(k) of the target law (per mode, indexed like sites, per field component), or
    /// null for the field's exact C(k). The DSM population loss of a linear translation-invariant network
    /// depends on the data only through this spectrum (docs/science.md section 10), so population moments, exact
    /// and architecture optima, learning rates, starts, theory predictions and stability all use G(k); fresh
    /// minibatches (empirical mode without <see cref="Data"/>) are Gaussian fields with spectrum G(k), which
    /// have the data's second moments but not their higher ones. With <see cref="Data"/>, the population
    /// reference the excess is measured against is this spectrum (e.g. <see cref="WithDataSpectrum"/>: the
    /// exact optimum of the loss the data set defines).
    /// </summary>
    public MeasuredSpectrum? TargetSpectrum { get; init; }

    /// <summary>The lattice (the field's).</summary>
    public Lattice Lattice => Field.Lattice;

    /// <summary>
    /// The data spectrum per mode, a fresh array: the measured G(k) if <see cref="TargetSpectrum"/> is
    /// given, else the field's exact C(k). Every consumer of the data spectrum goes through this.
    /// </summary>
    public double[] SpectrumTable() => TargetSpectrum is { } measured ? (double[])measured.Mean.Clone() : Field.SpectrumTable();

    /// <summary>The target's susceptibility per component, chi = G(0) (or the field's C(0)).</summary>
    public double Susceptibility => TargetSpectrum?.Susceptibility ?? Field.Susceptibility;

    /// <summary>
    /// This problem with <see cref="TargetSpectrum"/> measured on its <see cref="Data"/> (over the N
    /// original configurations, averaged over their n components).
    /// </summary>
    public TrainingProblem WithDataSpectrum(string source = "data")
    {
        if (Data is null) throw new InvalidOperationException("the problem has no data set to measure a spectrum on");
        Validate();
        var spectrum = MeasuredSpectrum.Measure(Lattice, Data.Configurations, Data.ConfigurationCount, Data.Components, source);
        return this with { TargetSpectrum = spectrum };
    }

    /// <summary>Checks that the data set and the measured spectrum (if any) live on the field's lattice.</summary>
    public void Validate()
    {
        Architecture.Validate(Lattice);
        TargetSpectrum?.CheckTargetOn(Lattice);
        if (Data is null) return;
        int v = Lattice.SiteCount;
        if (Data.Count < 1 || Data.Configurations.Length != (long)Data.Count * v)
            throw new ArgumentException(
                $"training data must hold N x {v} values for the {Lattice} lattice", nameof(Data));
        if (Data.Components < 1 || Data.Count % Data.Components != 0)
            throw new ArgumentException($"training data of {Data.Components} components must hold a multiple of {Data.Components} fields", nameof(Data));
    }
}
