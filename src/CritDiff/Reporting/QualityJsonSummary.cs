using System.Text.Json.Nodes;
using CritDiff.Experiments;

namespace CritDiff.Reporting;

/// <summary>The "quality" object of summary.json (docs/json.md): spec, ensembles, per-replica rows, aggregates, budget fits and cost rows.</summary>
public static class QualityJsonSummary
{
    /// <summary>The object for <paramref name="result"/> (magnetisation arrays left out).</summary>
    public static JsonObject Of(QualityResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["spec"] = JsonSerializerNode(result.Spec),
            ["ensembles"] = JsonSerializerNode(result.Ensembles.Select(e => e with { Magnetisations = [] }).ToArray()),
            ["rows"] = JsonSerializerNode(result.Rows.Select(r => r with { Magnetisations = [] }).ToArray()),
            ["aggregates"] = JsonSerializerNode(result.Aggregates().ToArray()),
            ["budget_fits"] = new JsonArray(result.Spec.Networks.Select(n => (JsonNode?)new JsonObject
            {
                ["network"] = n,
                ["power_exponent"] = JsonNumber.Of(result.BudgetFit(n)?.PowerExponent),
                ["power_exponent_err"] = JsonNumber.Of(result.BudgetFit(n)?.PowerExponentError),
                ["log_slope"] = JsonNumber.Of(result.BudgetFit(n)?.LogSlope),
            }).ToArray()),
            ["cost"] = new JsonArray(result.CostRows().Select(c => (JsonNode?)new JsonObject
            {
                ["network"] = c.Network, ["L"] = c.Length, ["replica"] = c.Replica, ["training_steps"] = c.TrainingSteps,
                ["training_seconds"] = JsonNumber.Of(c.TrainingSeconds), ["generation_seconds_per_sample"] = JsonNumber.Of(c.GenerationSecondsPerSample),
                ["ess_fraction"] = JsonNumber.Of(c.EssFraction), ["acceptance"] = JsonNumber.Of(c.Acceptance), ["tau_int"] = JsonNumber.Of(c.TauInt),
                ["samples"] = c.Samples,
            }).ToArray()),
            ["wall_seconds"] = result.WallSeconds,
            ["reused"] = result.Reused,
        };
    }

    private static JsonNode? JsonSerializerNode<T>(T value) => Persistence.JsonFiles.SerializeToNode(value, QualityJson.Plain);
}
