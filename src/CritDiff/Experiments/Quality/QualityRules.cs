using CritDiff.Generation;
using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// The rules of the quality study, as pure functions the tests check on synthetic input: the quality criterion of one rung,
/// the first rung meeting it, the replica mean and standard error, the aggregation of a (network, L), and the
/// independence-Metropolis chain on importance weights with its integrated autocorrelation time.
/// </summary>
public static class QualityRules
{
    /// <summary>Smallest effective sample size N x ESS/N at which reweighted numbers and the chain are reported (below: "not measurable").</summary>
    public const double MinimumEss = 30;

    /// <summary>Whether a rung meets the thresholds of <paramref name="spec"/> (every measure present and within its tolerance).</summary>
    public static bool Meets(QualitySpec spec, double? logChiError, double? binderError, double? histogramDistance)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return logChiError <= spec.ChiTolerance && binderError <= spec.BinderTolerance && histogramDistance <= spec.HistogramTolerance;
    }

    /// <summary>
    /// Whether the chi criterion of <paramref name="spec"/> is resolvable with a generated chi of relative standard error
    /// <paramref name="chiRelativeError"/>: at most half the tolerance (else the verdict of a rung is partly a draw).
    /// </summary>
    public static bool Resolvable(QualitySpec spec, double? chiRelativeError)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return chiRelativeError <= spec.ChiTolerance / 2;
    }

    /// <summary>The steps of the first rung (in ladder order) that meets every threshold, or null (the budget is above the largest rung).</summary>
    public static int? FirstMeeting(IReadOnlyList<QualityRung> rungs)
    {
        ArgumentNullException.ThrowIfNull(rungs);
        return rungs.FirstOrDefault(r => r.Meets)?.Steps;
    }

    /// <summary>Mean and standard error sd / sqrt(n) (sd with n - 1) of the finite values; null when there is none.</summary>
    public static ReplicaMean? Mean(IEnumerable<double> values)
    {
        var mean = ReplicaMean.Of(values);
        return mean.Count == 0 ? null : mean;
    }

    /// <summary>
    /// The replicas of one (network, L) summarised (<see cref="QualityAggregate"/>): chi_MC is each replica's own reference
    /// (<paramref name="referenceChi"/> by replica).
    /// </summary>
    public static QualityAggregate Aggregate(IReadOnlyList<QualityRow> replicas, Func<int, double?> referenceChi)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        ArgumentNullException.ThrowIfNull(referenceChi);
        if (replicas.Count == 0) throw new ArgumentException("no replicas", nameof(replicas));
        var first = replicas[0];
        if (replicas.Any(r => r.Network != first.Network || r.Length != first.Length))
            throw new ArgumentException("replicas of one (network, L) only", nameof(replicas));
        bool bound = replicas.Any(r => r.QualitySteps is null);
        var measurable = replicas.Where(r => r.Measurable).ToArray();
        return new QualityAggregate
        {
            Network = first.Network,
            Length = first.Length,
            Replicas = replicas.Count,
            QualitySteps = Mean(replicas.Select(r => (double)(r.QualitySteps ?? r.LargestSteps)))!,
            QualityStepsIsBound = bound,
            ChiRatio = Mean(replicas.Select(r => r.Rungs.Count > 0 && r.Rungs[^1].GeneratedSusceptibility.Value is { } g && referenceChi(r.Replica) is { } mc && mc > 0
                ? g / mc : double.NaN)),
            EssFraction = Mean(measurable.Select(r => r.EssFraction ?? double.NaN)),
            MeasurableReplicas = measurable.Length,
            Acceptance = Mean(measurable.Select(r => r.Acceptance ?? double.NaN)),
            TauInt = Mean(measurable.Select(r => r.TauInt ?? double.NaN)),
        };
    }

    /// <summary>
    /// The independence-Metropolis chain through the samples in order (from x to the next sample x' with probability
    /// min(1, w'/w), uniforms from RandomStream(seed, <see cref="ImportanceWeights.ChainStream"/>): the chain of
    /// <see cref="ImportanceWeights.Apply(Fields.LatticeModel, RealSpaceSamples, ulong)"/>), and the integrated autocorrelation
    /// time of <paramref name="observable"/> along it (<see cref="Autocorrelation.IntegratedTime"/>: 0.5 for independent
    /// draws, the project's convention). Equal weights accept every move; a chain that never moves has no measurable tau_int (NaN).
    /// </summary>
    public static (double Acceptance, double Tau, double TauError) IndependenceChain(IReadOnlyList<double> logWeights, IReadOnlyList<double> observable, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(logWeights);
        ArgumentNullException.ThrowIfNull(observable);
        int count = logWeights.Count;
        if (count < 4 || observable.Count != count) throw new ArgumentException("need at least 4 samples, one observable value each", nameof(observable));
        var rng = new RandomStream(seed, ImportanceWeights.ChainStream);
        var series = new double[count];
        int current = 0, accepted = 0;
        for (int i = 0; i < count; i++)
        {
            if (i > 0 && Math.Log(rng.NextDouble()) < logWeights[i] - logWeights[current])
            {
                current = i;
                accepted++;
            }
            series[i] = observable[current];
        }
        if (accepted == 0) return (0, double.NaN, double.NaN);
        var (tau, error, _) = Autocorrelation.IntegratedTime(series);
        return ((double)accepted / (count - 1), tau, error);
    }
}
