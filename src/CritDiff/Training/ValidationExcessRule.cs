namespace CritDiff.Training;

/// <summary>
/// Validation excess against a reference (docs/science.md section 10), for models whose optimum is unknown: the reference is the
/// lowest validation loss (the slice's fixed x_0 and z) that two much longer runs with a decaying rate reach, each on its own
/// sample and noise streams; it is the lower of the two, and its uncertainty their difference. Excess = validation loss
/// minus the reference (it can go negative when training beats the reference: that counts as reached). Costs two
/// reference runs of <see cref="SampleTrainingConfig.ReferenceSteps"/> steps per slice.
/// </summary>
public sealed class ValidationExcessRule : StoppingRule
{
    /// <inheritdoc />
    public override string Name => "validation excess against the lower of two long decaying-rate runs";

    /// <inheritdoc />
    public override SliceExcess Begin(StoppingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        double first = context.ReferenceRunLoss(0), second = context.ReferenceRunLoss(1);
        double reference = Math.Min(first, second);
        return new SliceExcess((_, validationLoss) => validationLoss - reference, reference, Math.Abs(first - second));
    }
}
