using System.Diagnostics;

namespace CritDiff.Training;

/// <summary>The outcome of training every slice of a problem.</summary>
/// <param name="Slices">One result per time slice, in time order.</param>
/// <param name="WallSeconds">Wall-clock time of the whole run.</param>
public sealed record TrainingResult(IReadOnlyList<SliceResult> Slices, double WallSeconds)
{
    /// <summary>The training time of the network: the largest step count over slices.</summary>
    public int StepsMax => Slices.Max(s => s.Steps);

    /// <summary>True when every slice met the stopping rule.</summary>
    public bool AllConverged => Slices.All(s => s.Converged);

    /// <summary>The first diverged slice, if any.</summary>
    public SliceResult? FirstDiverged => Slices.FirstOrDefault(s => s.Diverged);
}

/// <summary>
/// Trains every time slice of a <see cref="TrainingProblem"/>; slices are independent learning problems
/// and run in parallel, each with its own random streams, so results do not depend on thread count.
/// </summary>
public static class Trainer
{
    /// <summary>Trains all slices; <paramref name="progress"/> hears of each finished slice.</summary>
    public static TrainingResult Train(TrainingProblem problem, TrainingConfig config,
        IProgress<SliceResult>? progress = null, int maxDegreeOfParallelism = -1, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        problem.Validate();
        var clock = Stopwatch.StartNew();
        var results = new SliceResult[problem.Grid.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellation };
        Parallel.For(0, results.Length, options, j =>
        {
            results[j] = SliceTrainer.Train(problem, config, j, cancellation);
            progress?.Report(results[j]);
        });
        return new TrainingResult(results, clock.Elapsed.TotalSeconds);
    }
}
