using System.Diagnostics;
using CritDiff.Diffusion;
using CritDiff.Generation;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>A network trained along a ladder: its score at every rung, the wall time to the largest rung and of the whole ladder.</summary>
internal sealed record LadderTraining(IReadOnlyList<TimeScore> Scores, double Seconds, double LadderSeconds, bool Diverged);

/// <summary>
/// Training along the quality study's ladder. A per-slice network is trained once per slice to the largest rung (Adam at a fixed
/// rate, no stopping rule) and its parameters are taken at every rung from the run's snapshots (a run to budget B is the first B
/// steps of a longer run: the rate is constant and the streams depend on the step only). A time-conditioned network is trained
/// by <see cref="ConditionedTrainer"/> (VP, t uniform in [t_min, T], EMA 0.99, sampled with the averaged weights), one run per
/// rung from the same start and seed, since its trainer keeps no snapshots.
/// </summary>
internal static class QualityTraining
{
    /// <summary>Validation configurations per slice (they also set the start's S_max estimate).</summary>
    public const int ValidationSize = 64;

    public static LadderTraining Sliced(QualitySpec spec, ScoreModelSpec network, SampleSource source, ForwardProcess process, double finalTime,
        ulong seed, CancellationToken cancellation)
    {
        var ladder = spec.Ladder;
        var grid = TimeGrid.LogSpaced(spec.Slices, spec.MinTime, finalTime);
        var model = network.Create(source.Lattice, source.Components, 1);
        var config = new SampleTrainingConfig
        {
            Optimizer = new Adam(), LearningRate = spec.LearningRate, BatchSize = spec.BatchSize, MaxSteps = ladder[^1],
            EvalInterval = ladder[^1], ValidationSize = ValidationSize, Seed = seed,
        };
        var parameters = new NetworkParameters[ladder.Count][];
        for (int k = 0; k < ladder.Count; k++) parameters[k] = new NetworkParameters[grid.Count];
        bool diverged = false;
        var clock = Stopwatch.StartNew();
        for (int j = 0; j < grid.Count; j++)
        {
            var store = new RungStore(ladder);
            var slice = SampleTrainer.TrainSlice(model.Replica(), source, process, grid.Times[j], config, j, new FixedBudgetRule(), cancellation, null, store);
            diverged |= slice.Diverged || !slice.Parameters.IsFinite();
            for (int k = 0; k < ladder.Count; k++)
                parameters[k][j] = k < ladder.Count - 1 && store.Kept.TryGetValue(ladder[k], out var kept) ? kept : slice.Parameters;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var scores = parameters.Select(p => (TimeScore)TimeScore.Sliced(model, grid.Times, p, interpolate: true)).ToArray();
        return new LadderTraining(scores, seconds, seconds, diverged);
    }

    public static LadderTraining Conditioned(QualitySpec spec, ScoreModelSpec network, SampleSource source, ForwardProcess process, double finalTime,
        ulong seed, CancellationToken cancellation)
    {
        var scores = new List<TimeScore>();
        double total = 0, last = 0;
        bool diverged = false;
        foreach (int steps in spec.ConditionedLadder)
        {
            var model = (TimeConditionedModel)network.Create(source.Lattice, source.Components, 1);
            var config = new ConditionedTrainingConfig
            {
                LearningRate = spec.ConditionedLearningRate, BatchSize = spec.BatchSize, Steps = steps, EmaDecay = 0.99, TimeMin = spec.MinTime,
                TimeMax = finalTime, EvalInterval = steps, ValidationSize = ValidationSize, Seed = seed,
            };
            var result = ConditionedTrainer.Train(model, source, process, config, 1, null, cancellation);
            diverged |= result.Diverged;
            total += result.WallSeconds;
            last = result.WallSeconds;
            scores.Add(new ConditionedScore(model, result.EmaParameters, process));
        }
        return new LadderTraining(scores, last, total, diverged);
    }

    /// <summary>Keeps the parameters of a run at the ladder's rungs (a snapshot before every step; nothing is resumed).</summary>
    private sealed class RungStore(IReadOnlyList<int> ladder) : ISliceProgressStore
    {
        public Dictionary<int, NetworkParameters> Kept { get; } = [];

        public TimeSpan SnapshotInterval => TimeSpan.Zero;

        public (double Lowest, bool Diverged)? FindReference(int slice, int run) => null;

        public void KeepReference(int slice, int run, (double Lowest, bool Diverged) outcome)
        {
        }

        public RunSnapshot? FindSnapshot(int slice, string run) => null;

        public void KeepSnapshot(int slice, string run, RunSnapshot snapshot)
        {
            if (run == "training" && ladder.Contains(snapshot.Step)) Kept[snapshot.Step] = snapshot.Parameters;
        }
    }
}
