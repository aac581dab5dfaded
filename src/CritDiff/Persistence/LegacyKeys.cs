using System.Text.Json.Nodes;

namespace CritDiff.Persistence;

/// <summary>
/// Reads run-folder files written before a JSON key was renamed (docs/json.md): each old top-level key is
/// renamed to its current name unless the current one is already there, so old folders still resume.
/// </summary>
internal static class LegacyKeys
{
    /// <summary>Old to current names of scaling config.json keys (renamed so that every command uses d, t, t_min, lr, batch).</summary>
    public static readonly IReadOnlyList<(string Old, string Current)> ScalingSpec =
        [("dimension", "d"), ("time", "t"), ("min_time", "t_min"), ("learning_rate", "lr"), ("batch_size", "batch")];

    /// <summary>Old to current names of critical-point job files (tau_m2 became tau_M2 and susceptibility chi, as in mcmc and mcmc-scaling).</summary>
    public static readonly IReadOnlyList<(string Old, string Current)> CriticalPointJob = [("tau_m2", "tau_M2"), ("susceptibility", "chi")];

    /// <summary>Old to current names in critical-point config.json and ensemble side-cars (algo and thermalize as in mcmc).</summary>
    public static readonly IReadOnlyList<(string Old, string Current)> MonteCarloSettings = [("algorithm", "algo"), ("thermalization", "thermalize")];

    /// <summary>The JSON text with old keys renamed; text that is not a JSON object is returned unchanged.</summary>
    public static string Upgrade(string json, IReadOnlyList<(string Old, string Current)> renames)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (System.Text.Json.JsonException) { return json; }
        if (node is not JsonObject obj) return json;
        bool changed = false;
        foreach (var (old, current) in renames)
        {
            if (!obj.ContainsKey(old) || obj.ContainsKey(current)) continue;
            var value = obj[old];
            obj.Remove(old);
            obj[current] = value;
            changed = true;
        }
        return changed ? obj.ToJsonString() : json;
    }
}
