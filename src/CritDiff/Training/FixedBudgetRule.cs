namespace CritDiff.Training;

/// <summary>
/// No stopping: the slice runs its full step cap (a fixed training budget, e.g. for generation quality at a budget,
/// claim C2). No reference is computed and the excess is not measured (NaN), so the run never meets eps.
/// </summary>
public sealed class FixedBudgetRule : StoppingRule
{
    /// <inheritdoc />
    public override string Name => "fixed budget (no stopping rule)";

    /// <inheritdoc />
    public override SliceExcess Begin(StoppingContext context) => new((_, _) => double.NaN, null, null);
}
