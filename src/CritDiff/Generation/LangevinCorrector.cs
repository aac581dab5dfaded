using System.Numerics;
using CritDiff.Diffusion;

namespace CritDiff.Generation;

/// <summary>
/// One Langevin step at time t: y &lt;- y + eps s(y, t) + sqrt(2 eps) xi with eps = 2 r^2 b(t)^2, r the signal-to-noise
/// ratio (0.16 by default, score_sde's choice for VE models). This is score_sde's rule eps = 2 (r |xi| / |s|)^2 with
/// |xi|^2 = n V and |s|^2 replaced by n V / b^2, the bound E|s*|^2 = sum_k 1/S(k, t) &lt;= n V / b^2 of the exact score:
/// deterministic, so the step does not depend on the sample or the batch, a linear score gives a Gaussian law (per mode:
/// gain 1 + eps m, noise 2 eps), and the step stays stable (eps |m| &lt;= 2 r^2). One score evaluation.
/// </summary>
public sealed record LangevinCorrector : Corrector
{
    /// <summary>Default signal-to-noise ratio r (score_sde's choice for VE models).</summary>
    public const double DefaultSignalToNoise = 0.16;

    /// <summary>Creates the corrector with signal-to-noise ratio r &gt; 0.</summary>
    public LangevinCorrector(double signalToNoise = DefaultSignalToNoise)
    {
        if (!(signalToNoise > 0) || double.IsInfinity(signalToNoise))
            throw new ArgumentOutOfRangeException(nameof(signalToNoise), signalToNoise, "the corrector's r must be positive and finite");
        SignalToNoise = signalToNoise;
    }

    /// <summary>Signal-to-noise ratio r.</summary>
    public double SignalToNoise { get; }

    /// <inheritdoc />
    public override int ScoreEvaluationsPerStep => 1;

    /// <summary>The step size eps = 2 r^2 b(t)^2.</summary>
    public double StepSize(ForwardProcess process, double t)
    {
        ArgumentNullException.ThrowIfNull(process);
        return 2 * SignalToNoise * SignalToNoise * process.NoiseVariance(t);
    }

    /// <inheritdoc />
    public override (Complex Gain, double Noise) ModeStep(ForwardProcess process, double t, Complex multiplier)
    {
        double epsilon = StepSize(process, t);
        return (1 + epsilon * multiplier, 2 * epsilon);
    }

    internal override void Step(ReverseChunk chunk, ForwardProcess process, double t, Span<double> y, int size)
    {
        var s = chunk.Score(t, y, size);
        double epsilon = StepSize(process, t);
        chunk.Update(y, s, size, 1, epsilon, Math.Sqrt(2 * epsilon));
    }
}
