using System.Text.Json.Nodes;
using CritDiff.Fields;

namespace CritDiff.Experiments;

/// <summary>The JSON summary of a Gaussian field that commands print under "model" (non-finite values as null).</summary>
public static class FieldDescription
{
    /// <summary>d, L, V, beta, mu2, xi, xi2, chi, energy, G0, beta_c, parameterisation, free_field.</summary>
    public static JsonObject Of(GaussianField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new JsonObject
        {
            ["d"] = field.Lattice.Dimension,
            ["L"] = field.Lattice.Length,
            ["V"] = field.Lattice.SiteCount,
            ["beta"] = Number(field.Beta),
            ["mu2"] = Number(field.MassSquared),
            ["xi"] = Number(field.CorrelationLength),
            ["xi2"] = Number(field.SecondMomentCorrelationLength),
            ["chi"] = Number(field.Susceptibility),
            ["energy"] = Number(field.Energy),
            ["G0"] = Number(field.LocalVariance),
            ["beta_c"] = Number(field.CriticalBeta),
            ["parameterisation"] = field.Parameterisation,
            ["free_field"] = field.IsFreeField,
        };
    }

    /// <summary>A finite number, or null.</summary>
    internal static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    /// <summary>A finite number, or null (also for null).</summary>
    internal static JsonNode? Number(double? value) => value is { } v ? Number(v) : null;
}
