using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>
/// Everything that changes during one training run on samples, taken at the top of step <see cref="Step"/> (before that
/// step's evaluation and update): the parameters, the optimizer's moments and step count, the state of the run's random
/// stream, the history so far, the lowest validation loss and the stopping threshold. Restoring it continues the run
/// exactly (stateless sample sources only: a Markov chain's state is not part of it).
/// </summary>
public sealed record RunSnapshot(int Step, NetworkParameters Parameters, NetworkParameters[] OptimizerBuffers, long OptimizerSteps,
    ulong[] RandomState, IReadOnlyList<HistoryRow> History, double Lowest, double Threshold);
