using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// The cost study's result: the Monte Carlo series and the diffusion rows and fits (empty when <see cref="DiffusionMissing"/>),
/// with the study's wall time.
/// </summary>
public sealed record CostResult(CostSpec Spec, IReadOnlyList<MonteCarloCostSeries> MonteCarlo, IReadOnlyList<DiffusionCostRow> Diffusion,
    IReadOnlyList<DiffusionCostFit> DiffusionFits, double WallSeconds)
{
    /// <summary>True when no diffusion inputs were given: the result holds Monte Carlo only.</summary>
    public bool DiffusionMissing => Diffusion.Count == 0;

    /// <summary>The series of <paramref name="algorithm"/>, or null.</summary>
    public MonteCarloCostSeries? Series(string algorithm) => MonteCarlo.FirstOrDefault(s => s.Algorithm == algorithm);

    /// <summary>Combines <paramref name="inputs"/> (null or empty: none) into rows and fits.</summary>
    public static (IReadOnlyList<DiffusionCostRow> Rows, IReadOnlyList<DiffusionCostFit> Fits) Diffuse(CostSpec spec, IReadOnlyList<DiffusionCostInput>? inputs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (inputs is null || inputs.Count == 0) return ([], []);
        var rows = DiffusionCostRow.Aggregate(inputs, spec.ServedSamples, spec.MinEffectiveSamples);
        var fits = rows.Select(r => r.Network).Distinct().SelectMany(network => DiffusionCostKind.All.Select(kind =>
        {
            var measured = rows.Where(r => r.Network == network && r.Of(kind).Cost is not null).Select(r => (r.Length, r.Of(kind).Cost!.Value)).ToArray();
            return new DiffusionCostFit(network, kind, measured.Select(m => m.Length).ToArray(), CostCombination.Fit(measured));
        })).ToArray();
        return (rows, fits);
    }
}
