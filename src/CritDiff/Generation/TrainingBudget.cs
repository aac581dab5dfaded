using CritDiff.Training;

namespace CritDiff.Generation;

/// <summary>Generation quality after a fixed training budget.</summary>
/// <param name="Steps">Optimizer steps every slice was trained for.</param>
/// <param name="KlPerSite">KL(generated || law at t_min) per site.</param>
/// <param name="KlPerSiteVsData">KL(generated || data law C) per site; with a measured spectrum G(k), against the
/// Gaussian law of spectrum G (the data law itself is not Gaussian; its KL is not computable this way).</param>
/// <param name="RatioMin">Smallest r(k) = v(k)/C(k) (or v(k)/G(k)).</param>
/// <param name="RatioMax">Largest r(k).</param>
/// <param name="Ratio">r(k) for every mode k.</param>
public sealed record BudgetPoint(int Steps, double KlPerSite, double KlPerSiteVsData, double RatioMin, double RatioMax, double[] Ratio);

/// <summary>
/// Claim C2 in one curve (docs/science.md sections 1, 7): train every slice for n = budgets[i] steps (one run,
/// parameters copied at each budget; the stopping rule is off) and compute the exact KL of the law that
/// the trained score generates.
/// </summary>
public static class TrainingBudget
{
    /// <summary>KL after each budget; <paramref name="settings"/> must run between the grid's first and last times.</summary>
    public static IReadOnlyList<BudgetPoint> Sweep(TrainingProblem problem, TrainingConfig config, IReadOnlyList<int> budgets,
        GenerationSettings settings, bool interpolate, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(budgets);
        if (budgets.Count == 0 || budgets.Any(b => b < 0))
            throw new ArgumentOutOfRangeException(nameof(budgets), "budgets must be non-empty and >= 0");
        var sorted = budgets.Distinct().Order().ToArray();
        var trained = Trainer.Train(problem, config with { Eps = 1e-300, MaxSteps = Math.Max(1, sorted[^1]), Snapshots = sorted },
            maxDegreeOfParallelism: maxDegreeOfParallelism);
        var lattice = problem.Lattice;
        var data = problem.SpectrumTable();
        var atMin = problem.Process.NoisedSpectrumTable(data, settings.MinTime);
        var points = new List<BudgetPoint>();
        foreach (int budget in sorted)
        {
            // A slice that stopped early (diverged or converged to its own optimum) keeps its last parameters.
            var parameters = trained.Slices.Select(s => s.Moments!.Snapshots.TryGetValue(budget, out var p) ? p : s.Parameters).ToArray();
            var score = TrainedScore.FromParameters(lattice, problem.Architecture, problem.Basis, problem.Grid.Times, parameters, interpolate);
            var law = new GeneratedLaw(lattice, new ReverseProcess(lattice, problem.Process, score, settings).GeneratedVariance());
            var r = law.Ratio(data);
            points.Add(new BudgetPoint(budget, law.KlPerSite(atMin), law.KlPerSite(data), r.Min(), r.Max(), r));
        }
        return points;
    }
}
