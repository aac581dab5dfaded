namespace CritDiff.Training;

/// <summary>
/// Settings of denoising score matching on samples (<see cref="SampleTrainer"/>, docs/science.md sections 6 and 10).
/// <para>Learning rate: null means Adam at <see cref="Adam.AutoLearningRate"/> = 1e-2, the project's Adam default. Adam's
/// step is about eta per parameter whatever the gradient's scale, and the kernel entries a score needs are O(1/b^2)
/// (K(0) ~ -(1/V) sum_k 1/S(k, t), a few units at t ~ 0.1), so 1e-3 would spend thousands of steps just travelling there;
/// 1e-2 gets there in hundreds and its noise floor is then measured by the validation rule, not assumed. Gradient
/// descent (gd/sgd) has no scale-free default: its stable rate is set by the curvature (eta &lt; 1/S_max for one layer),
/// so it needs a fixed <see cref="LearningRate"/>.</para>
/// <para>Noise floor: at a constant rate minibatch noise keeps the validation loss above the reference by an amount that
/// grows with the rate and like 1/b(t)^2 at small t; where that floor lies above eps x the initial excess, the slice ends
/// at <see cref="MaxSteps"/> as not converged, with the floor as its final excess. A lower eps demands a lower floor.</para>
/// </summary>
public sealed record SampleTrainingConfig
{
    /// <summary>The default settings.</summary>
    public static SampleTrainingConfig Default { get; } = new();

    /// <summary>The optimizer (Adam by default).</summary>
    public Optimizer Optimizer { get; init; } = new Adam();

    /// <summary>Fixed learning rate, or null for Adam's default (required for gradient descent).</summary>
    public double? LearningRate { get; init; }

    /// <summary>Minibatch size B (default 64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Step cap of the training run per slice (default 10000).</summary>
    public int MaxSteps { get; init; } = 10_000;

    /// <summary>Stop when the excess is &lt;= Eps x its initial value (default 1e-2).</summary>
    public double Eps { get; init; } = 1e-2;

    /// <summary>Steps between evaluations of the validation loss (default 10; the training time is a multiple of it or the cap).</summary>
    public int EvalInterval { get; init; } = 10;

    /// <summary>Validation configurations: fixed x_0 and z drawn once per slice from their own stream (default 256).</summary>
    public int ValidationSize { get; init; } = 256;

    /// <summary>Length of each reference run as a multiple of <see cref="MaxSteps"/> (default 4).</summary>
    public double ReferenceLengthFactor { get; init; } = 4;

    /// <summary>
    /// The reference runs' rate decays geometrically from the training rate to this fraction of it at their last step,
    /// eta_k = eta f^(k / N_ref) (default 1e-2): the decay lowers the noise floor the reference would otherwise share.
    /// </summary>
    public double ReferenceFinalRateFraction { get; init; } = 1e-2;

    /// <summary>
    /// Converged reference (validation rule): null (default) keeps the fixed length <see cref="ReferenceSteps"/>. When set to
    /// f, the reference runs are lengthened by doubling (N_0 = <see cref="ReferenceSteps"/>, then 2 N_0, 4 N_0, ..., at most
    /// <see cref="MaxReferenceDoublings"/> doublings) until their lowest validation loss moves by at most f x the initial
    /// excess between two successive lengths. Each length is a fresh run from the slice's start with the decaying-rate
    /// schedule of that length (a finished decaying run cannot be continued with the schedule of a longer one), so the
    /// reference at the final length is exactly the one a fixed reference of that length gives.
    /// </summary>
    public double? ReferenceDrift { get; init; }

    /// <summary>At most this many doublings of the reference length when <see cref="ReferenceDrift"/> is set (default 3: up to 8 N_0).</summary>
    public int MaxReferenceDoublings { get; init; } = 3;

    /// <summary>
    /// Configurations the start estimates S_max on (default 256): the first ones the validation stream draws, whatever
    /// <see cref="ValidationSize"/>, so the start, and everything a fixed budget trains, does not depend on the validation
    /// size. The default equals the default validation size, whose results are unchanged; before this setting the start
    /// used all <see cref="ValidationSize"/> validation configurations, so setting it to the validation size reproduces
    /// an older run exactly.
    /// </summary>
    public int StartSampleSize { get; init; } = 256;

    /// <summary>Root seed: slice j's streams are keyed by (seed, j) and fixed salts, so results do not depend on thread count.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Steps of each reference run.</summary>
    public int ReferenceSteps => (int)Math.Min(int.MaxValue - 1, Math.Ceiling(ReferenceLengthFactor * MaxSteps));

    /// <summary>Checks ranges; throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the setting.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Optimizer, nameof(Optimizer));
        if (LearningRate is { } lr && !(lr > 0 && double.IsFinite(lr)))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), lr, "learning rate must be > 0 and finite");
        if (LearningRate is null && Optimizer.UsesCurvatureRate)
            throw new ArgumentException($"optimizer '{Optimizer.Name}' on samples needs a fixed learning rate (its stable rate depends on the curvature, eta < 1/S_max for one layer)", nameof(LearningRate));
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be >= 1");
        if (MaxSteps < 1) throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "max steps must be >= 1");
        if (!(Eps > 0 && Eps < 1)) throw new ArgumentOutOfRangeException(nameof(Eps), Eps, "eps must be in (0, 1)");
        if (EvalInterval < 1) throw new ArgumentOutOfRangeException(nameof(EvalInterval), EvalInterval, "eval interval must be >= 1");
        if (ValidationSize < 1) throw new ArgumentOutOfRangeException(nameof(ValidationSize), ValidationSize, "validation size must be >= 1");
        if (StartSampleSize < 1) throw new ArgumentOutOfRangeException(nameof(StartSampleSize), StartSampleSize, "start sample size must be >= 1");
        if (!(ReferenceLengthFactor >= 1) || double.IsInfinity(ReferenceLengthFactor))
            throw new ArgumentOutOfRangeException(nameof(ReferenceLengthFactor), ReferenceLengthFactor, "reference length factor must be >= 1 (a much longer run than training)");
        if (!(ReferenceFinalRateFraction > 0 && ReferenceFinalRateFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(ReferenceFinalRateFraction), ReferenceFinalRateFraction, "final rate fraction must be in (0, 1]");
        if (ReferenceDrift is { } drift && !(drift > 0 && drift <= 1))
            throw new ArgumentOutOfRangeException(nameof(ReferenceDrift), drift, "reference drift must be in (0, 1] (a fraction of the initial excess)");
        if (MaxReferenceDoublings is < 1 or > 10)
            throw new ArgumentOutOfRangeException(nameof(MaxReferenceDoublings), MaxReferenceDoublings, "max reference doublings must be in 1..10");
    }
}
