using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>The diffusion sampler's cost inputs and costs at one (L, network), over its replicas.</summary>
/// <param name="Length">L.</param>
/// <param name="Network">Network name.</param>
/// <param name="Replicas">Replicas.</param>
/// <param name="TrainingSeconds">Mean +- SE of the training seconds.</param>
/// <param name="GenerationSecondsPerSample">Mean +- SE of the generation seconds per sample.</param>
/// <param name="EssFraction">Mean +- SE of ESS/N over the replicas that have it; null when none has.</param>
/// <param name="ImhTauInt">Mean +- SE of tau_int(IMH); null when none has.</param>
/// <param name="ImhAcceptance">Mean +- SE of the IMH acceptance; null when none has.</param>
/// <param name="Samples">Smallest N over the replicas.</param>
/// <param name="Costs">The four kinds of <see cref="DiffusionCostKind.All"/>, in that order.</param>
public sealed record DiffusionCostRow(int Length, string Network, int Replicas, Stats TrainingSeconds, Stats GenerationSecondsPerSample,
    Stats? EssFraction, Stats? ImhTauInt, Stats? ImhAcceptance, int Samples, IReadOnlyList<DiffusionCostValue> Costs)
{
    /// <summary>The value of <paramref name="kind"/>.</summary>
    public DiffusionCostValue Of(DiffusionCostKind kind) => Costs.First(c => c.Kind == kind);

    /// <summary>Rows per (L, network), ordered by network then L, from <paramref name="inputs"/> (each validated).</summary>
    public static IReadOnlyList<DiffusionCostRow> Aggregate(IReadOnlyList<DiffusionCostInput> inputs, double servedSamples, double minEffective)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var i in inputs) i.Validate();
        return inputs.GroupBy(i => (i.Network, i.Length)).OrderBy(g => g.Key.Network, StringComparer.Ordinal).ThenBy(g => g.Key.Length)
            .Select(g => Row(g.Key.Length, g.Key.Network, g.ToArray(), servedSamples, minEffective)).ToArray();
    }

    private static DiffusionCostRow Row(int length, string network, DiffusionCostInput[] replicas, double served, double minEffective)
    {
        static Stats? Optional(IEnumerable<double?> values)
        {
            var v = values.Where(x => x is not null).Select(x => x!.Value).ToArray();
            return v.Length == 0 ? null : CostCombination.MeanAndError(v);
        }
        var costs = DiffusionCostKind.All.Select(kind =>
        {
            var each = replicas.Select(r => CostCombination.PerIndependent(r, kind, served, minEffective)).ToArray();
            if (each.Any(e => e is null)) return new DiffusionCostValue(kind, null, null, each.Count(e => e is { Measured: true }));
            int measured = each.Count(e => e!.Value.Measured);
            var values = each.Select(e => e!.Value.Cost).ToArray();
            return measured == replicas.Length
                ? new DiffusionCostValue(kind, CostCombination.MeanAndError(values), null, measured)
                : new DiffusionCostValue(kind, null, values.Average(), measured);
        }).ToArray();
        return new DiffusionCostRow(length, network, replicas.Length, CostCombination.MeanAndError(replicas.Select(r => r.TrainingSeconds).ToArray()),
            CostCombination.MeanAndError(replicas.Select(r => r.GenerationSecondsPerSample).ToArray()), Optional(replicas.Select(r => r.EssFraction)),
            Optional(replicas.Select(r => r.ImhTauInt)), Optional(replicas.Select(r => r.ImhAcceptance)), replicas.Min(r => r.Samples), costs);
    }
}
