using System.Numerics;
using CritDiff.Diffusion;

namespace CritDiff.Generation;

/// <summary>
/// Heun's method (explicit trapezoid) for the probability-flow ODE dy = F dtau, F = -f y + (g^2/2) s(y, t), with f, g, s
/// at both ends of the step: y_p = y + h F(y, t), y &lt;- y + (h/2)(F(y, t) + F(y_p, t - h)); second order, deterministic,
/// two score evaluations per step. Per mode, with c(t) = -f + (g^2/2) m: gain 1 + (h/2)(c0 + c1 (1 + h c0)), no noise.
/// In real space, when asked, it carries the log-density: d log q / dtau = -div F, div F = -f n V + (g^2/2) tr(ds/dx), by
/// the same rule, with the trace of a <see cref="TraceEstimator"/> (two trace evaluations per step; none when not asked), or
/// with <see cref="DiscreteMapDensity"/> the exact log |det| of the step's Jacobian (2 n V Jacobian-vector products per step).
/// </summary>
public sealed record HeunPredictor : Predictor
{
    /// <inheritdoc />
    public override int ScoreEvaluationsPerStep => 2;

    /// <inheritdoc />
    public override bool UsesEndScore => true;

    /// <inheritdoc />
    public override bool CarriesLogDensity => true;

    /// <inheritdoc />
    public override (Complex Gain, double Noise) ModeStep(ForwardProcess process, double t, double h, Complex start, Complex end)
    {
        var c0 = -process.Drift(t) + 0.5 * process.DiffusionSquared(t) * start;
        var c1 = -process.Drift(t - h) + 0.5 * process.DiffusionSquared(t - h) * end;
        return (1 + 0.5 * h * (c0 + c1 * (1 + h * c0)), 0);
    }

    internal override void Step(ReverseChunk chunk, ForwardProcess process, double t, double h, Span<double> y, int size, Span<double> logDensity)
    {
        double end = t - h;
        int width = chunk.Width;
        double f0 = process.Drift(t), half0 = 0.5 * process.DiffusionSquared(t);
        double f1 = process.Drift(end), half1 = 0.5 * process.DiffusionSquared(end);
        // The trace only when log q is carried (asked for, and no corrector after the step).
        bool carry = !logDensity.IsEmpty;
        bool discrete = carry && chunk.DiscreteMap;
        var k1 = chunk.Score(t, y, size);
        Span<double> trace = default, variance = default;
        if (carry && !discrete) trace = chunk.Trace(t, y, size, out variance);
        var predicted = chunk.Predicted(y.Length);
        for (int j = 0; j < y.Length; j++)
        {
            k1[j] = -f0 * y[j] + half0 * k1[j];
            predicted[j] = y[j] + h * k1[j];
        }
        var k2 = chunk.EndScore(end, predicted, size);
        if (discrete)
        {
            // The exact density of the map itself: log q -= log |det D Phi(y)|, at y before the update.
            Span<double> logDeterminant = stackalloc double[size];
            chunk.HeunLogDeterminant(t, h, f0, half0, f1, half1, y, predicted, size, logDeterminant);
            for (int i = 0; i < size; i++) logDensity[i] -= logDeterminant[i];
        }
        for (int j = 0; j < y.Length; j++) y[j] += 0.5 * h * (k1[j] + (-f1 * predicted[j] + half1 * k2[j]));
        if (!carry || discrete) return;
        var traceEnd = chunk.EndTrace(end, predicted, size, out var varianceEnd);
        double w0 = 0.5 * h * half0, w1 = 0.5 * h * half1;
        for (int i = 0; i < size; i++)
        {
            double start = -f0 * width + half0 * trace[i], stop = -f1 * width + half1 * traceEnd[i];
            logDensity[i] -= 0.5 * h * (start + stop);
            // Independent probes at both ends: their estimation variances add with the rule's weights.
            chunk.LogDensityVariance[i] += w0 * w0 * variance[i] + w1 * w1 * varianceEnd[i];
        }
    }
}
