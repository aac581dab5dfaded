using System.Text.Json.Serialization;
using CritDiff.Networks;

namespace CritDiff.Experiments;

/// <summary>
/// One family of the "beyond Gaussian" study: O(n) spins at the literature critical coupling in dimension d, or the
/// n -> inf Gaussian field at beta_c(d) (<see cref="Components"/> = 0, exact spectrum, d >= 3), at a list of sizes.
/// </summary>
/// <param name="Name">Folder-safe name, e.g. "d2-ising".</param>
/// <param name="Dimension">d (2 or 3 for the literature couplings; >= 3 for n -> inf).</param>
/// <param name="Components">n >= 1, or 0 for n -> inf.</param>
/// <param name="Sizes">Lattice sizes L.</param>
/// <param name="Eta">The anomalous dimension eta of the universality class (literature, docs/science.md section 10); 0 at n -> inf.</param>
public sealed record BeyondGaussianSeries(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("d")] int Dimension,
    [property: JsonPropertyName("n")] int Components,
    [property: JsonPropertyName("sizes")] IReadOnlyList<int> Sizes,
    [property: JsonPropertyName("eta")] double Eta)
{
    /// <summary>The predicted one-layer exponent 2 - eta (docs/science.md section 10: steps ~ chi ~ L^(gamma/nu) = L^(2 - eta)).</summary>
    [JsonIgnore]
    public double PredictedExponent => 2 - Eta;

    /// <summary>"O(1)", "O(3)" or "n = inf".</summary>
    [JsonIgnore]
    public string Label => Components == 0 ? $"n = inf, d = {Dimension}" : $"O({Components}), d = {Dimension}";
}

/// <summary>
/// The "beyond Gaussian" study (issue: finite-n targets): for each <see cref="BeyondGaussianSeries"/> and L, a Wolff ensemble
/// at the critical point, its measured spectrum G(k), and the population-GD training time of each architecture on that
/// spectrum at diffusion time <see cref="Time"/>, with the per-mode theory's prediction and an error from G(0)'s error.
/// </summary>
public sealed record BeyondGaussianSpec
{
    /// <summary>The families.</summary>
    [JsonPropertyName("series")] public required IReadOnlyList<BeyondGaussianSeries> Series { get; init; }

    /// <summary>Configurations per ensemble.</summary>
    [JsonPropertyName("configurations")] public int Configurations { get; init; } = 2000;

    /// <summary>Monte Carlo algorithm for the ensembles.</summary>
    [JsonPropertyName("algo")] public string Algorithm { get; init; } = "wolff";

    /// <summary>Thermalisation sweeps per chain.</summary>
    [JsonPropertyName("thermalize")] public int Thermalization { get; init; } = 500;

    /// <summary>Pilot sweeps per chain (tau_int, hence the spacing).</summary>
    [JsonPropertyName("pilot_sweeps")] public int PilotSweeps { get; init; } = 500;

    /// <summary>Chains per ensemble.</summary>
    [JsonPropertyName("chains")] public int Chains { get; init; } = 4;

    /// <summary>The diffusion time of the single training slice (VP), as in the Gaussian headline sweeps.</summary>
    [JsonPropertyName("t")] public double Time { get; init; } = 0.1;

    /// <summary>Architectures trained (full-range, so the per-mode theory applies).</summary>
    [JsonPropertyName("architectures")] public IReadOnlyList<string> Architectures { get; init; } = [NetworkCatalog.OneLayer.Name, NetworkCatalog.TwoLayer.Name];

    /// <summary>Stopping threshold eps.</summary>
    [JsonPropertyName("eps")] public double Eps { get; init; } = 1e-2;

    /// <summary>Root seed; ensemble (series s, size index i) uses seed + 1000 s + i.</summary>
    [JsonPropertyName("seed")] public ulong Seed { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> for an empty or inconsistent plan.</summary>
    public void Validate()
    {
        if (Series.Count == 0) throw new ArgumentException("the study needs at least one series", nameof(Series));
        foreach (var s in Series)
        {
            if (s.Sizes.Count == 0) throw new ArgumentException($"series {s.Name} has no sizes", nameof(Series));
            if (s.Components < 0) throw new ArgumentException($"series {s.Name}: n must be >= 1, or 0 for n -> inf", nameof(Series));
            if (s.Components == 0 && s.Dimension < 3) throw new ArgumentException($"series {s.Name}: n -> inf has a critical point only for d >= 3", nameof(Series));
            if (s.Components > 0 && Fields.LiteratureCriticalPoints.Of(s.Dimension, s.Components) is null)
                throw new ArgumentException($"series {s.Name}: no literature critical point for O({s.Components}) in d = {s.Dimension}", nameof(Series));
        }
        if (Configurations < 16) throw new ArgumentException("at least 16 configurations per ensemble", nameof(Configurations));
        if (!(Time > 0)) throw new ArgumentException("t must be > 0", nameof(Time));
        foreach (string arch in Architectures)
        {
            ScoreModelSpec network;
            try
            {
                network = NetworkCatalog.Parse(arch);
            }
            catch (FormatException e)
            {
                throw new ArgumentException(e.Message, nameof(Architectures), e);
            }
            // Training runs on the measured spectrum's moments (population GD), so the network needs the moment objective.
            if (!network.HasMomentObjective) throw new ArgumentException(StudyTraining.NeedsSamples(network), nameof(Architectures));
        }
    }
}
