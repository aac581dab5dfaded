namespace CritDiff.Experiments;

/// <summary>
/// The cost study (issue 23): cost per independent configuration of critical 2D phi^4 for Monte Carlo kernels, measured
/// here, and for the diffusion sampler from the inputs of another study (<see cref="DiffusionCostInput"/>).
/// Convention: a configuration counts as independent every 2 tau_int sweeps (tau_int = 1/2 + sum_t rho(t), Sokal's window,
/// <see cref="Statistics.Autocorrelation"/>), so the cost per independent configuration is 2 tau_int x seconds per sweep.
/// </summary>
/// <param name="Kappa">phi^4 hopping parameter (default: the critical kappa at lambda = 1, <see cref="NonlinearSpec.CriticalKappaAtLambdaOne"/>).</param>
/// <param name="Lambda">phi^4 quartic coupling.</param>
/// <param name="Algorithms">The Monte Carlo kernels and their sizes.</param>
/// <param name="Chains">Independent chains per (kernel, L), >= 2, so that tau_int has an error from the chains as well.</param>
/// <param name="TimingRepeats">Timed repeats of the sweep cost per (kernel, L), >= 1; the median is used.</param>
/// <param name="TimingSeconds">Seconds each timed repeat runs at least on its clock (the thread's CPU time where the system reports
/// it, else wall time; sweeps are added in doubling batches until it has), > 0.</param>
/// <param name="ServedSamples">S_served: samples a trained diffusion model serves, over which its training time is amortised, >= 1.</param>
/// <param name="MinEffectiveSamples">Effective samples below which a diffusion cost is "not measured" (ESS or N / (2 tau_int(IMH))).</param>
/// <param name="Seed">Random seed; chain c of (kernel k, size i) uses stream (seed + 1000 k + i, c).</param>
public sealed record CostSpec(double Kappa, double Lambda, IReadOnlyList<CostAlgorithm> Algorithms, int Chains, int TimingRepeats,
    double TimingSeconds, double ServedSamples, double MinEffectiveSamples, ulong Seed)
{
    /// <summary>S_served of the reproduce plan: 10^5 samples.</summary>
    public const double DefaultServedSamples = 1e5;

    /// <summary>The threshold: fewer than 30 effective samples is "not measured".</summary>
    public const double DefaultMinEffectiveSamples = 30;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (!(Kappa > 0) || !(Lambda > 0)) throw new ArgumentOutOfRangeException(nameof(Kappa), "kappa and lambda must be > 0");
        if (Algorithms is null || Algorithms.Count == 0) throw new ArgumentException("need at least one Monte Carlo algorithm", nameof(Algorithms));
        foreach (var a in Algorithms)
        {
            if (a.Sizes.Count < 2) throw new ArgumentException($"{a.Name}: need at least 2 sizes to fit the growth (got {a.Sizes.Count})", nameof(Algorithms));
            if (a.Sweeps.Count != a.Sizes.Count) throw new ArgumentException($"{a.Name}: one sweep count per size ({a.Sizes.Count}), got {a.Sweeps.Count}", nameof(Algorithms));
            if (a.Sizes.Any(l => l < 4 || l % 2 != 0)) throw new ArgumentException($"{a.Name}: sizes must be even and >= 4", nameof(Algorithms));
            if (a.Sweeps.Any(s => s < 64)) throw new ArgumentException($"{a.Name}: sweeps must be >= 64", nameof(Algorithms));
        }
        if (Chains < 2) throw new ArgumentOutOfRangeException(nameof(Chains), Chains, "need at least 2 chains");
        if (TimingRepeats < 1) throw new ArgumentOutOfRangeException(nameof(TimingRepeats), TimingRepeats, "timing repeats must be >= 1");
        if (!(TimingSeconds > 0) || double.IsInfinity(TimingSeconds)) throw new ArgumentOutOfRangeException(nameof(TimingSeconds), TimingSeconds, "timing seconds must be > 0");
        if (!(ServedSamples >= 1) || double.IsInfinity(ServedSamples)) throw new ArgumentOutOfRangeException(nameof(ServedSamples), ServedSamples, "served samples must be >= 1");
        if (!(MinEffectiveSamples > 0)) throw new ArgumentOutOfRangeException(nameof(MinEffectiveSamples), MinEffectiveSamples, "minimum effective samples must be > 0");
    }
}
