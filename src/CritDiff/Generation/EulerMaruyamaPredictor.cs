using System.Numerics;
using CritDiff.Diffusion;

namespace CritDiff.Generation;

/// <summary>
/// Euler-Maruyama for the reverse SDE: y &lt;- y + h(-f y + g^2 s(y, t)) + g sqrt(h) xi, f and g at the step's start;
/// first order, one score evaluation per step. Per mode: gain 1 + h(-f + g^2 m), noise g^2 h.
/// </summary>
public sealed record EulerMaruyamaPredictor : Predictor
{
    /// <inheritdoc />
    public override int ScoreEvaluationsPerStep => 1;

    /// <inheritdoc />
    public override (Complex Gain, double Noise) ModeStep(ForwardProcess process, double t, double h, Complex start, Complex end)
    {
        double g2 = process.DiffusionSquared(t);
        return (1 + h * (-process.Drift(t) + g2 * start), g2 * h);
    }

    /// <inheritdoc />
    public override bool CarriesPathWeight => true;

    internal override void Step(ReverseChunk chunk, ForwardProcess process, double t, double h, Span<double> y, int size, Span<double> logDensity)
    {
        var s = chunk.Score(t, y, size);
        double f = process.Drift(t), g2 = process.DiffusionSquared(t);
        chunk.Update(y, s, size, 1 - h * f, h * g2, Math.Sqrt(g2 * h), process, t, h, logDensity);
    }
}
