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
    public RealSpaceOptions(TraceEstimator? logDensity = null, bool denoise = false, bool pathWeights = false)
    {
        if (logDensity is not null && denoise)
            throw new ArgumentException("the final denoising step does not carry log q: ask for one of the log-density and the denoising step", nameof(denoise));
        if (pathWeights && (logDensity is not null || denoise))
            throw new ArgumentException("path weights exclude the ODE's log-density and the final denoising step", nameof(pathWeights));
        LogDensity = logDensity;
        Denoise = denoise;
        PathWeights = pathWeights;
    }

    /// <summary>Path-space weights of a stochastic sampler (sde-em, sde-exp; docs/science.md section 11).</summary>
    public static RealSpaceOptions PathWeightsOnly { get; } = new(pathWeights: true);

    /// <summary>Samples only: no log-density, no denoising step.</summary>
    public static RealSpaceOptions None { get; } = new();

    /// <summary>The exact log-density (what the probability-flow reweighting used before issue 22 always computed).</summary>
    public static RealSpaceOptions ExactLogDensity { get; } = new(TraceEstimator.Exact);

    /// <summary>
    /// The exact log-density of the discrete Heun map (<see cref="DiscreteMapDensity"/>): log q = log N(y_K) - sum_k log |det D Phi_k|,
    /// importance weights exact for any number of steps; 2 n V Jacobian-vector products and an (n V)^3 LU per step (n V up to
    /// a few hundred; <see cref="DiscreteMapDensity.MaxWidth"/>).
    /// </summary>
    public static RealSpaceOptions DiscreteLogDensity { get; } = new(TraceEstimator.Discrete);

    /// <summary>
    /// How the log-density is evaluated: a trace rule (<see cref="TraceEstimator.Exact"/>, <see cref="HutchinsonTrace"/>: the
    /// trapezoid of div F, O(h^2) off the discrete map's density) or <see cref="TraceEstimator.Discrete"/> (the exact density of
    /// the discrete map); null for no log-density (no trace is evaluated).
    /// </summary>
    public TraceEstimator? LogDensity { get; }

    /// <summary>
    /// Carry each sample's path weight (only a sampler with <see cref="Sampler.CarriesPathWeight"/>): the samples'
    /// <see cref="RealSpaceSamples.LogDensity"/> is then the path's effective log q = log pi(y_K) + sum_k log r_k(y_{k-1} | y_k)
    /// - sum_k log p_k(y_k | y_{k-1}) (r_k the sampler's Gaussian step, p_k the forward process's exact Gaussian kernel
    /// between the grid times, pi = N(0, b(T)^2 I) the start), so that log w = -S(y_0) - log q is the path-space
    /// importance weight, whose self-normalised estimates are exact for any number of steps K. O(n V) per step, no Jacobian.
    /// </summary>
    public bool PathWeights { get; }

    /// <summary>Apply Tweedie's denoising step at the end.</summary>
    public bool Denoise { get; }
}
