namespace CritDiff.MonteCarlo;

/// <summary>
/// Robbins-Monro tuning of the step size towards a target acceptance during thermalisation:
/// ln epsilon += (a - a*) / sqrt(1 + t), with a the sweep's mean acceptance probability. Using the
/// probability min(1, e^-dH) rather than the 0/1 outcome keeps the HMC update smooth.
/// </summary>
internal static class StepSizeTuner
{
    /// <summary>
    /// The rule for a chain, the step capped at <paramref name="maxStepSize"/>
    /// (<see cref="ModelKernel.MaxStepSize"/>): where the acceptance cannot fall to the target (a proposal already covering
    /// the whole state space) the rule alone would grow the step without bound.
    /// </summary>
    public static void Update(ModelChain chain, double acceptance, double target, int sweep, double maxStepSize = double.PositiveInfinity)
    {
        double change = (acceptance - target) / Math.Sqrt(1 + sweep);
        chain.StepSize = Math.Min(chain.StepSize * Math.Exp(Math.Clamp(change, -1, 1)), maxStepSize);
    }
}
