using System.Numerics;
using CritDiff.Diffusion;

namespace CritDiff.Generation;

/// <summary>
/// A named reverse-process sampler (score_sde's predictor + corrector): every step runs the <see cref="Predictor"/> from
/// t to t - h and then, if any, the <see cref="Corrector"/> at t - h. Listed by name in <see cref="Samplers"/>.
/// </summary>
/// <param name="Help">One phrase for the --sampler help.</param>
/// <param name="Name">Command-line name (e.g. sde-exp), also the name every summary and run folder writes (since issue 22),
/// so that it can be passed back to --sampler.</param>
/// <param name="LegacyName">The name summaries of models trained on samples wrote before issue 22 (e.g. ExponentialIntegrator);
/// <see cref="Samplers.FindStored"/> still reads it.</param>
/// <param name="Predictor">The predictor.</param>
/// <param name="Corrector">The corrector after each predictor step, or null.</param>
public sealed record Sampler(string Name, string Help, string LegacyName, Predictor Predictor, Corrector? Corrector = null)
{
    /// <summary>Score evaluations per sample in one step: the predictor's plus the corrector's.</summary>
    public int ScoreEvaluationsPerStep => Predictor.ScoreEvaluationsPerStep + (Corrector?.ScoreEvaluationsPerStep ?? 0);

    /// <summary>Score evaluations per sample over <paramref name="steps"/> steps (the closed count).</summary>
    public int ScoreEvaluations(int steps) => steps * ScoreEvaluationsPerStep;

    /// <summary>True when the samples carry their log-density (a probability-flow predictor without a corrector).</summary>
    public bool CarriesLogDensity => Predictor.CarriesLogDensity && Corrector is null;

    /// <summary>True when the samples can carry path-space weights (a Gaussian stochastic predictor without a corrector).</summary>
    public bool CarriesPathWeight => Predictor.CarriesPathWeight && Corrector is null;

    /// <summary>True when the per-mode step needs the multiplier at the step's end t - h.</summary>
    public bool UsesEndScore => Predictor.UsesEndScore || Corrector is not null;

    /// <summary>
    /// Gain and noise of one mode over a whole step (predictor, then corrector at t - h): with the predictor's (G_p, N_p)
    /// and the corrector's (G_c, N_c), gain G_c G_p and noise |G_c|^2 N_p + N_c.
    /// </summary>
    public (Complex Gain, double Noise) ModeStep(ForwardProcess process, double t, double h, Complex start, Complex end)
    {
        var predicted = Predictor.ModeStep(process, t, h, start, end);
        if (Corrector is null) return predicted;
        var (gain, noise) = Corrector.ModeStep(process, t - h, end);
        double g2 = gain.Real * gain.Real + gain.Imaginary * gain.Imaginary;
        return (gain * predicted.Gain, g2 * predicted.Noise + noise);
    }

    /// <summary>One real-space step of a chunk from t to t - h.</summary>
    internal void Step(ReverseChunk chunk, ForwardProcess process, double t, double h, Span<double> y, int size, Span<double> logDensity)
    {
        Predictor.Step(chunk, process, t, h, y, size, logDensity);
        Corrector?.Step(chunk, process, t - h, y, size);
    }
}
