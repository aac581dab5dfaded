using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Langevin kernels with step epsilon and preconditioner P (identity, or P = C for Fourier acceleration):
/// phi' = phi - (epsilon^2 / 2) P grad S(phi) + epsilon P^(1/2) eta, eta white noise. One step = one sweep.
/// <list type="bullet">
/// <item>"langevin": unadjusted, P = I. Its stationary law is biased: per mode with precision
/// lambda = beta (khat2 + mu2), variance 1/(lambda (1 - epsilon^2 lambda / 4)); stable for
/// epsilon^2 &lt; 4/(beta (4d + mu2)). Default epsilon^2 = 0.2/(beta (4d + mu2)), a 5% bias at the top mode.</item>
/// <item>"mala": Metropolis-adjusted, P = I, exact; epsilon tuned to acceptance 0.574.</item>
/// <item>"fa-langevin": unadjusted, P = C. Since C grad S = phi, phi' = (1 - epsilon^2/2) phi + epsilon C^(1/2) eta:
/// every mode relaxes at the same rate and the stationary variance is C(k)/(1 - epsilon^2/4) for all k.
/// Default epsilon^2 = 0.1 (2.6% bias).</item>
/// </list>
/// </summary>
public sealed class Langevin : ModelKernel
{
    private readonly Preconditioner _metric;

    /// <summary>A Langevin kernel; <paramref name="adjusted"/> adds the Metropolis test, <paramref name="fourierAccelerated"/> sets P = C.</summary>
    public Langevin(GaussianField field, bool adjusted, bool fourierAccelerated, double targetAcceptance = 0.574) : base(field)
    {
        if (!(targetAcceptance is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(targetAcceptance), targetAcceptance, "target acceptance must be in (0, 1)");
        Field = field;
        Adjusted = adjusted;
        _metric = fourierAccelerated ? Preconditioner.Fourier(field) : Preconditioner.Identity;
        TargetAcceptance = adjusted ? targetAcceptance : null;
    }

    /// <summary>The target field.</summary>
    public GaussianField Field { get; }

    /// <summary>True for MALA (Metropolis test after each step).</summary>
    public bool Adjusted { get; }

    /// <summary>True for P = C.</summary>
    public bool FourierAccelerated => _metric.IsFourier;

    /// <inheritdoc />
    public override string Name => (FourierAccelerated ? "fa-" : "") + (Adjusted ? "mala" : "langevin");

    /// <inheritdoc />
    public override double? TargetAcceptance { get; }

    /// <inheritdoc />
    public override double DefaultStepSize => FourierAccelerated
        ? Math.Sqrt(0.1)
        : Math.Sqrt(0.2 / (Field.Beta * (4 * Field.Lattice.Dimension + Field.MassSquared)));

    /// <inheritdoc />
    public override double[] StationarySpectrum(double stepSize)
    {
        var c = Field.SpectrumTable();
        if (Adjusted) return c;
        double e2 = stepSize * stepSize;
        for (int k = 0; k < c.Length; k++)
        {
            double factor = 1 - e2 * (FourierAccelerated ? 1 : 1 / c[k]) / 4;
            c[k] = factor > 0 ? c[k] / factor : double.PositiveInfinity;
        }
        return c;
    }

    /// <inheritdoc />
    protected override double SweepCore(ModelChain chain)
    {
        double e = chain.StepSize, half = e * e / 2;
        var x = chain.Configuration;
        chain.SiteUpdates += x.Length;
        var gradient = chain.Scratch(0);
        var drift = chain.Scratch(1);
        var noise = chain.Scratch(2);
        double action = Stencil.Gradient(Field, x, gradient);
        _metric.Apply(Preconditioner.Power.One, gradient, drift, chain);
        chain.Random.FillGaussian(noise);
        double forward = 0;
        foreach (double n in noise) forward += n * n;
        _metric.Apply(Preconditioner.Power.Sqrt, noise, noise, chain);
        if (!Adjusted)
        {
            for (int i = 0; i < x.Length; i++) x[i] += -half * drift[i] + e * noise[i];
            return 1;
        }
        var proposal = chain.Scratch(3);
        for (int i = 0; i < x.Length; i++) proposal[i] = x[i] - half * drift[i] + e * noise[i];
        var proposalGradient = chain.Scratch(4);
        double proposalAction = Stencil.Gradient(Field, proposal, proposalGradient);
        // Reverse move: r = x - y + (eps^2/2) P grad S(y); log q(x|y) = -r^T P^-1 r / (2 eps^2).
        _metric.Apply(Preconditioner.Power.One, proposalGradient, drift, chain);
        for (int i = 0; i < x.Length; i++) drift[i] = x[i] - proposal[i] + half * drift[i];
        _metric.Apply(Preconditioner.Power.InverseSqrt, drift, drift, chain);
        double reverse = 0;
        foreach (double r in drift) reverse += r * r;
        double logRatio = action - proposalAction - reverse / (2 * e * e) + forward / 2;
        double probability = logRatio >= 0 ? 1 : Math.Exp(logRatio);
        if (logRatio >= 0 || chain.Random.NextDouble() < probability) proposal.CopyTo(x.AsSpan());
        return double.IsNaN(probability) ? 0 : probability;
    }
}
