using CritDiff.Diffusion;

namespace CritDiff.Generation;

/// <summary>
/// How to run the real-space reverse process: the scheme, K uniform steps of h = (T - t_min)/K from the final time T
/// down to t_min (the time grid of <see cref="GenerationSettings"/>: step i starts at t_i = T - i h and ends at t_i - h),
/// starting from y ~ N(0, b(T)^2 I). With a linear score held at the same slices, Euler-Maruyama and Heun run the very
/// per-mode recursions of <see cref="ReverseProcess"/> with <see cref="EulerMaruyama"/> and <see cref="HeunOde"/>.
/// </summary>
public sealed record RealSpaceSettings
{
    /// <summary>Default signal-to-noise ratio r of the Langevin corrector (score_sde's choice for VE models).</summary>
    public const double DefaultCorrectorSnr = 0.16;

    /// <summary>Creates and validates the settings.</summary>
    public RealSpaceSettings(RealSpaceScheme scheme, int steps, double finalTime, double minTime, double correctorSnr = DefaultCorrectorSnr)
    {
        if (!Enum.IsDefined(scheme)) throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "unknown scheme");
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps K must be >= 1");
        ForwardProcess.CheckTime(minTime);
        if (!(finalTime > minTime) || double.IsInfinity(finalTime))
            throw new ArgumentOutOfRangeException(nameof(finalTime), finalTime, "the final time T must exceed t_min");
        if (!(correctorSnr > 0) || double.IsInfinity(correctorSnr))
            throw new ArgumentOutOfRangeException(nameof(correctorSnr), correctorSnr, "the corrector's r must be positive and finite");
        Scheme = scheme;
        Steps = steps;
        FinalTime = finalTime;
        MinTime = minTime;
        CorrectorSnr = correctorSnr;
    }

    /// <summary>The integrator.</summary>
    public RealSpaceScheme Scheme { get; }

    /// <summary>Number of steps K.</summary>
    public int Steps { get; }

    /// <summary>Final (starting) time T.</summary>
    public double FinalTime { get; }

    /// <summary>Time t_min where the reverse process stops.</summary>
    public double MinTime { get; }

    /// <summary>Signal-to-noise ratio r of the <see cref="RealSpaceScheme.PredictorCorrector"/> Langevin step.</summary>
    public double CorrectorSnr { get; }

    /// <summary>Step size h = (T - t_min) / K.</summary>
    public double StepSize => (FinalTime - MinTime) / Steps;

    /// <summary>Time at the start of step i (0-based): t_i = T - i h (t_min for i = K), as in <see cref="GenerationSettings"/>.</summary>
    public double TimeAt(int step) => step == Steps ? MinTime : FinalTime - step * StepSize;

    /// <summary>Score evaluations per sample: K (Euler-Maruyama, exponential integrator) or 2K (Heun, predictor-corrector).</summary>
    public int ScoreEvaluations => Scheme is RealSpaceScheme.Heun or RealSpaceScheme.PredictorCorrector ? 2 * Steps : Steps;
}
