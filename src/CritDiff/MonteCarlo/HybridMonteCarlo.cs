using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Hybrid (Hamiltonian) Monte Carlo for unconstrained fields (the Gaussian field, phi^4) with H = S(phi) + p^T P p / 2,
/// momenta p ~ N(0, P^-1), leapfrog with step epsilon (the chain's step size, tuned during thermalisation to the target
/// acceptance, default 0.8) and n = max(1, ceil(tau / epsilon)) steps of tau / n for trajectory length tau, then a
/// Metropolis test on Delta H. One trajectory = one sweep; it counts V site updates per leapfrog step.
/// The mass matrix P^-1 is the identity ("hmc") or, for Fourier acceleration ("fa-hmc"), P = C, the propagator of a
/// Gaussian reference action: every reference mode then oscillates with unit frequency, so a fixed trajectory length
/// decorrelates all modes alike and tau_int does not grow with L for the Gaussian field. Any positive definite P keeps the
/// target exact. Three ways to build one:
/// <list type="bullet">
/// <item>The Gaussian field's own kernel (<c>new HybridMonteCarlo(field, fourierAccelerated)</c>, the <c>mcmc</c> path):
/// force in stencil form, P = C the field's propagator.</item>
/// <item><see cref="HoppingForm"/>: any hopping-form model (phi^4, or the Gaussian field in ensembles), P = I.</item>
/// <item><see cref="FourierAcceleratedHoppingForm"/>: a hopping-form model with P = C the propagator of its quadratic part
/// c khat2 + m2 (the mass m2 given, or the quadratic part's own 2a - 2dc where that is positive).</item>
/// </list>
/// The stencil and hopping forms of the Gaussian action are the same mathematics rounded differently; both are kept so that
/// the numbers of each path stay bit for bit (issue 21).
/// </summary>
public sealed class HybridMonteCarlo : ModelKernel
{
    private readonly IFieldAction _action;
    private readonly Preconditioner _metric;

    /// <summary>The Gaussian field's HMC (stencil form) with trajectory length <paramref name="trajectoryLength"/> > 0; P = C when <paramref name="fourierAccelerated"/>.</summary>
    public HybridMonteCarlo(GaussianField field, bool fourierAccelerated, double trajectoryLength = 1, double targetAcceptance = 0.8)
        : this(field, new StencilAction(field), fourierAccelerated ? Preconditioner.Fourier(field) : Preconditioner.Identity,
            trajectoryLength, targetAcceptance,
            fourierAccelerated ? 1.0 : 1 / Math.Sqrt(field.Beta * (4 * field.Lattice.Dimension + field.MassSquared)))
    {
    }

    private HybridMonteCarlo(LatticeModel model, IFieldAction action, Preconditioner metric, double trajectoryLength,
        double targetAcceptance, double defaultStepSize) : base(model)
    {
        if (!(trajectoryLength > 0) || double.IsInfinity(trajectoryLength))
            throw new ArgumentOutOfRangeException(nameof(trajectoryLength), trajectoryLength, "trajectory length must be > 0 and finite");
        if (!(targetAcceptance is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(targetAcceptance), targetAcceptance, "target acceptance must be in (0, 1)");
        _action = action;
        _metric = metric;
        TrajectoryLength = trajectoryLength;
        TargetAcceptance = targetAcceptance;
        DefaultStepSize = defaultStepSize;
    }

    /// <summary>
    /// HMC with P = I for a phi^4 or Gaussian <paramref name="model"/> in hopping form: force
    /// -dS/dphi = c h_x - (2 a + 4 lambda (|phi_x|^2 - 1)) phi_x (<see cref="LatticeModel.Force"/>, evaluated allocation-free);
    /// default step half the leapfrog stability limit, 1/omega_max with omega_max^2 ~ 2a + 2d c + 8 lambda (the largest
    /// curvature of S near |phi|^2 ~ 1; exact for the Gaussian field, beta (4d + mu2)).
    /// </summary>
    public static HybridMonteCarlo HoppingForm(LatticeModel model, double trajectoryLength = 1, double targetAcceptance = 0.8)
    {
        var action = HoppingAction.Of(model);
        return new HybridMonteCarlo(model, action, Preconditioner.Identity, trajectoryLength, targetAcceptance,
            1 / Math.Sqrt(2 * action.Quadratic + 2 * action.Lattice.Dimension * action.Hopping + 8 * action.Quartic));
    }

    /// <summary>
    /// Fourier-accelerated HMC for a phi^4 or Gaussian <paramref name="model"/> in hopping form: P = C(k) = 1/(c khat2(k) + m2)
    /// on every component, the propagator of the action's quadratic part with mass squared <paramref name="massSquared"/>
    /// (> 0; null: the quadratic part's own 2a - 2dc, which is positive only below the free critical hopping c = a/d, so
    /// near phi^4's critical point a mass must be given). The quartic term stays in the force and the Metropolis test, so
    /// the target is exact whatever m2; m2 only sets how fast the slow modes move. Default step 1 (unit frequency of the
    /// reference modes), tuned during thermalisation.
    /// </summary>
    public static HybridMonteCarlo FourierAcceleratedHoppingForm(LatticeModel model, double? massSquared = null, double trajectoryLength = 1,
        double targetAcceptance = 0.8)
    {
        var action = HoppingAction.Of(model);
        double m2 = massSquared ?? action.QuadraticMassSquared;
        if (!(m2 > 0) || double.IsInfinity(m2))
            throw new ArgumentOutOfRangeException(nameof(massSquared), m2, massSquared is null
                ? $"the quadratic part of {model.Describe()} has mass squared 2a - 2dc = {m2:G6} <= 0: give a reference mass squared > 0"
                : "the reference mass squared must be > 0 and finite");
        return new HybridMonteCarlo(model, action, Preconditioner.Fourier(model.Lattice, action.ReferencePropagator(m2)),
            trajectoryLength, targetAcceptance, 1.0);
    }

    /// <summary>Trajectory length tau = n epsilon (in units where every reference mode of fa-hmc has period 2 pi).</summary>
    public double TrajectoryLength { get; }

    /// <summary>True for P = C.</summary>
    public bool FourierAccelerated => _metric.IsFourier;

    /// <inheritdoc />
    public override string Name => FourierAccelerated ? "fa-hmc" : "hmc";

    /// <inheritdoc />
    public override double? TargetAcceptance { get; }

    /// <summary>Half the leapfrog stability limit 2/omega_max (omega_max = 1 for fa-hmc, sqrt(beta (4d + mu2)) for the Gaussian hmc).</summary>
    public override double DefaultStepSize { get; }

    /// <summary>
    /// Leapfrog steps per trajectory at tuned step size <paramref name="stepSize"/>: n = ceil(tau / epsilon). Rounding
    /// instead let chains whose tuned epsilon straddled tau/(n + 1/2) run trajectories of different lengths (tau_int 1.0
    /// against 1.8 for fa-hmc).
    /// </summary>
    public int LeapfrogSteps(double stepSize) => (int)Math.Clamp(Math.Ceiling(TrajectoryLength / stepSize * (1 - 1e-12)), 1, int.MaxValue);

    /// <summary>The step actually taken, tau / n &lt;= epsilon, so that every trajectory has length exactly tau.</summary>
    public double LeapfrogStep(double stepSize) => TrajectoryLength / LeapfrogSteps(stepSize);

    /// <inheritdoc />
    protected override double SweepCore(ModelChain chain)
    {
        double e = LeapfrogStep(chain.StepSize);
        var x = chain.Configuration;
        double[] start = chain.Scratch(0), p = chain.Scratch(1), force = chain.Scratch(2);
        var velocity = _metric.IsFourier ? chain.Scratch(4) : p; // dx/dt = P p
        x.CopyTo(start, 0);
        chain.Random.FillGaussian(p);
        double kinetic0 = 0;
        foreach (double n in p) kinetic0 += n * n / 2; // p^T P p / 2 = eta^2 / 2 for p = P^(-1/2) eta
        if (_metric.IsFourier) _metric.Apply(Preconditioner.Power.InverseSqrt, p, p, chain);
        double h0 = _action.ForceAndAction(x, force, chain) + kinetic0;
        int steps = LeapfrogSteps(e);
        for (int i = 0; i < p.Length; i++) p[i] += e / 2 * force[i];
        double action = 0;
        for (int step = 0; step < steps; step++)
        {
            if (_metric.IsFourier) _metric.Apply(Preconditioner.Power.One, p, velocity, chain);
            for (int i = 0; i < x.Length; i++) x[i] += e * velocity[i];
            action = _action.ForceAndAction(x, force, chain);
            double kick = step == steps - 1 ? e / 2 : e;
            for (int i = 0; i < p.Length; i++) p[i] += kick * force[i];
        }
        chain.SiteUpdates += (long)steps * Model.Lattice.SiteCount;
        if (_metric.IsFourier) _metric.Apply(Preconditioner.Power.One, p, velocity, chain);
        double kinetic1 = 0;
        for (int i = 0; i < p.Length; i++) kinetic1 += p[i] * velocity[i] / 2;
        double deltaH = action + kinetic1 - h0;
        double probability = deltaH <= 0 ? 1 : Math.Exp(-deltaH);
        if (!(deltaH <= 0 || chain.Random.NextDouble() < probability)) start.CopyTo(x, 0);
        return double.IsNaN(probability) ? 0 : probability;
    }
}
