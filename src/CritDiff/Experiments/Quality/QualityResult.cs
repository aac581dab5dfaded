using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>Everything the quality study measured: the ensembles and the rows of every (network, L, replica).</summary>
public sealed record QualityResult(QualitySpec Spec, IReadOnlyList<QualityEnsembleRow> Ensembles, IReadOnlyList<QualityRow> Rows,
    double WallSeconds, int Reused)
{
    /// <summary>The Monte Carlo ensemble of (L, replica).</summary>
    public QualityEnsembleRow Ensemble(int length, int replica) => Ensembles.First(e => e.Length == length && e.Replica == replica);

    /// <summary>The replicas of every (network, L) summarised, in network then L order.</summary>
    public IReadOnlyList<QualityAggregate> Aggregates() =>
        Rows.GroupBy(r => (r.Network, r.Length))
            .OrderBy(g => Spec.Networks.ToList().IndexOf(g.Key.Network)).ThenBy(g => g.Key.Length)
            .Select(g => QualityRules.Aggregate(g.OrderBy(r => r.Replica).ToArray(), replica => Ensemble(g.Key.Length, replica).Susceptibility.Value))
            .ToArray();

    /// <summary>
    /// The fitted growth of the quality budget against L for <paramref name="network"/> (power and logarithmic fits with the
    /// replica errors), or null unless every size is measured (no bound) at two sizes or more.
    /// </summary>
    public ScalingFit? BudgetFit(string network)
    {
        var rows = Aggregates().Where(a => a.Network == network).OrderBy(a => a.Length).ToArray();
        if (rows.Length < 2 || rows.Any(a => a.QualityStepsIsBound || !(a.QualitySteps.MeanOrNaN > 0))) return null;
        return ScalingFit.Of(rows.Select(a => (double)a.Length).ToArray(), rows.Select(a => a.QualitySteps.MeanOrNaN).ToArray(),
            rows.Select(a => Math.Max(a.QualitySteps.Error ?? 0, 0.05 * a.QualitySteps.MeanOrNaN)).ToArray());
    }

    /// <summary>The cost record of every (network, L, replica), for the cost-per-independent-configuration stage.</summary>
    public IReadOnlyList<QualityCostRow> CostRows() =>
        Rows.Select(r => new QualityCostRow(r.Network, r.Length, r.Replica, r.LargestSteps, r.TrainingSeconds, r.GenerationSecondsPerSample,
            r.EssFraction, r.Acceptance, r.TauInt, r.WeightedSamples)).ToArray();
}
