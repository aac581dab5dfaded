using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>One row of a slice's training history, taken before the update of that step.</summary>
/// <param name="Step">Optimizer steps taken so far.</param>
/// <param name="Loss">Population loss per site.</param>
/// <param name="Excess">Population loss minus the architecture's optimum (NaN until known).</param>
/// <param name="ScoreError">(1/V) E||s - s*||^2 against the exact score.</param>
public readonly record struct HistoryRow(int Step, double Loss, double Excess, double ScoreError);

/// <summary>The outcome of training one time slice.</summary>
public sealed record SliceResult
{
    /// <summary>Diffusion time t of the slice.</summary>
    public required double Time { get; init; }

    /// <summary>Learning rate used.</summary>
    public required double LearningRate { get; init; }

    /// <summary>How the rate was chosen, e.g. "auto: 0.5 x 2/lambda_max" or "fixed".</summary>
    public required string LearningRateRule { get; init; }

    /// <summary>Initial scale X (initial product multiplier -X).</summary>
    public required double InitialScale { get; init; }

    /// <summary>lambda_max of the population Hessian at the start.</summary>
    public required double TopCurvature { get; init; }

    /// <summary>Largest stable plain-GD rate estimate, 2 / lambda_max.</summary>
    public double StableLearningRate => 2 / TopCurvature;

    /// <summary>Steps until excess &lt;= eps x initial excess (the training time), or the steps run if not converged.</summary>
    public required int Steps { get; init; }

    /// <summary>True when the stopping rule was met within the cap.</summary>
    public required bool Converged { get; init; }

    /// <summary>True when the loss became non-finite or grew (the run was stopped).</summary>
    public required bool Diverged { get; init; }

    /// <summary>Excess at step 0, against the architecture's optimum.</summary>
    public required double InitialExcess { get; init; }

    /// <summary>Excess at the last step (for a non-converged SGD run: its noise floor).</summary>
    public required double FinalExcess { get; init; }

    /// <summary>Architecture optimum minus the exact optimum (0 for full and dense).</summary>
    public required double OptimumGapToExact { get; init; }

    /// <summary>True when the architecture optimum is a closed form, false when it is the bottom of the basin this run descends into (Newton-polished, or its converged loss).</summary>
    public required bool OptimumIsClosedForm { get; init; }

    /// <summary>Score error against the exact score after training.</summary>
    public required double FinalScoreError { get; init; }

    /// <summary>Steps predicted by the per-mode theory (full networks, population GD), else null.</summary>
    public int? PredictedSteps { get; init; }

    /// <summary>Per-step history.</summary>
    public required IReadOnlyList<HistoryRow> History { get; init; }

    /// <summary>Copies of the parameters after the steps listed in <see cref="TrainingConfig.Snapshots"/> that the run reached.</summary>
    public IReadOnlyDictionary<int, NetworkParameters> Snapshots { get; init; } = new Dictionary<int, NetworkParameters>();

    /// <summary>Trained parameters.</summary>
    public required NetworkParameters Parameters { get; init; }
}
