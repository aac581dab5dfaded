using CritDiff.Fields;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Training;

/// <summary>
/// Stopping rules built from what a training run knows (docs/science.md section 10): <see cref="ForData"/>, the exact-data
/// rule of a linear network trained on samples.
/// </summary>
public static class StoppingRules
{
    /// <summary>Configurations a Markov-chain source's spectrum is estimated on (its stationary spectrum is not known exactly).</summary>
    public const int ChainSpectrumSize = 4096;

    /// <summary>The source stream the chain estimate draws from (apart from every slice's streams, which start at 0 and step by 18).</summary>
    private const ulong ChainSpectrumStream = 0x5BEC_7A11_0000_0001UL;

    /// <summary>
    /// The exact-data rule: for a linear, translation-invariant network <paramref name="spec"/> (one that holds the exact
    /// score, or one local layer), the exact population excess of the EMPIRICAL distribution of the training data, which
    /// such a network sees only through its measured spectrum G(k) (the component-averaged raw second moment,
    /// <see cref="MeasuredSpectrum"/>). The training data are what the training minibatches are drawn from:
    /// <list type="bullet">
    /// <item>a <see cref="DataSetSource"/>: all of its N configurations (minibatches are uniform draws with replacement from
    /// them; the fixed validation configurations are draws from the same set and add nothing: the rule does not use them);</item>
    /// <item>a <see cref="GaussianSource"/>: the field's own spectrum C(k) (fresh exact samples: the empirical distribution
    /// is the Gaussian itself);</item>
    /// <item>a <see cref="MarkovChainSource"/>: its stationary distribution, whose spectrum is estimated on
    /// <see cref="ChainSpectrumSize"/> configurations of a chain of its own stream (an estimate with the chain's statistical
    /// error, not exact; the rule's name says so).</item>
    /// </list>
    /// Null for every other network (nonlinear ones, or several local layers, whose optimum on a spectrum has no closed form).
    /// </summary>
    public static StoppingRule? ForData(ScoreModelSpec spec, SampleSource source)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(source);
        if (spec.MomentArchitecture is not { } architecture || !ExactExcessRule.Applies(architecture)) return null;
        switch (source)
        {
            case GaussianSource gaussian:
                return new ExactExcessRule(gaussian.Spectrum, "exact population excess against the optimum of the Gaussian spectrum");
            case DataSetSource data:
                var measured = MeasuredSpectrum.Measure(data.Lattice, data.Configurations, data.Count, data.Components, "training data");
                return new ExactExcessRule(measured.Mean,
                    $"exact population excess against the optimum of the training data's measured spectrum ({data.Count} configurations)");
            default:
                var chain = source.Fork(ChainSpectrumStream);
                var configurations = new double[(long)ChainSpectrumSize * source.ConfigurationLength];
                var rng = new RandomStream(ChainSpectrumStream, 0);
                chain.Draw(configurations, ChainSpectrumSize, ref rng);
                var estimate = MeasuredSpectrum.Measure(source.Lattice, configurations, ChainSpectrumSize, source.Components, "chain");
                return new ExactExcessRule(estimate.Mean,
                    $"population excess against the optimum of the spectrum estimated on {ChainSpectrumSize} chain configurations");
        }
    }
}
