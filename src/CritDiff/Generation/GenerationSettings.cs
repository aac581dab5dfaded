using System.Globalization;
using CritDiff.Diffusion;

namespace CritDiff.Generation;

/// <summary>
/// How to run the reverse process, for the exact per-mode law (<see cref="ReverseProcess"/>) and in real space
/// (<see cref="RealSpaceSampler"/>) alike: the sampler and the K + 1 times t_0 = T &gt; t_1 &gt; ... &gt; t_K = t_min of a
/// <see cref="ReverseGrid"/> (step i runs from t_i down to t_i - h_i, h_i = t_i - t_{i+1}), starting from
/// y ~ N(0, b(T)^2 I) (docs/science.md sections 7 and 11). Without a process and grid the steps are uniform,
/// h = (T - t_min)/K, as before issue 22.
/// </summary>
public sealed record GenerationSettings
{
    private readonly double[] _times;
    private readonly double[] _steps;

    /// <summary>Creates and validates the settings with K uniform steps in t.</summary>
    public GenerationSettings(Sampler sampler, int steps, double finalTime, double minTime)
        : this(sampler, steps, finalTime, minTime, new VariancePreserving(), ReverseGrid.Uniform)
    {
    }

    /// <summary>
    /// Creates and validates the settings on <paramref name="grid"/> (default: the process's own,
    /// <see cref="ForwardProcess.DefaultGrid"/>), spaced in the noise level of <paramref name="process"/>.
    /// </summary>
    public GenerationSettings(Sampler sampler, int steps, double finalTime, double minTime, ForwardProcess process, ReverseGrid? grid = null)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(process);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps K must be >= 1");
        ForwardProcess.CheckTime(minTime);
        if (!(finalTime > minTime) || double.IsInfinity(finalTime))
            throw new ArgumentOutOfRangeException(nameof(finalTime), finalTime, "the final time T must exceed t_min");
        Sampler = sampler;
        Steps = steps;
        FinalTime = finalTime;
        MinTime = minTime;
        Grid = grid ?? process.DefaultGrid;
        (_times, _steps) = Grid.Build(process, steps, finalTime, minTime);
    }

    /// <summary>The sampler (predictor and optional corrector).</summary>
    public Sampler Sampler { get; }

    /// <summary>Number of steps K.</summary>
    public int Steps { get; }

    /// <summary>Final (starting) time T.</summary>
    public double FinalTime { get; }

    /// <summary>Time t_min where the reverse process stops.</summary>
    public double MinTime { get; }

    /// <summary>The spacing of the steps.</summary>
    public ReverseGrid Grid { get; }

    /// <summary>The K + 1 grid times t_0 = T, ..., t_K = t_min, decreasing.</summary>
    public IReadOnlyList<double> Times => _times;

    /// <summary>Time at the start of step i (0-based): t_i (t_min for i = K).</summary>
    public double TimeAt(int step) => _times[step];

    /// <summary>Size h_i = t_i - t_{i+1} of step i (0-based); (T - t_min)/K for every step of the uniform grid.</summary>
    public double StepSizeAt(int step) => _steps[step];

    /// <summary>Score evaluations per sample of the whole run (the sampler's closed count over K steps).</summary>
    public int ScoreEvaluations => Sampler.ScoreEvaluations(Steps);

    /// <summary>
    /// The first step that puts the data scale inside one step, or null: a step i whose start has noise variance
    /// b(t_i)^2 &gt; chi while its end has b(t_{i+1})^2 &lt; chi/2, chi the data's largest per-mode variance (no grid time
    /// has b^2 in [chi/2, chi]). The rule is stated in b^2 itself: for VE (a = 1) it is the noise-to-signal variance; for
    /// VP, b^2 &lt; 1, so it can fire only where chi &lt; 1.
    /// </summary>
    public int? StepAcrossDataScale(ForwardProcess process, double largestVariance)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (!(largestVariance > 0) || double.IsInfinity(largestVariance)) return null;
        for (int i = 0; i < Steps; i++)
        {
            if (process.NoiseVariance(_times[i]) > largestVariance && process.NoiseVariance(_times[i + 1]) < largestVariance / 2) return i;
        }
        return null;
    }

    /// <summary>The warning <c>generate</c> prints when <see cref="StepAcrossDataScale"/> finds a step, else null.</summary>
    public string? DataScaleWarning(ForwardProcess process, double largestVariance)
    {
        if (StepAcrossDataScale(process, largestVariance) is not { } i) return null;
        double start = process.NoiseVariance(_times[i]), end = process.NoiseVariance(_times[i + 1]);
        return string.Create(CultureInfo.InvariantCulture,
            $"reverse step {i + 1} of {Steps} ({Grid.Name} grid, t {_times[i]:G4} -> {_times[i + 1]:G4}) takes the noise variance b^2 from {start:G4} " +
            $"to {end:G4}, across the data's largest variance chi = {largestVariance:G4} in one step: use more --steps, --grid log, " +
            $"or --schedule {GeometricVarianceExploding.Family}");
    }
}
