using CritDiff.Fields;
using CritDiff.Statistics;

namespace CritDiff.Generation;

/// <summary>
/// Generated samples reweighted to a target law exp(-S)/Z (<see cref="ImportanceWeights"/>).
/// </summary>
/// <param name="Count">Number of samples N.</param>
/// <param name="LogWeights">log w_i = -S(x_i) - log q(x_i) per sample (up to the unknown log Z, the same for all).</param>
/// <param name="EffectiveSampleFraction">ESS/N = (sum w)^2 / (N sum w^2), in (0, 1].</param>
/// <param name="LowEss">True when ESS/N &lt; <see cref="ImportanceWeights.LowEssFraction"/>: the reweighted errors and the
/// chain's are then unreliable (a few samples carry all the weight).</param>
/// <param name="Reweighted">Self-normalised estimates sum w O / sum w of |M|, |M|^2, chi = V &lt;|M|^2&gt;/n, U, xi2, e and
/// P1, each a ratio of weighted means, with jackknife errors over samples.</param>
/// <param name="ActionDensity">Self-normalised &lt;S/V&gt; (the target's action per site), jackknife error.</param>
/// <param name="MetropolisAcceptance">Acceptance rate of the independence Metropolis chain over the N - 1 proposals.</param>
/// <param name="Metropolis">The same observables along the chain: plain means of block means, blocks at least 6 tau_int
/// long (tau_int the larger of |M|^2's and e's), so errors are corrected for autocorrelation.</param>
/// <param name="MetropolisActionDensity">&lt;S/V&gt; along the chain, error corrected by its own tau_int.</param>
public sealed record ImportanceWeightResult(int Count, double[] LogWeights, double EffectiveSampleFraction, bool LowEss,
    ModelEstimates Reweighted, Stats ActionDensity, double MetropolisAcceptance, ModelEstimates Metropolis, Stats MetropolisActionDensity);
