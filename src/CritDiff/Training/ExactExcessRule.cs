using CritDiff.Fields;
using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>
/// Exact excess where the optimum is known: a <see cref="LinearScoreModel"/> whose architecture represents the exact score
/// (full-range layers or dense), on data whose per-component spectrum C(k) is given (a Gaussian target, or the measured
/// spectrum of any data: the population loss of a linear translation-invariant model sees only the spectrum). The excess
/// is the population excess (1/V) sum_k S(k,t) |m(k) + 1/S(k,t)|^2 = <see cref="LinearMomentNetwork.ScoreError"/>, computed
/// without cancellation; the reference loss reported is the exact optimum (1/V) sum_k (1/b^2 - 1/S). A single local layer
/// (one-layer-local:R), whose optimum on a given spectrum is the closed form of <see cref="ArchitectureOptimum"/>, is measured
/// against that optimum instead: excess = population loss - optimum.
/// </summary>
public sealed class ExactExcessRule : StoppingRule
{
    private readonly double[] _spectrum;
    private readonly string _name;

    /// <summary>The rule for data with per-component spectrum <paramref name="spectrum"/> (V modes), named <paramref name="name"/> in results.</summary>
    public ExactExcessRule(IReadOnlyList<double> spectrum, string? name = null)
    {
        _name = name ?? "exact population excess (score error)";
        ArgumentNullException.ThrowIfNull(spectrum);
        if (!spectrum.All(c => c >= 0 && double.IsFinite(c)))
            throw new ArgumentException("the spectrum must be finite and >= 0 on every mode", nameof(spectrum));
        _spectrum = spectrum.ToArray();
    }

    /// <summary>The rule for exact samples of <paramref name="field"/>.</summary>
    public ExactExcessRule(GaussianField field) : this((field ?? throw new ArgumentNullException(nameof(field))).SpectrumTable())
    {
    }

    /// <inheritdoc />
    public override string Name => _name;

    /// <summary>The per-component spectrum C(k) (or measured G(k)) the excess is taken on (a copy).</summary>
    public double[] Spectrum => (double[])_spectrum.Clone();

    /// <summary>True when the rule can measure <paramref name="architecture"/>: it holds the exact score, or it is one local layer (closed-form optimum).</summary>
    public static bool Applies(Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return architecture.RepresentsExactScore || architecture is { Depth: 1, Layers: [ConvolutionLayer] };
    }

    /// <inheritdoc />
    public override SliceExcess Begin(StoppingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Model is not LinearScoreModel { Network: var network } || !Applies(network.Architecture))
            throw new ArgumentException($"the exact excess needs a linear model that can represent the exact score (full-range or dense) or one local layer, not '{context.Model.Name}'", nameof(context));
        if (_spectrum.Length != context.Model.Lattice.SiteCount)
            throw new ArgumentException($"the spectrum has {_spectrum.Length} modes, the lattice {context.Model.Lattice.SiteCount}", nameof(context));
        var noised = context.Process.NoisedSpectrumTable(_spectrum, context.Time);
        double noiseVariance = context.Process.NoiseVariance(context.Time);
        if (network.Architecture.RepresentsExactScore)
            return new SliceExcess((p, _) => network.ScoreError(p, noised), LinearMomentNetwork.ExactOptimumLoss(noised, noiseVariance), 0);
        double optimum = ArchitectureOptimum.Loss(context.Model.Lattice, network.Architecture, noised, noiseVariance)!.Value;
        var population = ModeMoments.Population(noised, noiseVariance);
        return new SliceExcess((p, _) => network.Loss(p, population) - optimum, optimum, 0);
    }
}
