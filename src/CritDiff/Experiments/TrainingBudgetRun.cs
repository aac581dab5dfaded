using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>
/// A typed request for claim C2's curve (`generate --train-budget`): train every one of <paramref name="Slices"/> log-spaced
/// slices in [t_min, T] of the settings with population GD for each budget of steps, and compute the exact KL of the law
/// the trained score generates with the settings' sampler.
/// </summary>
/// <param name="Field">The Gaussian target.</param>
/// <param name="Process">The forward process.</param>
/// <param name="Architecture">The convolution architecture trained.</param>
/// <param name="Settings">Sampler and time steps; the slices span its t_min .. T.</param>
/// <param name="Slices">Number of slices.</param>
/// <param name="Budgets">Step budgets.</param>
/// <param name="Interpolate">Interpolate the score linearly in t between slices.</param>
public sealed record TrainingBudgetRequest(GaussianField Field, ForwardProcess Process, Architecture Architecture, GenerationSettings Settings,
    int Slices, IReadOnlyList<int> Budgets, bool Interpolate);

/// <summary>Runs a <see cref="TrainingBudgetRequest"/> and builds its summary.</summary>
public static class TrainingBudgetRun
{
    /// <summary>One point per distinct budget, in increasing order (<see cref="TrainingBudget.Sweep"/>).</summary>
    public static IReadOnlyList<BudgetPoint> Run(TrainingBudgetRequest request, int threads)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = request.Settings;
        var grid = TimeGrid.LogSpaced(request.Slices, settings.MinTime, settings.FinalTime);
        var problem = new TrainingProblem(request.Field, request.Process, grid, request.Architecture);
        return TrainingBudget.Sweep(problem, new TrainingConfig(), request.Budgets, settings, request.Interpolate, threads);
    }

    /// <summary>The summary of a <see cref="TrainingBudget"/> sweep (`generate --train-budget --json`).</summary>
    public static JsonObject Summary(TrainingBudgetRequest request, IReadOnlyList<BudgetPoint> points, double wallSeconds)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(points);
        return new JsonObject
        {
            ["arch"] = request.Architecture.Name,
            ["sampler"] = request.Settings.Sampler.Name,
            ["steps"] = request.Settings.Steps,
            ["slices"] = request.Slices,
            ["budgets"] = new JsonArray(points.Select(p => (JsonNode?)new JsonObject
            {
                ["train_steps"] = p.Steps,
                ["kl_per_site"] = JsonNumber.Of(p.KlPerSite),
                ["kl_per_site_vs_data"] = JsonNumber.Of(p.KlPerSiteVsData),
                ["r_min"] = JsonNumber.Of(p.RatioMin),
                ["r_max"] = JsonNumber.Of(p.RatioMax),
            }).ToArray()),
            ["model"] = TargetSummary.Gaussian(request.Field),
            ["wall_seconds"] = wallSeconds,
        };
    }
}
