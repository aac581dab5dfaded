namespace CritDiff.MonteCarlo;

/// <summary>
/// How <see cref="EnsembleGenerator"/> collects decorrelated configurations. Chain c uses random stream (Seed, c), so
/// the ensemble is bit-identical for any <see cref="Threads"/>.
/// </summary>
/// <param name="Count">Configurations N to collect, >= 1, split over the chains as evenly as possible (the first N mod C
/// chains take one more).</param>
/// <param name="Thermalization">Sweeps discarded per chain before the pilot run, >= 0 (step size tuned in the first half).</param>
/// <param name="PilotSweeps">Sweeps per chain of the pilot run that measures tau_int, >= 16 (ignored when <see cref="Spacing"/>
/// is given, except that it still runs: its series are reported).</param>
/// <param name="Chains">Independent chains, >= 1, run in parallel.</param>
/// <param name="Seed">Random seed.</param>
/// <param name="Threads">Worker threads over chains, -1 for all cores.</param>
/// <param name="Kernel">Kernel options; only <see cref="KernelOptions.StepSize"/> is read here (a fixed step, no tuning).</param>
/// <param name="Spacing">Sweeps between stored configurations, >= 1; null: max(1, ceil(2 tau_int)) from the pilot run.</param>
public sealed record EnsembleSettings(int Count, int Thermalization, int PilotSweeps, int Chains = 1, ulong Seed = 1,
    int Threads = -1, KernelOptions? Kernel = null, int? Spacing = null)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (Count < 1) throw new ArgumentOutOfRangeException(nameof(Count), Count, "count must be >= 1");
        if (Thermalization < 0) throw new ArgumentOutOfRangeException(nameof(Thermalization), Thermalization, "thermalisation sweeps must be >= 0");
        if (PilotSweeps < 16) throw new ArgumentOutOfRangeException(nameof(PilotSweeps), PilotSweeps, "pilot sweeps must be >= 16 (tau_int needs a series)");
        if (Chains < 1) throw new ArgumentOutOfRangeException(nameof(Chains), Chains, "chains must be >= 1");
        if (Threads != -1 && Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be -1 (all) or >= 1");
        if (Spacing is < 1) throw new ArgumentOutOfRangeException(nameof(Spacing), Spacing, "spacing must be >= 1 sweep");
        if (Kernel?.StepSize is { } step && !(step > 0 && double.IsFinite(step)))
            throw new ArgumentOutOfRangeException(nameof(Kernel), step, "step size must be > 0 and finite");
    }

    /// <summary>Configurations chain <paramref name="chain"/> contributes.</summary>
    public int CountOf(int chain) => Count / Chains + (chain < Count % Chains ? 1 : 0);
}
