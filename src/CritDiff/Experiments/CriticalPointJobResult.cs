using System.Text.Json.Serialization;
using CritDiff.Persistence;

namespace CritDiff.Experiments;

/// <summary>What one <see cref="CriticalPointJob"/> measured, as written to jobs/{key}.json.</summary>
public sealed record CriticalPointJobResult
{
    [JsonPropertyName("stage")] public required int Stage { get; init; }
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("index")] public required int Index { get; init; }
    [JsonPropertyName("coupling")] public required double Coupling { get; init; }
    [JsonPropertyName("binder")] public required ValueWithError Binder { get; init; }
    [JsonPropertyName("chi")] public required ValueWithError Susceptibility { get; init; }
    [JsonPropertyName("xi2_over_L")] public required ValueWithError SecondMomentLengthOverSize { get; init; }
    [JsonPropertyName("magnetisation")] public required ValueWithError Magnetisation { get; init; }
    [JsonPropertyName("energy")] public required ValueWithError Energy { get; init; }
    [JsonPropertyName("tau_M2")] public required double? TauMagnetisationSquared { get; init; }
    [JsonPropertyName("tau_energy")] public required double? TauEnergy { get; init; }
    [JsonPropertyName("acceptance")] public required double? Acceptance { get; init; }
    [JsonPropertyName("seed")] public required ulong Seed { get; init; }
    [JsonPropertyName("site_updates")] public required long SiteUpdates { get; init; }
    [JsonPropertyName("wall_seconds")] public required double WallSeconds { get; init; }
    [JsonPropertyName("valid")] public required bool Valid { get; init; }
    [JsonPropertyName("warnings")] public required IReadOnlyList<string> Warnings { get; init; }
}
