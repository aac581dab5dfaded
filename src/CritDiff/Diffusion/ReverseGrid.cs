using System.Globalization;

namespace CritDiff.Diffusion;

/// <summary>
/// How the K + 1 times t_0 = T &gt; t_1 &gt; ... &gt; t_K = t_min of a reverse sampler are spaced (docs/science.md section 11).
/// Spacings are stated in the noise-to-signal ratio sigma(t) = b(t)/a(t) (<see cref="ForwardProcess.NoiseToSignal"/>;
/// b(t) itself for VE) and mapped back to t with <see cref="ForwardProcess.TimeAtNoiseToSignal"/>:
/// <list type="bullet">
/// <item>uniform: t_i = T - i h, h = (T - t_min)/K (the grid every sampler used before issue 22);</item>
/// <item>log: sigma_i = sigma(T) (sigma(t_min)/sigma(T))^(i/K), equal ratios sigma_{i+1}/sigma_i;</item>
/// <item>karras:RHO (Karras et al. 2022, eq. 5, with N = K + 1 levels): sigma_i = (sigma(T)^(1/rho) + (i/K)
/// (sigma(t_min)^(1/rho) - sigma(T)^(1/rho)))^rho, rho = 7 by default: denser near t_min.</item>
/// </list>
/// The end points are exactly T and t_min.
/// </summary>
public sealed record ReverseGrid
{
    /// <summary>Karras et al.'s default rho.</summary>
    public const double DefaultRho = 7;

    private ReverseGrid(string kind, double rho)
    {
        Kind = kind;
        Rho = rho;
    }

    /// <summary>Uniform in t.</summary>
    public static ReverseGrid Uniform { get; } = new("uniform", 0);

    /// <summary>Uniform in ln sigma(t).</summary>
    public static ReverseGrid Log { get; } = new("log", 0);

    /// <summary>Karras et al. 2022 with exponent rho &gt; 0.</summary>
    public static ReverseGrid Karras(double rho = DefaultRho) =>
        rho > 0 && double.IsFinite(rho) ? new("karras", rho) : throw new ArgumentOutOfRangeException(nameof(rho), rho, "rho must be positive and finite");

    /// <summary>"uniform", "log" or "karras".</summary>
    public string Kind { get; }

    /// <summary>The Karras exponent (0 for the other kinds).</summary>
    public double Rho { get; }

    /// <summary>The name <see cref="Parse"/> reads back: uniform, log or karras:RHO.</summary>
    public string Name => Kind == "karras" ? string.Create(CultureInfo.InvariantCulture, $"karras:{Rho:R}") : Kind;

    /// <summary>uniform, log, karras or karras:RHO (case-insensitive).</summary>
    public static ReverseGrid Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().ToLowerInvariant().Split(':');
        return parts switch
        {
            ["uniform"] => Uniform,
            ["log"] => Log,
            ["karras"] => Karras(),
            ["karras", var r] when double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out double rho) && rho > 0 && double.IsFinite(rho) => Karras(rho),
            _ => throw new ArgumentException($"unknown grid '{text}': use uniform, log or karras[:RHO] with RHO > 0", nameof(text)),
        };
    }

    /// <summary>
    /// The K + 1 times t_0 = T &gt; ... &gt; t_K = t_min and the K step sizes h_i = t_i - t_{i+1} (on the uniform grid
    /// every h_i is (T - t_min)/K exactly, so the numbers of the uniform samplers are unchanged).
    /// </summary>
    public (double[] Times, double[] Steps) Build(ForwardProcess process, int steps, double finalTime, double minTime)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps K must be >= 1");
        ForwardProcess.CheckTime(minTime);
        if (!(finalTime > minTime) || double.IsInfinity(finalTime))
            throw new ArgumentOutOfRangeException(nameof(finalTime), finalTime, "the final time T must exceed t_min");
        var times = new double[steps + 1];
        var sizes = new double[steps];
        if (Kind == "uniform")
        {
            double h = (finalTime - minTime) / steps;
            for (int i = 0; i < steps; i++) (times[i], sizes[i]) = (finalTime - i * h, h);
            times[steps] = minTime;
            return (times, sizes);
        }
        double top = process.NoiseToSignal(finalTime), bottom = process.NoiseToSignal(minTime);
        times[0] = finalTime;
        times[steps] = minTime;
        for (int i = 1; i < steps; i++)
        {
            double u = (double)i / steps;
            double sigma = Kind == "log"
                ? top * Math.Exp(u * Math.Log(bottom / top))
                : Math.Pow(Math.Pow(top, 1 / Rho) + u * (Math.Pow(bottom, 1 / Rho) - Math.Pow(top, 1 / Rho)), Rho);
            times[i] = process.TimeAtNoiseToSignal(sigma);
        }
        for (int i = 0; i < steps; i++)
        {
            sizes[i] = times[i] - times[i + 1];
            if (!(sizes[i] > 0))
                throw new ArgumentOutOfRangeException(nameof(steps), steps, $"the {Name} grid of {steps} steps on [{minTime:G6}, {finalTime:G6}] is not strictly decreasing: fewer steps or a wider range");
        }
        return (times, sizes);
    }
}
