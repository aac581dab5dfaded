using System.Numerics;
using CritDiff.Diffusion;

namespace CritDiff.Generation;

/// <summary>
/// One step of a reverse-time integrator for a linear score, per Fourier mode (docs/science.md section 7):
/// reverse time tau = T - t, reverse SDE dy = [-f y + g^2 s] dtau + g dW, probability-flow ODE
/// dy = [-f y + (g^2/2) s] dtau. With s = m y each step maps y -> gain y + sqrt(noise) xi, so the
/// variance follows v -> |gain|^2 v + noise exactly. A step goes from t to t - h.
/// </summary>
public abstract record ReverseScheme
{
    /// <summary>Command-line name.</summary>
    public abstract string Name { get; }

    /// <summary>True when the score is also needed at the step's end (t - h).</summary>
    public virtual bool UsesEndScore => false;

    /// <summary>
    /// Gain and added noise variance of one mode for a step from t to t - h, given the multiplier at
    /// the start (<paramref name="start"/>) and, for schemes that use it, at the end (<paramref name="end"/>).
    /// </summary>
    public abstract (Complex Gain, double Noise) Step(ForwardProcess process, double t, double h, Complex start, Complex end);

    /// <summary>Parses sde-em, sde-exp or ode-heun.</summary>
    public static ReverseScheme Parse(string name) => name.ToLowerInvariant() switch
    {
        "sde-em" => new EulerMaruyama(),
        "sde-exp" => new ExponentialIntegrator(),
        "ode-heun" => new HeunOde(),
        _ => throw new ArgumentException($"unknown sampler '{name}': use sde-em, sde-exp or ode-heun", nameof(name)),
    };
}

/// <summary>Euler-Maruyama for the reverse SDE: y &lt;- (1 + h(-f + g^2 m)) y + g sqrt(h) xi; first order.</summary>
public sealed record EulerMaruyama : ReverseScheme
{
    /// <inheritdoc />
    public override string Name => "sde-em";

    /// <inheritdoc />
    public override (Complex Gain, double Noise) Step(ForwardProcess process, double t, double h, Complex start, Complex end)
    {
        double g2 = process.DiffusionSquared(t);
        return (1 + h * (-process.Drift(t) + g2 * start), g2 * h);
    }
}

/// <summary>
/// Exponential integrator for the reverse SDE: with the drift coefficient c = -f + g^2 m held at its
/// start value, dy = c y dtau + g dW is solved exactly over the step: gain e^{c h}, noise
/// g^2 (e^{2 Re(c) h} - 1) / (2 Re c). Exact for a constant linear score; first order otherwise.
/// </summary>
public sealed record ExponentialIntegrator : ReverseScheme
{
    /// <inheritdoc />
    public override string Name => "sde-exp";

    /// <inheritdoc />
    public override (Complex Gain, double Noise) Step(ForwardProcess process, double t, double h, Complex start, Complex end)
    {
        double g2 = process.DiffusionSquared(t);
        var c = -process.Drift(t) + g2 * start;
        double x = 2 * c.Real * h;
        // (e^x - 1)/x -> 1 as x -> 0; expm1 keeps it accurate.
        double growth = Math.Abs(x) < 1e-300 ? h : Statistics.ExpMinusOne.Of(x) / (2 * c.Real);
        return (Complex.Exp(c * h), g2 * growth);
    }
}

/// <summary>
/// Heun's method (explicit trapezoid) for the probability-flow ODE: c(t) = -f + (g^2/2) m,
/// y_p = (1 + h c0) y, y &lt;- y + (h/2)(c0 y + c1 y_p); deterministic, second order.
/// </summary>
public sealed record HeunOde : ReverseScheme
{
    /// <inheritdoc />
    public override string Name => "ode-heun";

    /// <inheritdoc />
    public override bool UsesEndScore => true;

    /// <inheritdoc />
    public override (Complex Gain, double Noise) Step(ForwardProcess process, double t, double h, Complex start, Complex end)
    {
        var c0 = -process.Drift(t) + 0.5 * process.DiffusionSquared(t) * start;
        var c1 = -process.Drift(t - h) + 0.5 * process.DiffusionSquared(t - h) * end;
        return (1 + 0.5 * h * (c0 + c1 * (1 + h * c0)), 0);
    }
}
