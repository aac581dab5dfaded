using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>One row of a slice's training history, taken before the update of that step.</summary>
/// <param name="Step">Optimizer steps taken so far.</param>
/// <param name="Loss">The objective's loss per site: the population loss (moment objectives) or the DSM loss on the slice's fixed
/// validation set (samples).</param>
/// <param name="Excess">Loss minus the reference the stopping rule measures against (NaN until known).</param>
/// <param name="ScoreError">(1/V) E||s - s*||^2 against the exact score (moment objectives; NaN on samples).</param>
public readonly record struct HistoryRow(int Step, double Loss, double Excess, double ScoreError = double.NaN);

/// <summary>
/// The outcome of training one time slice, whatever the objective: the fields every objective has, and the details of
/// its kind (<see cref="Moments"/> for population moments and moment minibatches, <see cref="Samples"/> for denoising
/// score matching on samples; exactly one is set).
/// </summary>
public sealed record SliceResult
{
    /// <summary>Diffusion time t of the slice.</summary>
    public required double Time { get; init; }

    /// <summary>Learning rate used (the last one, where the rate was lowered during the run).</summary>
    public required double LearningRate { get; init; }

    /// <summary>How the rate was chosen, e.g. "auto: 0.5 x 2/lambda_max" or "fixed" (docs/science.md section 5 asks every slice to say it).</summary>
    public required string LearningRateRule { get; init; }

    /// <summary>Steps until excess &lt;= eps x initial excess (the training time), or the steps run if not converged.</summary>
    public required int Steps { get; init; }

    /// <summary>Optimizer steps actually run (the last history row's step).</summary>
    public required int StepsRun { get; init; }

    /// <summary>The training time when the stopping rule was met, else null.</summary>
    public int? StepsToEps => Converged ? Steps : null;

    /// <summary>True when the stopping rule was met within the cap.</summary>
    public required bool Converged { get; init; }

    /// <summary>True when the loss became non-finite or (moments) grew: the run was stopped, no exception.</summary>
    public required bool Diverged { get; init; }

    /// <summary>Excess at step 0.</summary>
    public required double InitialExcess { get; init; }

    /// <summary>Excess at the training time, or at the last evaluation (for a run that ends at its cap: its noise floor).</summary>
    public required double FinalExcess { get; init; }

    /// <summary>Every evaluation (every step for moment objectives).</summary>
    public required IReadOnlyList<HistoryRow> History { get; init; }

    /// <summary>Trained parameters (at the last step run).</summary>
    public required NetworkParameters Parameters { get; init; }

    /// <summary>What a moment objective (population or minibatch moments of a linear network) adds, else null.</summary>
    public MomentSliceDetails? Moments { get; init; }

    /// <summary>What training on samples adds, else null.</summary>
    public SampleSliceDetails? Samples { get; init; }
}

/// <summary>The part of a <see cref="SliceResult"/> that only moment objectives have (closed forms of linear networks).</summary>
public sealed record MomentSliceDetails
{
    /// <summary>Initial scale X (initial product multiplier -X).</summary>
    public required double InitialScale { get; init; }

    /// <summary>lambda_max of the population Hessian at the start.</summary>
    public required double TopCurvature { get; init; }

    /// <summary>Largest stable plain-GD rate estimate, 2 / lambda_max.</summary>
    public double StableLearningRate => 2 / TopCurvature;

    /// <summary>Architecture optimum minus the exact optimum (0 for full and dense).</summary>
    public required double OptimumGapToExact { get; init; }

    /// <summary>True when the architecture optimum is a closed form, false when it is the bottom of the basin this run descends into (Newton-polished, or its converged loss).</summary>
    public required bool OptimumIsClosedForm { get; init; }

    /// <summary>Score error against the exact score after training.</summary>
    public required double FinalScoreError { get; init; }

    /// <summary>Steps predicted by the per-mode theory (full networks, population GD), else null.</summary>
    public int? PredictedSteps { get; init; }

    /// <summary>Copies of the parameters after the steps listed in <see cref="TrainingConfig.Snapshots"/> that the run reached.</summary>
    public IReadOnlyDictionary<int, NetworkParameters> Snapshots { get; init; } = new Dictionary<int, NetworkParameters>();
}

/// <summary>The part of a <see cref="SliceResult"/> that only training on samples has (validation loss, reference runs).</summary>
public sealed record SampleSliceDetails
{
    /// <summary>Validation loss at step 0.</summary>
    public required double InitialValidationLoss { get; init; }

    /// <summary>Validation loss at the last evaluation.</summary>
    public required double FinalValidationLoss { get; init; }

    /// <summary>The reference loss the excess is measured against (validation rule: the lower of two long runs; exact rule: the exact optimum of the population loss).</summary>
    public required double? ReferenceLoss { get; init; }

    /// <summary>The reference's uncertainty (validation rule: the difference of the two long runs; exact rule: 0).</summary>
    public required double? ReferenceUncertainty { get; init; }

    /// <summary>Reference runs that diverged (0 for a sound reference; the exact rule runs none).</summary>
    public int ReferenceRunsDiverged { get; init; }

    /// <summary>The stopping rule, in words.</summary>
    public required string StoppingRule { get; init; }

    /// <summary>Steps of each reference run at the length used (validation rule), else null.</summary>
    public int? ReferenceSteps { get; init; }

    /// <summary>
    /// With <see cref="SampleTrainingConfig.ReferenceDrift"/> set: the last doubling's change of the reference (the lowest
    /// validation loss at the shorter length minus that at the longer one, positive while it still falls) divided by the
    /// initial excess against the final reference; else null.
    /// </summary>
    public double? ReferenceDrift { get; init; }

    /// <summary>With <see cref="SampleTrainingConfig.ReferenceDrift"/> set: |drift| &lt;= the requested fraction; else null.</summary>
    public bool? ReferenceConverged { get; init; }
}
