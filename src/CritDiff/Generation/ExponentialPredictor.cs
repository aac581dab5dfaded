using System.Numerics;
using CritDiff.Diffusion;
using CritDiff.Statistics;

namespace CritDiff.Generation;

/// <summary>
/// Exponential integrator for the reverse SDE; first order, one score evaluation per step. Its two faces differ, as they
/// always have (the numbers of both are kept):
/// <list type="bullet">
/// <item>Per mode (<see cref="ModeStep"/>, a score with a multiplier): the drift coefficient c = -f + g^2 m held at its
/// start value, dy = c y dtau + g dW solved exactly over the step: gain e^{c h}, noise g^2 (e^{2 Re(c) h} - 1) / (2 Re c).
/// Exact for a constant linear score.</item>
/// <item>In real space (<see cref="Step"/>, any score): only the linear drift -f y is integrated exactly, with the score
/// held at s0 = s(y, t): y &lt;- e^{-f h} y + g^2 s0 (e^{-f h} - 1)/(-f) + sqrt(g^2 (e^{-2 f h} - 1)/(-2 f)) xi; for VE
/// (f = 0) it is Euler-Maruyama. For s = m y its gain is e^{-f h} + g^2 m (e^{-f h} - 1)/(-f), not e^{c h}: the full
/// exponential needs the score's Jacobian.</item>
/// </list>
/// </summary>
public sealed record ExponentialPredictor : Predictor
{
    /// <inheritdoc />
    public override int ScoreEvaluationsPerStep => 1;

    /// <inheritdoc />
    public override (Complex Gain, double Noise) ModeStep(ForwardProcess process, double t, double h, Complex start, Complex end)
    {
        double g2 = process.DiffusionSquared(t);
        var c = -process.Drift(t) + g2 * start;
        double x = 2 * c.Real * h;
        // (e^x - 1)/x -> 1 as x -> 0; expm1 keeps it accurate.
        double growth = Math.Abs(x) < 1e-300 ? h : ExpMinusOne.Of(x) / (2 * c.Real);
        return (Complex.Exp(c * h), g2 * growth);
    }

    /// <inheritdoc />
    public override bool CarriesPathWeight => true;

    internal override void Step(ReverseChunk chunk, ForwardProcess process, double t, double h, Span<double> y, int size, Span<double> logDensity)
    {
        var s = chunk.Score(t, y, size);
        double f = process.Drift(t), g2 = process.DiffusionSquared(t);
        // (e^{-f h} - 1)/(-f) -> h and (e^{-2 f h} - 1)/(-2 f) -> h as f -> 0 (VE); expm1 keeps both accurate.
        double growth = f == 0 ? h : ExpMinusOne.Of(-f * h) / -f;
        double variance = f == 0 ? h : ExpMinusOne.Of(-2 * f * h) / (-2 * f);
        chunk.Update(y, s, size, Math.Exp(-f * h), g2 * growth, Math.Sqrt(g2 * variance), process, t, h, logDensity);
    }
}
