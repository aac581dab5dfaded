using CritDiff.Fields;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>
/// What the sweeps share when they train a network on samples (the scaling sweep and the stability scan with
/// <c>Samples</c> set): exact Gaussian samples of the field, the stopping rule, and the message for a network that can
/// only train that way.
/// </summary>
public static class StudyTraining
{
    /// <summary>The error for a network without moment objective asked to train on moments.</summary>
    public static string NeedsSamples(ScoreModelSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return $"network {network.Name} has no moment objective (population or empirical training): train it on samples (mode samples)";
    }

    /// <summary>
    /// The stopping rule of a training time on samples of <paramref name="field"/>, as <c>train --mode samples</c> picks it:
    /// the exact population excess where the network can represent the exact score (a linear network with full layers), else
    /// the validation excess against long decaying-rate reference runs (docs/science.md section 10).
    /// </summary>
    public static StoppingRule Rule(ScoreModelSpec network, GaussianField field)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.RepresentsExactScore ? new ExactExcessRule(field) : new ValidationExcessRule();
    }

    /// <summary>Checks a training config on samples, turning its range errors into <see cref="ArgumentException"/>s without the parameter suffix.</summary>
    public static void Validate(SampleTrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(e.Message.Split(" (Parameter")[0].Split('\n')[0], e);
        }
    }
}
