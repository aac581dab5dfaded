using System.Diagnostics;

namespace CritDiff.Training;

/// <summary>The outcome of training every slice, whatever the objective (moments: <see cref="Trainer"/>; samples: <see cref="SampleTrainer"/>).</summary>
/// <param name="Slices">One result per time slice, in time order.</param>
/// <param name="WallSeconds">Wall-clock time of the whole run.</param>
public sealed record TrainingResult(IReadOnlyList<SliceResult> Slices, double WallSeconds)
{
    /// <summary>The stopping rule of training on samples, in words; null for moment objectives (docs/science.md section 6 for every slice).</summary>
    public string? StoppingRule { get; init; }

    /// <summary>The training time of the network: the largest step count over slices (a slice that missed eps counts its steps run).</summary>
    public int StepsMax => Slices.Max(s => s.Steps);

    /// <summary>The largest steps-to-eps over slices; null when some slice missed eps.</summary>
    public int? StepsToEps => Slices.All(s => s.StepsToEps is not null) ? Slices.Max(s => s.StepsToEps!.Value) : null;

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
        ForEachSlice(Enumerable.Range(0, results.Length).ToArray(), results, j => SliceTrainer.Train(problem, config, j, cancellation),
            progress, maxDegreeOfParallelism, cancellation);
        return new TrainingResult(results, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The one loop over slices of every objective: trains the slices <paramref name="slices"/> in parallel (at most
    /// <paramref name="maxDegreeOfParallelism"/> at once, -1 for no limit) into <paramref name="results"/>, reporting each
    /// finished one. Slices are independent learning problems with their own random streams, so the results do not depend
    /// on the degree of parallelism.
    /// </summary>
    internal static void ForEachSlice(IReadOnlyList<int> slices, SliceResult[] results, Func<int, SliceResult> train,
        IProgress<SliceResult>? progress, int maxDegreeOfParallelism, CancellationToken cancellation)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellation };
        Parallel.ForEach(slices, options, j =>
        {
            results[j] = train(j);
            progress?.Report(results[j]);
        });
    }
}
