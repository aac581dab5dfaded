namespace CritDiff.Diffusion;

/// <summary>
/// A linear forward (noising) process x_t = a(t) x_0 + b(t) z, z ~ N(0, I), t = 0 is data
/// (docs/science.md section 4). In SDE form dx = f x dt + g dW with f = a'/a and g^2 = (b^2)' - 2 f b^2.
/// Per Fourier mode the noised law has variance S(k, t) = a^2 C(k) + b^2 and the exact score is
/// -x / S, i.e. multiplier m*(k, t) = -1/S(k, t). A new schedule is one small subclass.
/// </summary>
public abstract record ForwardProcess
{
    /// <summary>
    /// The name used on the command line and in files, which <see cref="Parse"/> reads back: "vp", "ve", or
    /// "ve-geometric:SIGMA_MIN:SIGMA_MAX" (the noise range is part of the process).
    /// </summary>
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

    /// <summary>
    /// Noise-to-signal ratio sigma(t) = b(t)/a(t), increasing in t: x_t / a = x_0 + sigma z (Karras et al. 2022's sigma;
    /// b(t) itself for VE). The log and Karras reverse grids are spaced in it (<see cref="ReverseGrid"/>).
    /// </summary>
    public double NoiseToSignal(double t) => Math.Sqrt(NoiseVariance(t)) / SignalScale(t);

    /// <summary>The time t at which <see cref="NoiseToSignal"/> equals <paramref name="sigma"/> &gt; 0 (its inverse).</summary>
    public abstract double TimeAtNoiseToSignal(double sigma);

    /// <summary>The reverse grid a sampler uses unless told otherwise: uniform in t (VP, VE b^2 = t), log in sigma (geometric VE).</summary>
    public virtual ReverseGrid DefaultGrid => ReverseGrid.Uniform;

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

    /// <summary>
    /// The process named <paramref name="name"/>: "vp", "ve" (b^2 = t) or "ve-geometric:SIGMA_MIN:SIGMA_MAX"
    /// (<see cref="GeometricVarianceExploding"/>; its <see cref="Name"/>). A bare "ve-geometric" is refused: its noise range
    /// comes from the data, which the caller must supply (<see cref="NoiseRange"/>).
    /// </summary>
    public static ForwardProcess Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string[] parts = name.Trim().ToLowerInvariant().Split(':');
        return parts[0] switch
        {
            "vp" when parts.Length == 1 => new VariancePreserving(),
            "ve" when parts.Length == 1 => new VarianceExploding(),
            GeometricVarianceExploding.Family when parts.Length == 3 => new GeometricVarianceExploding(Real(parts[1], name), Real(parts[2], name)),
            GeometricVarianceExploding.Family => throw new ArgumentException(
                $"schedule '{name}' needs its noise range: {GeometricVarianceExploding.Family}:SIGMA_MIN:SIGMA_MAX", nameof(name)),
            _ => throw new ArgumentException($"unknown schedule '{name}': use vp, ve or {GeometricVarianceExploding.Family}", nameof(name)),
        };
    }

    /// <summary>True for "ve-geometric", with or without its noise range.</summary>
    public static bool IsGeometricName(string name) =>
        name is not null && name.Trim().ToLowerInvariant().Split(':')[0] == GeometricVarianceExploding.Family;

    private static double Real(string text, string name) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double x)
            ? x
            : throw new ArgumentException($"schedule '{name}': '{text}' is not a number", nameof(name));
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

    /// <summary>sigma^2 = e^{2t} - 1, so t = ln(1 + sigma^2) / 2.</summary>
    public override double TimeAtNoiseToSignal(double sigma) => 0.5 * Math.Log(1 + sigma * sigma);

    /// <summary>exp(-2T) chi = tol (1 - exp(-2T)), i.e. T = 0.5 ln(1 + chi/tol) (>= 0.5 ln(chi/tol)).</summary>
    public override double AutoFinalTime(double susceptibility, double tolerance) =>
        0.5 * Math.Log(1 + susceptibility / tolerance);
}

/// <summary>
/// Variance-exploding process (dx = dW): a = 1, b^2 = t, f = 0, g^2 = 1 (the paper's VE, kept under the name "ve"; the
/// practitioners' VE with a noise range is <see cref="GeometricVarianceExploding"/>).
/// </summary>
public sealed record VarianceExploding : ForwardProcess
{
    /// <inheritdoc />
    public override string Name => "ve";

    /// <summary>
    /// Log-spaced in sigma = sqrt(t) (issue 22): with T = 1000 chi (--t-max auto) uniform steps in t put the whole data scale
    /// inside the last step; equal ratios sigma_{i+1}/sigma_i resolve every scale. --grid uniform restores the paper's steps.
    /// </summary>
    public override ReverseGrid DefaultGrid => ReverseGrid.Log;

    /// <inheritdoc />
    public override double SignalScale(double t) => 1;

    /// <inheritdoc />
    public override double NoiseVariance(double t) => t;

    /// <inheritdoc />
    public override double Drift(double t) => 0;

    /// <inheritdoc />
    public override double DiffusionSquared(double t) => 1;

    /// <summary>sigma^2 = t.</summary>
    public override double TimeAtNoiseToSignal(double sigma) => sigma * sigma;

    /// <summary>chi = tol T, i.e. T = chi / tol.</summary>
    public override double AutoFinalTime(double susceptibility, double tolerance) => susceptibility / tolerance;
}
