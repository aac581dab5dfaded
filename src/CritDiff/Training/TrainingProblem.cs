using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>A fixed training set of real-space configurations (count x V, C order), e.g. Monte Carlo output.</summary>
public sealed record TrainingData(double[] Configurations, int Count);

/// <summary>
/// What to learn: the score of <see cref="Field"/> noised by <see cref="Process"/>, at the times of
/// <see cref="Grid"/>, with <see cref="Architecture"/> per slice. Empirical training samples the field
/// exactly unless <see cref="Data"/> is given.
/// </summary>
public sealed record TrainingProblem(GaussianField Field, ForwardProcess Process, TimeGrid Grid,
    Architecture Architecture, ParameterBasis Basis = ParameterBasis.Kernel, TrainingData? Data = null)
{
    /// <summary>Checks that the data set (if any) lives on the field's lattice.</summary>
    public void Validate()
    {
        Architecture.Validate(Field.Lattice);
        if (Data is null) return;
        int v = Field.Lattice.SiteCount;
        if (Data.Count < 1 || Data.Configurations.Length != (long)Data.Count * v)
            throw new ArgumentException(
                $"training data must hold N x {v} values for the {Field.Lattice} lattice", nameof(Data));
    }
}
