namespace CritDiff.Diffusion;

/// <summary>
/// A linear forward (noising) process x_t = a(t) x_0 + b(t) z, z ~ N(0, I), t = 0 is data
/// (docs/science.md section 4). In SDE form dx = f x dt + g dW with f = a'/a and g^2 = (b^2)' - 2 f b^2.
/// Per Fourier mode the noised law has variance S(k, t) = a^2 C(k) + b^2 and the exact score is
/// -x / S, i.e. multiplier m*(k, t) = -1/S(k, t). A new schedule is one small subclass.
/// </summary>
public abstract record ForwardProcess
{
    /// <summary>Short name used on the command line and in files ("vp", "ve").</summary>
    public abstract string Name { get; }

    /// <summary>Signal scale a(t).</summary>
    public abstract double SignalScale(double t);

    /// <summary>Noise variance b(t)^2.</summary>
    public abstract double NoiseVariance(double t);

    /// <summary>Drift coefficient f(t) = a'(t)/a(t).</summary>
    public abstract double Drift(double t);

    /// <summary>Squared diffusion coefficient g(t)^2 = (b^2)' - 2 f b^2.</summary>
    public abstract double DiffusionSquared(double t);

    /// <summary>
    /// Final time T at which the signal is negligible: a(T)^2 chi = tolerance b(T)^2
    /// (largest data variance chi, relative tolerance e.g. 1e-3).
    /// </summary>
    public abstract double AutoFinalTime(double susceptibility, double tolerance);

    /// <summary>Noised spectrum S(k, t) = a(t)^2 C(k) + b(t)^2 for one mode.</summary>
    public double NoisedSpectrum(double spectrum, double t)
    {
        double a = SignalScale(t);
        return a * a * spectrum + NoiseVariance(t);
    }

    /// <summary>S(k, t) for every mode of a spectrum table.</summary>
    public double[] NoisedSpectrumTable(ReadOnlySpan<double> spectrum, double t)
    {
        CheckTime(t);
        var result = new double[spectrum.Length];
        for (int k = 0; k < result.Length; k++) result[k] = NoisedSpectrum(spectrum[k], t);
        return result;
    }

    /// <summary>Exact score multiplier m*(k, t) = -1 / S(k, t).</summary>
    public double ExactScoreMultiplier(double spectrum, double t) => -1 / NoisedSpectrum(spectrum, t);

    /// <summary>Throws unless t is finite and positive (the score is singular at t = 0).</summary>
    public static void CheckTime(double t)
    {
        if (!(t > 0) || double.IsInfinity(t))
            throw new ArgumentOutOfRangeException(nameof(t), t, "diffusion time t must be positive and finite");
    }

    /// <summary>The process named <paramref name="name"/>: "vp" or "ve".</summary>
    public static ForwardProcess Parse(string name) => name.ToLowerInvariant() switch
    {
        "vp" => new VariancePreserving(),
        "ve" => new VarianceExploding(),
        _ => throw new ArgumentException($"unknown schedule '{name}': use vp or ve", nameof(name)),
    };
}

/// <summary>
/// Variance-preserving process (Ornstein-Uhlenbeck, dx = -x dt + sqrt(2) dW):
/// a = exp(-t), b^2 = 1 - exp(-2t), f = -1, g^2 = 2.
/// </summary>
public sealed record VariancePreserving : ForwardProcess
{
    /// <inheritdoc />
    public override string Name => "vp";

    /// <inheritdoc />
    public override double SignalScale(double t) => Math.Exp(-t);

    /// <inheritdoc />
    public override double NoiseVariance(double t) => -Statistics.ExpMinusOne.Of(-2 * t);

    /// <inheritdoc />
    public override double Drift(double t) => -1;

    /// <inheritdoc />
    public override double DiffusionSquared(double t) => 2;

    /// <summary>exp(-2T) chi = tol (1 - exp(-2T)), i.e. T = 0.5 ln(1 + chi/tol) (>= 0.5 ln(chi/tol)).</summary>
    public override double AutoFinalTime(double susceptibility, double tolerance) =>
        0.5 * Math.Log(1 + susceptibility / tolerance);
}

/// <summary>Variance-exploding process (dx = dW): a = 1, b^2 = t, f = 0, g^2 = 1.</summary>
public sealed record VarianceExploding : ForwardProcess
{
    /// <inheritdoc />
    public override string Name => "ve";

    /// <inheritdoc />
    public override double SignalScale(double t) => 1;

    /// <inheritdoc />
    public override double NoiseVariance(double t) => t;

    /// <inheritdoc />
    public override double Drift(double t) => 0;

    /// <inheritdoc />
    public override double DiffusionSquared(double t) => 1;

    /// <summary>chi = tol T, i.e. T = chi / tol.</summary>
    public override double AutoFinalTime(double susceptibility, double tolerance) => susceptibility / tolerance;
}
