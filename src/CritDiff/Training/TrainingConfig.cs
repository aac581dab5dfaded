namespace CritDiff.Training;

/// <summary>Whether gradients are exact population gradients or minibatch estimates.</summary>
public enum TrainingMode
{
    /// <summary>Exact population gradient (closed form).</summary>
    Population,

    /// <summary>Minibatches of B samples with fresh noise.</summary>
    Empirical,
}

/// <summary>
/// Settings of one training run (docs/science.md sections 5-6). Null learning rate or initial scale means
/// "auto": rate = <see cref="LearningRateFraction"/> x 2 / lambda_max (population Hessian at the start,
/// by power iteration; Adam: <see cref="Adam.AutoLearningRate"/>), initial scale 0 for one layer and
/// 1/S_max (product multiplier -1/S_max) for deeper networks.
/// </summary>
public sealed record TrainingConfig
{
    /// <summary>Population or empirical gradients.</summary>
    public TrainingMode Mode { get; init; } = TrainingMode.Population;

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; init; } = new GradientDescent("gd");

    /// <summary>Fixed learning rate, or null for auto.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Fraction of the stability limit 2/lambda_max used by the auto rate (default 0.5).</summary>
    public double LearningRateFraction { get; init; } = 0.5;

    /// <summary>Initial scale X (initial product multiplier -X), or null for auto.</summary>
    public double? InitialScale { get; init; }

    /// <summary>The start (balanced by default; see <see cref="Networks.NetworkStart"/>); random starts draw from the stream (Seed, slice).</summary>
    public Networks.NetworkStart Start { get; init; } = Networks.NetworkStart.Balanced;

    /// <summary>Stop when the excess loss is below Eps x its initial value (default 1e-2).</summary>
    public double Eps { get; init; } = 1e-2;

    /// <summary>Step cap per slice (default 100000).</summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>Minibatch size B for empirical training (default 64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Root seed; slice j draws from the random stream (Seed, j).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// Without a closed-form optimum, a run has converged when its loss changed by less than
    /// <see cref="ConvergenceTolerance"/> (relative) over <see cref="ConvergenceWindow"/> steps.
    /// </summary>
    public int ConvergenceWindow { get; init; } = 50;

    /// <summary>Relative loss change that counts as converged (default 1e-12).</summary>
    public double ConvergenceTolerance { get; init; } = 1e-12;

    /// <summary>Step counts at which to keep a copy of the parameters (e.g. training budgets); empty by default.</summary>
    public IReadOnlyList<int> Snapshots { get; init; } = [];

    /// <summary>Checks ranges; throws <see cref="ArgumentOutOfRangeException"/> naming the setting.</summary>
    public void Validate()
    {
        if (LearningRate is { } lr && !(lr > 0 && double.IsFinite(lr)))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), lr, "learning rate must be > 0");
        if (!(LearningRateFraction > 0 && LearningRateFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(LearningRateFraction), LearningRateFraction, "fraction must be in (0, 1)");
        if (InitialScale is { } s && !(s >= 0 && double.IsFinite(s)))
            throw new ArgumentOutOfRangeException(nameof(InitialScale), s, "initial scale must be >= 0");
        if (!(Eps > 0 && Eps < 1)) throw new ArgumentOutOfRangeException(nameof(Eps), Eps, "eps must be in (0, 1)");
        if (MaxSteps < 1) throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "max steps must be >= 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be >= 1");
        if (ConvergenceWindow < 1)
            throw new ArgumentOutOfRangeException(nameof(ConvergenceWindow), ConvergenceWindow, "window must be >= 1");
    }
}
