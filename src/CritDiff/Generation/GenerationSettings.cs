using CritDiff.Diffusion;

namespace CritDiff.Generation;

/// <summary>
/// How to run the reverse process, for the exact per-mode law (<see cref="ReverseProcess"/>) and in real space
/// (<see cref="RealSpaceSampler"/>) alike: the sampler, K uniform steps of h = (T - t_min)/K from the final time T down
/// to t_min (step i starts at t_i = T - i h and ends at t_i - h), starting from y ~ N(0, b(T)^2 I)
/// (docs/science.md section 7).
/// </summary>
public sealed record GenerationSettings
{
    /// <summary>Creates and validates the settings.</summary>
    public GenerationSettings(Sampler sampler, int steps, double finalTime, double minTime)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps K must be >= 1");
        ForwardProcess.CheckTime(minTime);
        if (!(finalTime > minTime) || double.IsInfinity(finalTime))
            throw new ArgumentOutOfRangeException(nameof(finalTime), finalTime, "the final time T must exceed t_min");
        Sampler = sampler;
        Steps = steps;
        FinalTime = finalTime;
        MinTime = minTime;
    }

    /// <summary>The sampler (predictor and optional corrector).</summary>
    public Sampler Sampler { get; }

    /// <summary>Number of steps K.</summary>
    public int Steps { get; }

    /// <summary>Final (starting) time T.</summary>
    public double FinalTime { get; }

    /// <summary>Time t_min where the reverse process stops.</summary>
    public double MinTime { get; }

    /// <summary>Step size h = (T - t_min) / K.</summary>
    public double StepSize => (FinalTime - MinTime) / Steps;

    /// <summary>Time at the start of step i (0-based): t_i = T - i h (t_min for i = K).</summary>
    public double TimeAt(int step) => step == Steps ? MinTime : FinalTime - step * StepSize;

    /// <summary>Score evaluations per sample of the whole run (the sampler's closed count over K steps).</summary>
    public int ScoreEvaluations => Sampler.ScoreEvaluations(Steps);
}
