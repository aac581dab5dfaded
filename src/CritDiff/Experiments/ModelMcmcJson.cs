using System.Text.Json.Nodes;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// A <see cref="ModelMcmcResult"/> as JSON, for run folders and the CLI (NaN written as null: JSON has no NaN). Keys:
/// model (<see cref="ModelDescription"/>), algorithm, settings {sweeps, thermalization, chains, seed, spectrum_interval,
/// block_factor}, acceptance, step_size, tau_int {magnetisation_squared, energy} (value, error; in sweeps),
/// block_length, blocks, observables {magnetisation, magnetisation_squared, susceptibility, binder, xi2, energy,
/// first_mode_power} (value, error), cost {site_updates, wall_seconds, site_updates_per_second}, histogram {lower, upper,
/// bins, centres, counts, underflow, overflow, observable}, valid, warnings; optionally spectrum {k (per mode, d
/// integers n_mu with k_mu = 2 pi n_mu / L), khat2, mean, error} and series (per chain: m2, energy, order).
/// </summary>
public static class ModelMcmcJson
{
    /// <summary>The summary of <paramref name="result"/>.</summary>
    public static JsonObject Of(ModelMcmcResult result, bool includeSpectrum = true, bool includeSeries = false)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Settings;
        var h = result.Histogram;
        var json = new JsonObject
        {
            ["model"] = ToNode(ModelDescription.Of(result.Model)),
            ["algorithm"] = result.Algorithm,
            ["settings"] = new JsonObject
            {
                ["sweeps"] = s.Sweeps, ["thermalization"] = s.Thermalization, ["chains"] = s.Chains, ["seed"] = s.Seed,
                ["spectrum_interval"] = s.SpectrumInterval, ["block_factor"] = s.BlockFactor,
            },
            ["acceptance"] = ValueWithError.Finite(result.Acceptance),
            ["step_size"] = ValueWithError.Finite(result.StepSize),
            ["tau_int"] = new JsonObject { ["magnetisation_squared"] = Value(result.TauMagnetisationSquared), ["energy"] = Value(result.TauEnergy) },
            ["block_length"] = result.BlockLength,
            ["blocks"] = result.BlockCount,
            ["observables"] = new JsonObject(result.Estimates.Named.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)Value(p.Value)))),
            ["cost"] = new JsonObject
            {
                ["site_updates"] = result.SiteUpdates, ["wall_seconds"] = result.WallSeconds,
                ["site_updates_per_second"] = ValueWithError.Finite(result.SiteUpdatesPerSecond),
            },
            ["histogram"] = new JsonObject
            {
                ["observable"] = result.Model.Components == 1 ? "M" : "|M|",
                ["lower"] = h.Layout.Lower, ["upper"] = h.Layout.Upper, ["bins"] = h.Layout.Bins,
                ["centres"] = Array(Enumerable.Range(0, h.Layout.Bins).Select(h.Layout.Centre)),
                ["counts"] = new JsonArray(h.Counts.Select(c => (JsonNode?)c).ToArray()),
                ["underflow"] = h.Underflow, ["overflow"] = h.Overflow,
            },
            ["valid"] = result.IsValid,
            ["warnings"] = new JsonArray(result.Warnings.Select(w => (JsonNode?)w).ToArray()),
        };
        if (includeSpectrum && result.Spectrum is { } spectrum) json["spectrum"] = Spectrum(result.Model.Lattice, spectrum);
        if (includeSeries)
            json["series"] = new JsonArray(result.Series.Select(c => (JsonNode?)new JsonObject
            {
                ["m2"] = Array(c.MagnetisationSquared), ["energy"] = Array(c.Energy), ["order"] = Array(c.Order),
            }).ToArray());
        return json;
    }

    private static JsonObject Spectrum(Lattice lattice, Fields.ModeSpectrum spectrum)
    {
        var modes = new JsonArray();
        var n = new int[lattice.Dimension];
        for (int k = 0; k < lattice.SiteCount; k++)
        {
            lattice.Coordinates(k, n);
            modes.Add(new JsonArray(n.Select(i => (JsonNode?)i).ToArray()));
        }
        return new JsonObject
        {
            ["k"] = modes, ["khat2"] = Array(lattice.KHat2Table()), ["mean"] = Array(spectrum.Mean), ["error"] = Array(spectrum.Error),
            ["samples"] = spectrum.Samples,
        };
    }

    private static JsonObject Value(Stats stats) => new() { ["value"] = ValueWithError.Finite(stats.Mean), ["error"] = ValueWithError.Finite(stats.Error) };

    private static JsonArray Array(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)ValueWithError.Finite(v)).ToArray());

    private static JsonNode ToNode(ModelDescription description) =>
        System.Text.Json.JsonSerializer.SerializeToNode(description, ExperimentFolder.Json)!;
}
