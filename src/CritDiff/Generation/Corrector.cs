using System.Numerics;
using CritDiff.Diffusion;

namespace CritDiff.Generation;

/// <summary>
/// A corrector step at a fixed time t after the predictor (score_sde's corrector): a Markov step that leaves the law at t
/// invariant for the exact score. Like a <see cref="Predictor"/> it has a real-space face (<see cref="Step"/>) and, for a
/// linear score s~ = m y~, a per-mode map y~ -> gain y~ + sqrt(noise) xi (<see cref="ModeStep"/>).
/// </summary>
public abstract record Corrector
{
    /// <summary>Score evaluations per sample in one corrector step.</summary>
    public abstract int ScoreEvaluationsPerStep { get; }

    /// <summary>Gain and added noise variance of one mode at time t, given the multiplier m(k, t).</summary>
    public abstract (Complex Gain, double Noise) ModeStep(ForwardProcess process, double t, Complex multiplier);

    /// <summary>Corrects the <paramref name="size"/> configurations <paramref name="y"/> of one chunk at time t.</summary>
    internal abstract void Step(ReverseChunk chunk, ForwardProcess process, double t, Span<double> y, int size);
}
