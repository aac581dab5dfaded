using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// The arithmetic of the cost study, in one place. A Markov chain yields one independent configuration every 2 tau_int
/// sweeps (tau_int = 1/2 + sum_t rho(t)), so its cost per independent configuration is 2 tau_int x seconds per sweep. A
/// diffusion model trained in T seconds and serving S samples at g seconds each costs (T / S + g) seconds per sample
/// (amortised; g alone "training-free"); per independent configuration that is divided by ESS/N when the samples are
/// importance-weighted, or multiplied by 2 tau_int of the independence-Metropolis chain when they are accepted or rejected.
/// </summary>
public static class CostCombination
{
    /// <summary>2 tau_int x <paramref name="secondsPerSweep"/>, its error 2 tau_err x seconds per sweep (the timing's spread is reported apart).</summary>
    public static Stats MonteCarlo(Stats tau, double secondsPerSweep) =>
        new(2 * tau.Mean * secondsPerSweep, 2 * tau.Error * secondsPerSweep, tau.Mean);

    /// <summary>Seconds per sample: T / S + g (<paramref name="amortised"/>) or g alone.</summary>
    public static double SecondsPerSample(DiffusionCostInput input, double servedSamples, bool amortised)
    {
        ArgumentNullException.ThrowIfNull(input);
        return (amortised ? input.TrainingSeconds / servedSamples : 0) + input.GenerationSecondsPerSample;
    }

    /// <summary>
    /// The cost per independent configuration of one trained model and whether it is measured (at least
    /// <paramref name="minEffective"/> effective samples: ESS = (ESS/N) N, or N / (2 tau_int) for the IMH chain). When it is not,
    /// the value is a lower bound: fewer than minEffective effective samples means ESS/N &lt; minEffective / N (or 2 tau_int &gt; N /
    /// minEffective), so the cost exceeds seconds per sample x N / minEffective. Null when the input lacks the measurement.
    /// </summary>
    public static (double Cost, bool Measured)? PerIndependent(DiffusionCostInput input, DiffusionCostKind kind, double servedSamples, double minEffective)
    {
        ArgumentNullException.ThrowIfNull(input);
        double perSample = SecondsPerSample(input, servedSamples, kind.Amortised);
        double? factor = kind.Imh
            ? input.ImhTauInt is { } tau ? 2 * tau : null
            : input.EssFraction is { } ess ? 1 / ess : null;
        if (factor is not { } f) return null;
        double effective = input.Samples / f;
        return effective >= minEffective ? (perSample * f, true) : (perSample * input.Samples / minEffective, false);
    }

    /// <summary>Mean and standard error sd / sqrt(n) of the finite <paramref name="values"/> (error NaN for a single value).</summary>
    public static Stats MeanAndError(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("need at least one value", nameof(values));
        var mean = ReplicaMean.Of(values);
        return new Stats(mean.MeanOrNaN, mean.Error ?? double.NaN);
    }

    /// <summary>
    /// The power law cost = A L^p fitted by <see cref="ScalingFit"/> (weighted least squares in ln cost, errors err / cost) over
    /// the points with a finite positive value; errors are used only when every one is finite and positive. Null with fewer than 2 points.
    /// </summary>
    public static ScalingFit? Fit(IReadOnlyList<(int Length, Stats Cost)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var p = points.Where(x => double.IsFinite(x.Cost.Mean) && x.Cost.Mean > 0).OrderBy(x => x.Length).ToArray();
        if (p.Select(x => x.Length).Distinct().Count() < 2) return null;
        bool weighted = p.All(x => double.IsFinite(x.Cost.Error) && x.Cost.Error > 0);
        return ScalingFit.Of(p.Select(x => (double)x.Length).ToArray(), p.Select(x => x.Cost.Mean).ToArray(),
            weighted ? p.Select(x => x.Cost.Error).ToArray() : null);
    }
}

