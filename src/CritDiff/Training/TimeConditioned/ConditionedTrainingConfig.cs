namespace CritDiff.Training;

/// <summary>
/// Settings of denoising score matching for a time-conditioned network (<see cref="ConditionedTrainer"/>, docs/science.md
/// section 11): one network for every t in [<see cref="TimeMin"/>, <see cref="TimeMax"/>], a fixed budget of
/// <see cref="Steps"/> optimizer steps on minibatches with t drawn uniformly, an exponential moving average of the weights,
/// and a fixed validation set evaluated every <see cref="EvalInterval"/> steps for the raw and the averaged weights.
/// Defaults are score_sde's and DMasSQ's: Adam at 1e-3, EMA decay 0.999.
/// </summary>
public sealed record ConditionedTrainingConfig
{
    /// <summary>The default settings.</summary>
    public static ConditionedTrainingConfig Default { get; } = new();

    /// <summary>The optimizer (Adam by default).</summary>
    public Optimizer Optimizer { get; init; } = new Adam();

    /// <summary>Learning rate, constant over the run (default 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Minibatch size B (default 64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Optimizer steps in all (default 2000): a fixed budget, there is no stopping rule.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>
    /// Decay d of the exponential moving average of the weights, in [0, 1) (default 0.999): after step k
    /// theta_ema &lt;- d_k theta_ema + (1 - d_k) theta with score_sde's warm-up d_k = min(d, (1 + k) / (10 + k)), starting from
    /// the initial weights (<see cref="ExponentialMovingAverage"/>); 0 turns it off (the average is then the raw weights).
    /// </summary>
    public double EmaDecay { get; init; } = 0.999;

    /// <summary>Smallest diffusion time trained on, t_min &gt; 0 (default 1e-3).</summary>
    public double TimeMin { get; init; } = 1e-3;

    /// <summary>Largest diffusion time trained on, T &gt; t_min (default 1).</summary>
    public double TimeMax { get; init; } = 1;

    /// <summary>Steps between validation evaluations (default 100; the last step is always evaluated).</summary>
    public int EvalInterval { get; init; } = 100;

    /// <summary>Validation configurations: fixed x_0, t and z drawn once from their own streams (default 256).</summary>
    public int ValidationSize { get; init; } = 256;

    /// <summary>Root seed: every sample's stream is keyed by (seed, index), so results do not depend on the thread count.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Checks ranges; throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the setting.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Optimizer, nameof(Optimizer));
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be > 0 and finite");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be >= 1");
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be >= 1");
        if (!(EmaDecay >= 0 && EmaDecay < 1)) throw new ArgumentOutOfRangeException(nameof(EmaDecay), EmaDecay, "EMA decay must be in [0, 1) (0: off)");
        if (!(TimeMin > 0 && double.IsFinite(TimeMin))) throw new ArgumentOutOfRangeException(nameof(TimeMin), TimeMin, "t_min must be > 0 and finite");
        if (!(TimeMax > TimeMin && double.IsFinite(TimeMax)))
            throw new ArgumentOutOfRangeException(nameof(TimeMax), TimeMax, $"T must be finite and larger than t_min = {TimeMin}");
        if (EvalInterval < 1) throw new ArgumentOutOfRangeException(nameof(EvalInterval), EvalInterval, "eval interval must be >= 1");
        if (ValidationSize < 1) throw new ArgumentOutOfRangeException(nameof(ValidationSize), ValidationSize, "validation size must be >= 1");
    }
}
