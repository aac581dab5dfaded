using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Hybrid Monte Carlo for unconstrained n-component fields in hopping form (<see cref="Phi4Model"/>,
/// <see cref="GaussianField"/>): H = S(phi) + |p|^2 / 2 with p ~ N(0, 1) per component, leapfrog with step epsilon
/// (the chain's step size, tuned to the target acceptance, default 0.8) and max(1, ceil(tau / epsilon)) steps of tau / n for
/// trajectory length tau, force -dS/dphi = c h_x - (2 a + 4 lambda (|phi_x|^2 - 1)) phi_x (the model's
/// <see cref="LatticeModel.Force"/>, evaluated allocation-free by <see cref="HoppingAction"/>), then a Metropolis test on
/// Delta H. One trajectory = one sweep; it counts V site updates per leapfrog step.
/// </summary>
public sealed class FieldHybridMonteCarlo : ModelKernel
{
    private readonly HoppingAction _action;

    /// <summary>HMC for a phi^4 or Gaussian <paramref name="model"/> with trajectory length tau > 0.</summary>
    public FieldHybridMonteCarlo(LatticeModel model, double trajectoryLength = 1, double targetAcceptance = 0.8) : base(model)
    {
        if (!(trajectoryLength > 0) || double.IsInfinity(trajectoryLength))
            throw new ArgumentOutOfRangeException(nameof(trajectoryLength), trajectoryLength, "trajectory length must be > 0 and finite");
        if (!(targetAcceptance is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(targetAcceptance), targetAcceptance, "target acceptance must be in (0, 1)");
        _action = HoppingAction.Of(model);
        TrajectoryLength = trajectoryLength;
        TargetAcceptance = targetAcceptance;
    }

    /// <summary>Trajectory length tau = steps x epsilon.</summary>
    public double TrajectoryLength { get; }

    /// <inheritdoc/>
    public override string Name => "hmc";

    /// <inheritdoc/>
    public override double? TargetAcceptance { get; }

    /// <summary>
    /// Half the leapfrog stability limit 2/omega_max, omega_max^2 ~ 2a + 2d c + 8 lambda (the largest curvature of S
    /// near |phi|^2 ~ 1; exact for the Gaussian field, beta (4d + mu2)).
    /// </summary>
    public override double DefaultStepSize =>
        1 / Math.Sqrt(2 * _action.Quadratic + 2 * _action.Lattice.Dimension * _action.Hopping + 8 * _action.Quartic);

    /// <summary>Leapfrog steps per trajectory at tuned step size <paramref name="stepSize"/>: n = ceil(tau / epsilon), as in <see cref="HybridMonteCarlo"/>.</summary>
    public int LeapfrogSteps(double stepSize) => (int)Math.Clamp(Math.Ceiling(TrajectoryLength / stepSize * (1 - 1e-12)), 1, int.MaxValue);

    /// <summary>The step actually taken, tau / n &lt;= epsilon, so that every trajectory has length exactly tau.</summary>
    public double LeapfrogStep(double stepSize) => TrajectoryLength / LeapfrogSteps(stepSize);

    /// <inheritdoc/>
    protected override double SweepCore(ModelChain chain)
    {
        double e = LeapfrogStep(chain.StepSize);
        var x = chain.Configuration;
        double[] start = chain.Scratch(0), p = chain.Scratch(1), force = chain.Scratch(2);
        var squares = chain.Scratch(3).AsSpan(0, _action.Lattice.SiteCount);
        x.CopyTo(start, 0);
        chain.Random.FillGaussian(p);
        double h0 = _action.ForceAndAction(x, force, squares) + Kinetic(p);
        int steps = LeapfrogSteps(e);
        double action = 0;
        for (int i = 0; i < p.Length; i++) p[i] += e / 2 * force[i];
        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < x.Length; i++) x[i] += e * p[i];
            action = _action.ForceAndAction(x, force, squares);
            double kick = step == steps - 1 ? e / 2 : e;
            for (int i = 0; i < p.Length; i++) p[i] += kick * force[i];
        }
        chain.SiteUpdates += (long)steps * _action.Lattice.SiteCount;
        double deltaH = action + Kinetic(p) - h0;
        double probability = deltaH <= 0 ? 1 : Math.Exp(-deltaH);
        if (!(deltaH <= 0 || chain.Random.NextDouble() < probability)) start.CopyTo(x, 0);
        return double.IsNaN(probability) ? 0 : probability;
    }

    private static double Kinetic(ReadOnlySpan<double> p)
    {
        double sum = 0;
        foreach (double q in p) sum += q * q;
        return sum / 2;
    }
}
