namespace CritDiff.Experiments;

/// <summary>
/// A piece of a stability scan that starts or ends: the search for the largest stable rate (<see cref="SearchPhase"/>)
/// or the training-time run below it (<see cref="TrainingPhase"/>) of one (L, seed) pair. A scan has
/// <see cref="StabilityScan.StepCount"/> of them, so a progress display counts from the first search on.
/// </summary>
/// <param name="Length">Lattice size L.</param>
/// <param name="Seed">Seed index (0 when training is deterministic and one seed is used).</param>
/// <param name="Phase"><see cref="SearchPhase"/> or <see cref="TrainingPhase"/>.</param>
/// <param name="Done">False when it starts, true when it has finished.</param>
/// <param name="Reused">True when it ended by reading its result from an interrupted earlier run of the same scan.</param>
public readonly record struct StabilityStep(int Length, int Seed, string Phase, bool Done, bool Reused = false)
{
    /// <summary>The bracketing and bisection of the largest stable rate.</summary>
    public const string SearchPhase = "rate search";

    /// <summary>The training-time run at fraction x safe rate.</summary>
    public const string TrainingPhase = "training";
}
