using System.Globalization;
using CritDiff.Diffusion;
using CritDiff.Fields;

namespace CritDiff.Generation;

/// <summary>
/// The K -> 2K check of a probability-flow log-density computed by a trace rule (the trapezoid of div F, exact trace or
/// Hutchinson; docs/science.md section 11): the trapezoid is only the O(h^2) approximation of the discrete map's
/// log |det|, a bias of the weights that more samples do not remove. The same starting noise (same seed) is run again with
/// 2K steps on the same grid family; the change of each sample's log w = -S - log q is measured. A constant change is
/// harmless (self-normalisation cancels it); its spread over the samples, sd(log w_2K - log w_K), is what moves the
/// reweighted averages: <see cref="WarningSpread"/> is the threshold of the warning. Costs one more generation at twice
/// the steps (about twice the first run's cost). Not needed with <see cref="DiscreteMapDensity"/>, which is exact at any K.
/// </summary>
/// <param name="Steps">K of the run checked.</param>
/// <param name="MeanLogDensityChange">Mean over samples of log q_2K - log q_K (nats).</param>
/// <param name="LogWeightSpread">Standard deviation over samples of log w_2K - log w_K (nats): the part that biases the weights.</param>
/// <param name="EffectiveSampleFractionRefined">ESS/N of the 2K run's weights.</param>
public sealed record StepRefinement(int Steps, double MeanLogDensityChange, double LogWeightSpread, double EffectiveSampleFractionRefined)
{
    /// <summary>sd(log w_2K - log w_K) above which the weights are warned about (nats): 0.1.</summary>
    public const double WarningSpread = 0.1;

    /// <summary>True when <see cref="LogWeightSpread"/> exceeds <see cref="WarningSpread"/> (or is not finite).</summary>
    public bool Exceeds => !(LogWeightSpread <= WarningSpread);

    /// <summary>The warning, or null.</summary>
    public string? Warning => !double.IsFinite(LogWeightSpread)
        ? $"the K -> 2K check of the trapezoid log q failed: the run with {2 * Steps} steps gave non-finite samples or log-densities; the importance weights are not checked"
        : Exceeds
        ? string.Create(CultureInfo.InvariantCulture,
            $"log q by the trapezoid rule changes from K = {Steps} to {2 * Steps} steps by {LogWeightSpread:G3} nats (sd over samples of the log-weight change, above {WarningSpread}): " +
            $"the importance weights are biased at this step size; use more --steps or --log-density {DiscreteMapDensity.Instance.Name} (exact for any K)")
        : null;

    /// <summary>
    /// Runs the check for <paramref name="coarse"/> (generated with <paramref name="settings"/>, <paramref name="seed"/> and
    /// <paramref name="options"/>, a trace-rule log-density): regenerates with 2K steps and compares log q and log w against
    /// <paramref name="target"/>.
    /// </summary>
    public static StepRefinement Measure(TimeScore score, ForwardProcess process, GenerationSettings settings, RealSpaceOptions options,
        ulong seed, LatticeModel target, RealSpaceSamples coarse, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(coarse);
        if (coarse.LogDensity is not { } logQ || coarse.PathWeights)
            throw new ArgumentException("the K -> 2K check needs samples with an ODE log-density", nameof(coarse));
        var refined = new GenerationSettings(settings.Sampler, 2 * settings.Steps, settings.FinalTime, settings.MinTime, process, settings.Grid);
        var fine = RealSpaceSampler.Generate(score, process, refined, coarse.Count, seed, maxDegreeOfParallelism: maxDegreeOfParallelism, options: options);
        if (!fine.Samples.All(double.IsFinite) || !fine.LogDensity!.All(double.IsFinite))
            return new StepRefinement(settings.Steps, double.NaN, double.NaN, double.NaN);
        var coarseWeights = ImportanceWeights.LogWeights(target, coarse.Samples, logQ, coarse.Count);
        var fineWeights = ImportanceWeights.LogWeights(target, fine.Samples, fine.LogDensity!, fine.Count);
        double meanQ = 0, mean = 0, squares = 0;
        int n = coarse.Count;
        for (int i = 0; i < n; i++)
        {
            meanQ += (fine.LogDensity![i] - logQ[i]) / n;
            mean += (fineWeights[i] - coarseWeights[i]) / n;
        }
        for (int i = 0; i < n; i++) squares += Math.Pow(fineWeights[i] - coarseWeights[i] - mean, 2);
        double spread = n > 1 ? Math.Sqrt(squares / (n - 1)) : double.NaN;
        return new StepRefinement(settings.Steps, meanQ, spread, ImportanceWeights.EffectiveSampleFraction(fineWeights));
    }
}
