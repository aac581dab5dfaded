using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Hybrid (Hamiltonian) Monte Carlo with H = S(phi) + p^T P p / 2, momenta p ~ N(0, P^-1), leapfrog with
/// step epsilon (the chain's step size) and n = max(1, ceil(tau / epsilon)) steps of tau / n for trajectory length
/// tau, then a Metropolis test on Delta H. One trajectory = one sweep. "hmc": P = I. "fa-hmc": P = C, the
/// free propagator (mass matrix C^-1): every mode then oscillates with unit frequency, so a fixed
/// trajectory length decorrelates all modes alike and tau_int does not grow with L. epsilon is tuned
/// during thermalisation to the target acceptance (default 0.8).
/// </summary>
public sealed class HybridMonteCarlo : MarkovKernel
{
    private readonly Preconditioner _metric;

    /// <summary>HMC with trajectory length <paramref name="trajectoryLength"/> > 0.</summary>
    public HybridMonteCarlo(GaussianField field, bool fourierAccelerated, double trajectoryLength = 1, double targetAcceptance = 0.8)
        : base(field)
    {
        if (!(trajectoryLength > 0) || double.IsInfinity(trajectoryLength))
            throw new ArgumentOutOfRangeException(nameof(trajectoryLength), trajectoryLength, "trajectory length must be > 0 and finite");
        if (!(targetAcceptance is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(targetAcceptance), targetAcceptance, "target acceptance must be in (0, 1)");
        _metric = fourierAccelerated ? Preconditioner.Fourier(field) : Preconditioner.Identity(field);
        TrajectoryLength = trajectoryLength;
        TargetAcceptance = targetAcceptance;
    }

    /// <summary>Trajectory length tau = n epsilon (in units where the fastest mode of fa-hmc has period 2 pi).</summary>
    public double TrajectoryLength { get; }

    /// <summary>True for P = C.</summary>
    public bool FourierAccelerated => _metric.IsFourier;

    /// <inheritdoc />
    public override string Name => FourierAccelerated ? "fa-hmc" : "hmc";

    /// <inheritdoc />
    public override double? TargetAcceptance { get; }

    /// <summary>Half the leapfrog stability limit 2/omega_max (omega_max = 1 for fa-hmc, sqrt(beta (4d + mu2)) for hmc).</summary>
    public override double DefaultStepSize => FourierAccelerated
        ? 1.0
        : 1 / Math.Sqrt(Field.Beta * (4 * Field.Lattice.Dimension + Field.MassSquared));

    /// <summary>
    /// Leapfrog steps per trajectory at tuned step size <paramref name="stepSize"/>: n = ceil(tau / epsilon). Rounding
    /// instead let chains whose tuned epsilon straddled tau/(n + 1/2) run trajectories of different lengths (tau_int 1.0
    /// against 1.8 for fa-hmc).
    /// </summary>
    public int LeapfrogSteps(double stepSize) => (int)Math.Clamp(Math.Ceiling(TrajectoryLength / stepSize * (1 - 1e-12)), 1, int.MaxValue);

    /// <summary>The step actually taken, tau / n &lt;= epsilon, so that every trajectory has length exactly tau.</summary>
    public double LeapfrogStep(double stepSize) => TrajectoryLength / LeapfrogSteps(stepSize);

    /// <inheritdoc />
    protected override double SweepCore(ChainState state)
    {
        double e = LeapfrogStep(state.StepSize);
        var x = state.Field;
        var start = state.Scratch(0);
        var p = state.Scratch(1);
        var gradient = state.Scratch(2);
        var velocity = state.Scratch(3);
        x.CopyTo(start, 0);
        state.Random.FillGaussian(p);
        double kinetic0 = 0;
        foreach (double n in p) kinetic0 += n * n / 2; // p^T P p / 2 = eta^2 / 2 for p = P^(-1/2) eta
        _metric.Apply(Preconditioner.Power.InverseSqrt, p, p, state);
        double h0 = Stencil.Gradient(Field, x, gradient) + kinetic0;
        int steps = LeapfrogSteps(e);
        for (int i = 0; i < p.Length; i++) p[i] -= e / 2 * gradient[i];
        double action = 0;
        for (int step = 0; step < steps; step++)
        {
            _metric.Apply(Preconditioner.Power.One, p, velocity, state);
            for (int i = 0; i < x.Length; i++) x[i] += e * velocity[i];
            action = Stencil.Gradient(Field, x, gradient);
            double kick = step == steps - 1 ? e / 2 : e;
            for (int i = 0; i < p.Length; i++) p[i] -= kick * gradient[i];
        }
        _metric.Apply(Preconditioner.Power.One, p, velocity, state);
        double kinetic1 = 0;
        for (int i = 0; i < p.Length; i++) kinetic1 += p[i] * velocity[i] / 2;
        double deltaH = action + kinetic1 - h0;
        double probability = deltaH <= 0 ? 1 : Math.Exp(-deltaH);
        if (!(deltaH <= 0 || state.Random.NextDouble() < probability)) start.CopyTo(x, 0);
        return double.IsNaN(probability) ? 0 : probability;
    }
}
