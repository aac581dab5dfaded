namespace CritDiff.Training;

/// <summary>
/// Validation excess against a reference (docs/science.md section 10), for models whose optimum is unknown: the reference is the
/// lowest validation loss (the slice's fixed x_0 and z) that two much longer runs with a decaying rate reach, each on its own
/// sample and noise streams; it is the lower of the two, and its uncertainty their difference. Excess = validation loss
/// minus the reference (it can go negative when training beats the reference: that counts as reached). Costs two
/// reference runs of <see cref="SampleTrainingConfig.ReferenceSteps"/> steps per slice. With
/// <see cref="SampleTrainingConfig.ReferenceDrift"/> = f the pair is rerun at 2, 4, ... times that length (each a fresh
/// decaying-rate run of its own length, on the same streams) until the reference moves by at most f x the initial excess
/// between two successive lengths (at most <see cref="SampleTrainingConfig.MaxReferenceDoublings"/> doublings: up to
/// 2^(D+1) - 1 times the fixed cost); the reference is that of the last length, and its length, last drift and whether it
/// met f are reported.
/// </summary>
public sealed class ValidationExcessRule : StoppingRule
{
    /// <inheritdoc />
    public override string Name => "validation excess against the lower of two long decaying-rate runs";

    /// <inheritdoc />
    public override SliceExcess Begin(StoppingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = context.Config;
        double first = context.ReferenceRunLoss(0), second = context.ReferenceRunLoss(1);
        double reference = Math.Min(first, second);
        int doubling = 0;
        double? drift = null;
        if (config.ReferenceDrift is { } tolerance)
        {
            // Lengthen by doubling until the reference moves by at most tolerance x the initial excess (against the longer
            // run's reference) between two successive lengths, or the doublings run out; the last length is the reference.
            while (doubling < config.MaxReferenceDoublings)
            {
                doubling++;
                double previous = reference;
                (first, second) = (context.ReferenceRunLoss(0, doubling), context.ReferenceRunLoss(1, doubling));
                reference = Math.Min(first, second);
                double change = (previous - reference) / (context.InitialValidationLoss - reference);
                drift = double.IsFinite(change) ? change : null;
                if (drift is { } d && Math.Abs(d) <= tolerance) break;
            }
        }
        double final = reference;
        return new SliceExcess((_, validationLoss) => validationLoss - final, final, Math.Abs(first - second))
        {
            ReferenceSteps = StoppingContext.ReferenceLength(config, doubling),
            ReferenceDrift = drift,
            ReferenceConverged = config.ReferenceDrift is { } f ? drift is { } last && Math.Abs(last) <= f : null,
        };
    }
}
