using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CritDiff.MonteCarlo;

namespace CritDiff.Persistence;

/// <summary>
/// The JSON side-car of an ensemble .npy file (written to the .npy path with ".json" appended, e.g. ising.npy.json):
/// what the array holds and how it was made. Fields: format ("critdiff-ensemble"), version, npy (the array's file
/// name), npy_sha256 (SHA-256 of the .npy bytes: a side-car never vouches for another array), shape ([N, L..L] for
/// n = 1, [N, n, L..L] for n > 1), count N, model (<see cref="ModelDescription"/>), algorithm, seed, chains,
/// thermalization and pilot_sweeps (sweeps per chain), spacing (sweeps between stored configurations) and
/// spacing_rule, tau_int (of |M|^2 and e in sweeps from the pilot run, and of |M|^2 along the stored configurations in
/// units of the spacing), acceptance, step_size, site_updates, wall_seconds, observables (|M|, |M|^2, chi, Binder U,
/// xi2, energy per bond, G(k1), each value and error, over the stored configurations), warnings, and chains_agree with
/// chain_agreement (the chains compared on |M| and e: <see cref="ChainAgreement.ToJson"/>; absent in side-cars written before
/// issue 23).
/// </summary>
public sealed record EnsembleSideCar
{
    /// <summary>Format tag.</summary>
    public const string FormatName = "critdiff-ensemble";

    /// <summary>Current format version.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The spacing rule in words, as written to the side-car.</summary>
    public const string SpacingRule = "max(1, ceil(2 tau_int)) sweeps, tau_int = max(tau_int(|M|^2), tau_int(e)) from the pilot run";

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("version")] public int Version { get; init; } = CurrentVersion;
    [JsonPropertyName("npy")] public string? NpyFile { get; init; }
    [JsonPropertyName("npy_sha256")] public string? NpySha256 { get; init; }
    [JsonPropertyName("shape")] public required int[] Shape { get; init; }
    [JsonPropertyName("count")] public required int Count { get; init; }
    [JsonPropertyName("model")] public required ModelDescription Model { get; init; }
    [JsonPropertyName("algo")] public required string Algorithm { get; init; }
    [JsonPropertyName("seed")] public ulong? Seed { get; init; }
    [JsonPropertyName("chains")] public int? Chains { get; init; }
    [JsonPropertyName("thermalize")] public int? Thermalization { get; init; }
    [JsonPropertyName("pilot_sweeps")] public int? PilotSweeps { get; init; }
    [JsonPropertyName("spacing")] public int? Spacing { get; init; }
    [JsonPropertyName("spacing_rule")] public string? SpacingRuleText { get; init; }
    [JsonPropertyName("tau_int")] public IReadOnlyDictionary<string, ValueWithError>? TauInt { get; init; }
    [JsonPropertyName("acceptance")] public double? Acceptance { get; init; }
    [JsonPropertyName("step_size")] public double? StepSize { get; init; }
    [JsonPropertyName("site_updates")] public long? SiteUpdates { get; init; }
    [JsonPropertyName("wall_seconds")] public double? WallSeconds { get; init; }
    [JsonPropertyName("observables")] public IReadOnlyDictionary<string, ValueWithError>? Observables { get; init; }
    [JsonPropertyName("warnings")] public IReadOnlyList<string> Warnings { get; init; } = [];
    [JsonPropertyName("chains_agree")] public bool? ChainsAgree { get; init; }
    [JsonPropertyName("chain_agreement")] public JsonObject? ChainAgreement { get; init; }

    /// <summary>The side-car of a generated ensemble (the writer fills in npy and npy_sha256).</summary>
    public static EnsembleSideCar Of(Ensemble ensemble)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        var s = ensemble.Settings;
        var tau = new Dictionary<string, ValueWithError>
        {
            ["magnetisation_squared"] = ValueWithError.Of(ensemble.TauMagnetisationSquared),
            ["energy"] = ValueWithError.Of(ensemble.TauEnergy),
        };
        if (ensemble.TauAtSpacing is { } atSpacing) tau["at_spacing"] = ValueWithError.Of(atSpacing);
        return new EnsembleSideCar
        {
            Shape = ensemble.Shape, Count = ensemble.Count, Model = ModelDescription.Of(ensemble.Model),
            Algorithm = ensemble.Algorithm, Seed = s.Seed, Chains = s.Chains, Thermalization = s.Thermalization,
            PilotSweeps = s.PilotSweeps, Spacing = ensemble.Spacing,
            SpacingRuleText = s.Spacing is null ? SpacingRule : "fixed by the caller",
            TauInt = tau, Acceptance = ValueWithError.Finite(ensemble.Acceptance), StepSize = ensemble.StepSize,
            SiteUpdates = ensemble.SiteUpdates, WallSeconds = ensemble.WallSeconds,
            Observables = ensemble.Estimates.Named.ToDictionary(p => p.Name, p => ValueWithError.Of(p.Value)),
            Warnings = ensemble.Warnings,
            ChainsAgree = ensemble.ChainAgreement?.Agree, ChainAgreement = ensemble.ChainAgreement?.ToJson(),
        };
    }
}
