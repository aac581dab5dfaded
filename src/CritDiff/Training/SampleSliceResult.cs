using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>One evaluation of a slice trained on samples, taken before the update of that step.</summary>
/// <param name="Step">Optimizer steps taken so far.</param>
/// <param name="ValidationLoss">DSM loss on the slice's fixed validation set.</param>
/// <param name="Excess">The stopping rule's excess (exact population excess, or validation loss minus the reference).</param>
public readonly record struct SampleHistoryRow(int Step, double ValidationLoss, double Excess);

/// <summary>The outcome of training one time slice on samples.</summary>
public sealed record SampleSliceResult
{
    /// <summary>Diffusion time t.</summary>
    public required double Time { get; init; }

    /// <summary>Steps until excess &lt;= eps x initial excess (the training time, at an evaluated step), or null if not reached.</summary>
    public required int? StepsToEps { get; init; }

    /// <summary>Optimizer steps actually run.</summary>
    public required int StepsRun { get; init; }

    /// <summary>True when the stopping rule was met within the cap.</summary>
    public required bool Converged { get; init; }

    /// <summary>True when a loss became non-finite (the slice was stopped; no exception).</summary>
    public required bool Diverged { get; init; }

    /// <summary>Validation loss at step 0.</summary>
    public required double InitialValidationLoss { get; init; }

    /// <summary>Validation loss at the last evaluation.</summary>
    public required double FinalValidationLoss { get; init; }

    /// <summary>Excess at step 0.</summary>
    public required double InitialExcess { get; init; }

    /// <summary>Excess at the last evaluation (for a run that ends at its cap: its noise floor).</summary>
    public required double FinalExcess { get; init; }

    /// <summary>The reference loss the excess is measured against (validation rule: the lower of two long runs; exact rule: the exact optimum of the population loss).</summary>
    public required double? ReferenceLoss { get; init; }

    /// <summary>The reference's uncertainty (validation rule: the difference of the two long runs; exact rule: 0).</summary>
    public required double? ReferenceUncertainty { get; init; }

    /// <summary>Reference runs that diverged (0 for a sound reference; the exact rule runs none).</summary>
    public int ReferenceRunsDiverged { get; init; }

    /// <summary>The learning rate of the training run.</summary>
    public required double LearningRate { get; init; }

    /// <summary>How the rate was chosen (docs/science.md section 5 asks every slice to say it).</summary>
    public required string LearningRateRule { get; init; }

    /// <summary>The stopping rule, in words.</summary>
    public required string StoppingRule { get; init; }

    /// <summary>Every evaluation.</summary>
    public required IReadOnlyList<SampleHistoryRow> History { get; init; }

    /// <summary>Trained parameters (at the last step run).</summary>
    public required NetworkParameters Parameters { get; init; }
}
