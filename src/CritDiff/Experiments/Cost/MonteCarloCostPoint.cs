using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// The measured cost of one Monte Carlo kernel at one L on critical phi^4.
/// </summary>
/// <param name="Algorithm">Kernel name.</param>
/// <param name="Length">Linear size L.</param>
/// <param name="TauMagnetisationSquared">tau_int of M^2 in sweeps (mean over chains, error sqrt(sum err^2) / chains).</param>
/// <param name="TauAbsMagnetisation">tau_int of |M|.</param>
/// <param name="TauEnergy">tau_int of the energy per bond e.</param>
/// <param name="Slowest">Which of "M^2", "|M|", "E" has the largest tau_int: the one the cost uses.</param>
/// <param name="Tau">tau_int of <paramref name="Slowest"/>.</param>
/// <param name="SecondsPerSweep">Median seconds of one sweep on one thread over the timed repeats (HMC: one trajectory), by
/// <see cref="Clock"/>.</param>
/// <param name="RepeatSecondsPerSweep">Seconds per sweep of each timed repeat, by <see cref="Clock"/>.</param>
/// <param name="Cost">2 tau_int x seconds per sweep, error from tau_int only (<see cref="CostCombination.MonteCarlo"/>).</param>
/// <param name="Acceptance">Mean acceptance (HMC: of the trajectory; Wolff: of its Metropolis part).</param>
/// <param name="StepSize">Tuned step size (HMC leapfrog step; Metropolis half-width).</param>
/// <param name="Sweeps">Measured sweeps per chain.</param>
/// <param name="Chains">Chains.</param>
/// <param name="Warnings">The chains' own warnings (<see cref="MonteCarlo.ModelMcmcResult.Warnings"/>).</param>
public sealed record MonteCarloCostPoint(string Algorithm, int Length, Stats TauMagnetisationSquared, Stats TauAbsMagnetisation, Stats TauEnergy,
    string Slowest, Stats Tau, double SecondsPerSweep, IReadOnlyList<double> RepeatSecondsPerSweep, Stats Cost, double Acceptance, double StepSize,
    int Sweeps, int Chains, IReadOnlyList<string> Warnings)
{
    /// <summary><see cref="Clock"/> of a point timed by the thread's CPU time.</summary>
    public const string ThreadCpuClock = "thread-cpu";

    /// <summary><see cref="Clock"/> of a point timed by wall time.</summary>
    public const string WallClock = "wall";

    /// <summary>Median wall seconds per sweep of the same repeats (equal to <see cref="SecondsPerSweep"/> on a quiet machine).</summary>
    public double WallSecondsPerSweep { get; init; } = double.NaN;

    /// <summary>Which clock <see cref="SecondsPerSweep"/> reads: <see cref="ThreadCpuClock"/> or <see cref="WallClock"/>.</summary>
    public string Clock { get; init; } = WallClock;

    /// <summary>Measured sweeps over all chains in units of tau_int: how long the run was.</summary>
    public double RunOverTau => (double)Sweeps * Chains / Tau.Mean;
}
