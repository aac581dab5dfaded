using System.Text.Json.Serialization;

namespace CritDiff.Experiments;

/// <summary>A quantity over replicas (the nonlinear and quality studies): mean, standard error (null for one replica) and the number of replicas it is over.</summary>
public sealed record ReplicaMean(
    [property: JsonPropertyName("mean")] double? Mean,
    [property: JsonPropertyName("err")] double? Error,
    [property: JsonPropertyName("replicas")] int Count)
{
    /// <summary>Mean and standard error (sample standard deviation / sqrt(n)) of the finite values.</summary>
    public static ReplicaMean Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var v = values.Where(double.IsFinite).ToArray();
        if (v.Length == 0) return new(null, null, 0);
        double mean = v.Average();
        double? error = v.Length < 2 ? null : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1) / v.Length);
        return new(mean, error, v.Length);
    }

    /// <summary>The mean, or NaN where no replica gave a finite value.</summary>
    [JsonIgnore] public double MeanOrNaN => Mean ?? double.NaN;

    /// <summary>The error, or 0 where there is none (one replica).</summary>
    [JsonIgnore] public double ErrorOrZero => Error ?? 0;
}
