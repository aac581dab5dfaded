namespace CritDiff.Generation;

/// <summary>
/// What <see cref="RealSpaceSampler"/> computes besides the samples: each sample's log-density (only when asked: a
/// probability-flow sampler and a <see cref="TraceEstimator"/>), and an optional final denoising step (Tweedie's formula
/// x0 = (y + b^2 s(y, t_min)) / a at t_min, one more score evaluation). log q is not carried through the denoising step
/// (its Jacobian would need the full log-determinant), so the two are refused together.
/// </summary>
public sealed record RealSpaceOptions
{
    /// <summary>Creates and validates the options.</summary>
    public RealSpaceOptions(TraceEstimator? logDensity = null, bool denoise = false)
    {
        if (logDensity is not null && denoise)
            throw new ArgumentException("the final denoising step does not carry log q: ask for one of the log-density and the denoising step", nameof(denoise));
        LogDensity = logDensity;
        Denoise = denoise;
    }

    /// <summary>Samples only: no log-density, no denoising step.</summary>
    public static RealSpaceOptions None { get; } = new();

    /// <summary>The exact log-density (what the probability-flow reweighting used before issue 22 always computed).</summary>
    public static RealSpaceOptions ExactLogDensity { get; } = new(TraceEstimator.Exact);

    /// <summary>How the trace of the log-density is evaluated, or null for no log-density (no trace is evaluated).</summary>
    public TraceEstimator? LogDensity { get; }

    /// <summary>Apply Tweedie's denoising step at the end.</summary>
    public bool Denoise { get; }
}
