using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>One row of the training history of a time-conditioned network, taken before the update of that step.</summary>
/// <param name="Step">Optimizer steps taken so far.</param>
/// <param name="TrainingLoss">Mean minibatch loss of the steps since the previous row (NaN at step 0).</param>
/// <param name="ValidationLoss">The loss of the raw weights on the fixed validation set.</param>
/// <param name="EmaValidationLoss">The loss of the averaged (EMA) weights on the same set.</param>
public readonly record struct ConditionedHistoryRow(int Step, double TrainingLoss, double ValidationLoss, double EmaValidationLoss);

/// <summary>Where training of a time-conditioned network is, reported at every evaluation.</summary>
/// <param name="Step">Steps taken.</param>
/// <param name="Steps">The budget.</param>
/// <param name="ValidationLoss">Validation loss of the raw weights.</param>
/// <param name="EmaValidationLoss">Validation loss of the averaged weights.</param>
public readonly record struct ConditionedTrainingProgress(int Step, int Steps, double ValidationLoss, double EmaValidationLoss);

/// <summary>
/// The outcome of training a time-conditioned network (<see cref="ConditionedTrainer"/>): the raw and the averaged weights,
/// the history, the steps run (the budget unless the loss diverged) and the wall time.
/// </summary>
public sealed record ConditionedTrainingResult
{
    /// <summary>The raw weights after the last step.</summary>
    public required NetworkParameters Parameters { get; init; }

    /// <summary>The exponential moving average of the weights (equal to <see cref="Parameters"/> when the decay is 0).</summary>
    public required NetworkParameters EmaParameters { get; init; }

    /// <summary>One row per evaluation, in step order.</summary>
    public required IReadOnlyList<ConditionedHistoryRow> History { get; init; }

    /// <summary>Optimizer steps run.</summary>
    public required int StepsRun { get; init; }

    /// <summary>True when a loss was not finite: training stopped there.</summary>
    public required bool Diverged { get; init; }

    /// <summary>Wall time of training, seconds.</summary>
    public required double WallSeconds { get; init; }

    /// <summary>Validation loss of the raw weights at the first evaluation.</summary>
    public double InitialValidationLoss => History[0].ValidationLoss;

    /// <summary>Validation loss of the raw weights at the last evaluation.</summary>
    public double FinalValidationLoss => History[^1].ValidationLoss;

    /// <summary>Validation loss of the averaged weights at the last evaluation.</summary>
    public double FinalEmaValidationLoss => History[^1].EmaValidationLoss;
}
