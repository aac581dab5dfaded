namespace CritDiff.Generation;

/// <summary>
/// Integrators of the real-space reverse process (docs/science.md section 7; reverse time tau = T - t, a step goes
/// from t to t - h; f, g^2 are the forward process's coefficients at the step's start unless stated):
/// </summary>
public enum RealSpaceScheme
{
    /// <summary>
    /// Reverse SDE, Euler-Maruyama: y &lt;- y + h(-f y + g^2 s(y, t)) + g sqrt(h) xi; first order. For a linear score it
    /// is the per-mode recursion of <see cref="EulerMaruyama"/>.
    /// </summary>
    EulerMaruyama,

    /// <summary>
    /// Reverse SDE, exponential integrator: the linear drift -f y is integrated exactly with the score held at its start
    /// value s0 = s(y, t) over the step: y &lt;- e^{-f h} y + g^2 s0 (e^{-f h} - 1)/(-f) + sqrt(g^2 (e^{-2 f h} - 1)/(-2 f)) xi.
    /// Exact for VP (constant f, g) when s is constant over the step; for VE (f = 0) it is Euler-Maruyama. Per mode
    /// (s = m y) the gain is e^{-f h} + g^2 m (e^{-f h} - 1)/(-f), not the fully exponentiated e^{(-f + g^2 m) h} of the
    /// per-mode <see cref="ExponentialIntegrator"/>, which needs the score's Jacobian; both are first order.
    /// </summary>
    ExponentialIntegrator,

    /// <summary>
    /// Probability-flow ODE dy = [-f y + (g^2/2) s] dtau, Heun's method (explicit trapezoid), with f, g, s at both ends
    /// of the step; second order; deterministic after the start draw. The per-mode recursion of <see cref="HeunOde"/>.
    /// Integrates log q along the path with the same rule (see <see cref="RealSpaceSampler"/>).
    /// </summary>
    Heun,

    /// <summary>
    /// Euler-Maruyama predictor to t' = t - h, then one Langevin corrector step at t':
    /// y &lt;- y + eps s(y, t') + sqrt(2 eps) xi with eps = 2 r^2 b(t')^2 (r = <see cref="RealSpaceSettings.CorrectorSnr"/>,
    /// 0.16 by default). This is score_sde's signal-to-noise rule eps = 2 (r |xi| / |s|)^2 with |xi|^2 = n V and |s|^2
    /// replaced by n V / b^2, the bound E|s*|^2 = sum_k 1/S(k, t) &lt;= n V / b^2 of the exact score: deterministic, so the
    /// step does not depend on the sample or the batch and a linear score gives a Gaussian law (per mode: gain
    /// 1 + eps m(t'), noise 2 eps), and the step stays stable (eps |m| &lt;= 2 r^2).
    /// </summary>
    PredictorCorrector,
}
