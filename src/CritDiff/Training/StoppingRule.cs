using CritDiff.Diffusion;
using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>
/// How a slice trained on samples measures its excess loss, and so its training time (the first evaluated step with
/// excess &lt;= eps x initial excess). <see cref="Begin"/> runs once per slice before training (a rule may run reference
/// trainings through its context there) and returns the slice's <see cref="SliceExcess"/>. Implementations:
/// <see cref="ExactExcessRule"/> (a known optimum) and <see cref="ValidationExcessRule"/> (a reference run, docs/science.md
/// section 10).
/// </summary>
public abstract class StoppingRule
{
    /// <summary>The rule in words, for results.</summary>
    public abstract string Name { get; }

    /// <summary>Prepares the rule for one slice.</summary>
    public abstract SliceExcess Begin(StoppingContext context);
}

/// <summary>A slice's excess measure and the reference it is taken against.</summary>
/// <param name="Excess">Excess of the parameters given their validation loss (called at every evaluation, on the training thread).</param>
/// <param name="ReferenceLoss">The reference loss, if the rule has one.</param>
/// <param name="ReferenceUncertainty">Its uncertainty, if known.</param>
public sealed record SliceExcess(Func<NetworkParameters, double, double> Excess, double? ReferenceLoss, double? ReferenceUncertainty)
{
    /// <summary>Steps of each reference run at the length used, if the rule ran any.</summary>
    public int? ReferenceSteps { get; init; }

    /// <summary>The last doubling's change of the reference over the initial excess (converged-reference mode), else null.</summary>
    public double? ReferenceDrift { get; init; }

    /// <summary>Whether that drift is within the requested fraction (converged-reference mode), else null.</summary>
    public bool? ReferenceConverged { get; init; }
}

/// <summary>What a <see cref="StoppingRule"/> may use for one slice: the problem, the start, and reference runs.</summary>
public sealed class StoppingContext
{
    /// <summary>Store keys of reference runs: run r at doubling d is kept as r + RunsPerLength d.</summary>
    internal const int RunsPerLength = 16;

    private readonly Func<int, int, (double Lowest, bool Diverged)> _referenceRun;
    private readonly Lazy<double> _initialLoss;

    internal StoppingContext(ScoreModel model, SampleSource source, ForwardProcess process, double time,
        SampleTrainingConfig config, int sliceIndex, NetworkParameters start, Func<int, int, (double Lowest, bool Diverged)> referenceRun,
        Func<double> initialValidationLoss)
    {
        _initialLoss = new Lazy<double>(initialValidationLoss, LazyThreadSafetyMode.None);
        Model = model;
        Source = source;
        Process = process;
        Time = time;
        Config = config;
        SliceIndex = sliceIndex;
        Start = start;
        _referenceRun = referenceRun;
    }

    /// <summary>The slice's model (its own replica).</summary>
    public ScoreModel Model { get; }

    /// <summary>The sample source.</summary>
    public SampleSource Source { get; }

    /// <summary>The forward process.</summary>
    public ForwardProcess Process { get; }

    /// <summary>The slice's diffusion time.</summary>
    public double Time { get; }

    /// <summary>The training settings.</summary>
    public SampleTrainingConfig Config { get; }

    /// <summary>The slice index (its streams are keyed by it).</summary>
    public int SliceIndex { get; }

    /// <summary>The start the training run begins from (do not modify).</summary>
    public NetworkParameters Start { get; }

    /// <summary>
    /// The lowest validation loss of reference run <paramref name="run"/> (0 or 1): from the same start, on its own
    /// sample and noise streams, <see cref="SampleTrainingConfig.ReferenceSteps"/> steps with the rate decaying
    /// geometrically to <see cref="SampleTrainingConfig.ReferenceFinalRateFraction"/> of the training rate.
    /// A run that diverges still reports its lowest loss before the divergence, and is counted in
    /// <see cref="ReferenceRunsDiverged"/>.
    /// </summary>
    public double ReferenceRunLoss(int run) => ReferenceRunLoss(run, 0);

    /// <summary>
    /// Reference run <paramref name="run"/> at length <see cref="ReferenceLength"/>(config, <paramref name="doubling"/>) =
    /// N_0 2^doubling: a fresh run from the start on run <paramref name="run"/>'s streams, its rate decaying over that length
    /// (doubling 0 is <see cref="ReferenceRunLoss(int)"/>).
    /// </summary>
    public double ReferenceRunLoss(int run, int doubling)
    {
        if (run is < 0 or >= RunsPerLength) throw new ArgumentOutOfRangeException(nameof(run), run, "reference runs are numbered 0..15 (0 and 1 are the validation rule's)");
        if (doubling is < 0 or > 10) throw new ArgumentOutOfRangeException(nameof(doubling), doubling, "doublings are numbered 0..10");
        var (lowest, diverged) = _referenceRun(run, doubling);
        if (diverged) ReferenceRunsDiverged++;
        return lowest;
    }

    /// <summary>Steps of a reference run after <paramref name="doubling"/> doublings: <see cref="SampleTrainingConfig.ReferenceSteps"/> x 2^doubling (capped at int.MaxValue - 1).</summary>
    public static int ReferenceLength(SampleTrainingConfig config, int doubling)
    {
        ArgumentNullException.ThrowIfNull(config);
        return (int)Math.Min(int.MaxValue - 1, (long)config.ReferenceSteps << Math.Clamp(doubling, 0, 30));
    }

    /// <summary>The validation loss of the start (the training run's loss at step 0), computed on first use.</summary>
    public double InitialValidationLoss => _initialLoss.Value;

    /// <summary>Reference runs of this slice that diverged (their rate was too high: lower it, the reference is then suspect).</summary>
    public int ReferenceRunsDiverged { get; private set; }
}
