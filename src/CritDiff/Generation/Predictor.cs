using System.Numerics;
using CritDiff.Diffusion;

namespace CritDiff.Generation;

/// <summary>
/// One step of a reverse-time integrator from t to t - h (docs/science.md section 7; reverse time tau = T - t): the reverse
/// SDE dy = [-f y + g^2 s] dtau + g dW or the probability-flow ODE dy = [-f y + (g^2/2) s] dtau. score_sde's predictor:
/// a small type with two faces, the real-space update of a batch for any score (<see cref="Step"/>) and, for a linear
/// score s~ = m y~, the per-mode map y~ -> gain y~ + sqrt(noise) xi whose variance recursion v -> |gain|^2 v + noise is
/// the exact generated law (<see cref="ModeStep"/>). A <see cref="Sampler"/> pairs a predictor with an optional
/// <see cref="Corrector"/>.
/// </summary>
public abstract record Predictor
{
    /// <summary>Score evaluations per sample in one step (the end-of-step evaluation included).</summary>
    public abstract int ScoreEvaluationsPerStep { get; }

    /// <summary>True when the per-mode map needs the multiplier at the step's end (t - h) as well.</summary>
    public virtual bool UsesEndScore => false;

    /// <summary>True for a deterministic (probability-flow) step that carries each sample's log-density log q.</summary>
    public virtual bool CarriesLogDensity => false;

    /// <summary>
    /// True for a stochastic step whose real-space kernel is Gaussian, y' ~ N(gain y + w s(y, t), sigma^2 I), and which adds
    /// the path weight's increment (<see cref="RealSpaceOptions.PathWeights"/>) to the log-density span it is given.
    /// </summary>
    public virtual bool CarriesPathWeight => false;

    /// <summary>
    /// Gain and added noise variance of one mode for a step from t to t - h, given the multiplier at the start
    /// (<paramref name="start"/>) and, where <see cref="UsesEndScore"/>, at the end (<paramref name="end"/>).
    /// </summary>
    public abstract (Complex Gain, double Noise) ModeStep(ForwardProcess process, double t, double h, Complex start, Complex end);

    /// <summary>
    /// Advances the <paramref name="size"/> configurations <paramref name="y"/> of one chunk from t to t - h in real space;
    /// <paramref name="logDensity"/> (one per sample, or empty) is updated by schemes that carry it (the ODE's log q, or a
    /// stochastic scheme's path weight).
    /// </summary>
    internal abstract void Step(ReverseChunk chunk, ForwardProcess process, double t, double h, Span<double> y, int size, Span<double> logDensity);
}
