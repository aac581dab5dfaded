using System.Globalization;

namespace CritDiff.Diffusion;

/// <summary>
/// The variance-exploding process with a noise range, as practitioners train it (score_sde's VESDE, Song et al. 2021;
/// Song and Ermon 2020): a = 1, b(t) = sigma(t) = sigma_min (sigma_max / sigma_min)^t on t in (0, 1], so sigma(1) =
/// sigma_max; f = 0 and g^2 = d sigma^2 / dt = 2 sigma^2 ln(sigma_max / sigma_min). Noise levels are geometric: equal
/// steps in t are equal ratios of sigma. sigma is the noise standard deviation per site and component, in field units.
/// As in score_sde, b(0) = sigma_min, not 0: the law at t_min is the data blurred by about sigma_min.
/// Its default reverse grid is log-spaced in sigma (<see cref="ReverseGrid.Log"/>), uniform in t here.
/// </summary>
public sealed record GeometricVarianceExploding : ForwardProcess
{
    /// <summary>The schedule's name without its range ("ve-geometric").</summary>
    public const string Family = "ve-geometric";

    /// <summary>Creates the process; 0 &lt; sigma_min &lt; sigma_max, both finite.</summary>
    public GeometricVarianceExploding(double sigmaMin, double sigmaMax)
    {
        if (!(sigmaMin > 0) || !double.IsFinite(sigmaMin))
            throw new ArgumentOutOfRangeException(nameof(sigmaMin), sigmaMin, "sigma_min must be positive and finite");
        if (!(sigmaMax > sigmaMin) || !double.IsFinite(sigmaMax))
            throw new ArgumentOutOfRangeException(nameof(sigmaMax), sigmaMax, $"sigma_max must be finite and larger than sigma_min = {sigmaMin.ToString("G6", CultureInfo.InvariantCulture)}");
        SigmaMin = sigmaMin;
        SigmaMax = sigmaMax;
        LogRatio = Math.Log(sigmaMax / sigmaMin);
    }

    /// <summary>sigma(0) = sigma_min, field units per site.</summary>
    public double SigmaMin { get; }

    /// <summary>sigma(1) = sigma_max, field units per site.</summary>
    public double SigmaMax { get; }

    /// <summary>ln(sigma_max / sigma_min).</summary>
    public double LogRatio { get; }

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"{Family}:{SigmaMin:R}:{SigmaMax:R}");

    /// <summary>sigma(t) = sigma_min (sigma_max / sigma_min)^t.</summary>
    public double Sigma(double t) => SigmaMin * Math.Exp(t * LogRatio);

    /// <inheritdoc />
    public override double SignalScale(double t) => 1;

    /// <inheritdoc />
    public override double NoiseVariance(double t)
    {
        double sigma = Sigma(t);
        return sigma * sigma;
    }

    /// <inheritdoc />
    public override double Drift(double t) => 0;

    /// <summary>g^2 = d sigma^2 / dt = 2 sigma(t)^2 ln(sigma_max / sigma_min).</summary>
    public override double DiffusionSquared(double t) => 2 * NoiseVariance(t) * LogRatio;

    /// <summary>t = ln(sigma / sigma_min) / ln(sigma_max / sigma_min).</summary>
    public override double TimeAtNoiseToSignal(double sigma) => Math.Log(sigma / SigmaMin) / LogRatio;

    /// <summary>
    /// T = 1, where sigma = sigma_max: the noise range is already chosen against the data (sigma_max^2 &gt;= chi V by
    /// default, <see cref="NoiseRange"/>), so the chi / tolerance rule of the other processes is not applied.
    /// </summary>
    public override double AutoFinalTime(double susceptibility, double tolerance) => 1;

    /// <inheritdoc />
    public override ReverseGrid DefaultGrid => ReverseGrid.Log;
}
