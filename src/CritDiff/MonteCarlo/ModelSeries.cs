namespace CritDiff.MonteCarlo;

/// <summary>
/// One chain's measured series, one value per measured sweep (see <see cref="Fields.ConfigurationObservables"/> for the
/// definitions), with the chain's acceptance, final step size and cost.
/// </summary>
/// <param name="MagnetisationNorm">|M| per sweep.</param>
/// <param name="MagnetisationSquared">|M|^2 per sweep.</param>
/// <param name="MagnetisationFourth">|M|^4 per sweep.</param>
/// <param name="Order">M (n = 1) or |M| (n > 1) per sweep: the histogrammed coordinate.</param>
/// <param name="Energy">Energy per bond and component e per sweep.</param>
/// <param name="FirstModePower">P1 = |phi~(k1)|^2 per component (averaged over axes) per sweep.</param>
/// <param name="Acceptance">Mean acceptance probability over the measured sweeps.</param>
/// <param name="StepSize">Step size at the end of the run.</param>
/// <param name="SiteUpdates">Single-site updates of the whole chain, thermalisation included.</param>
public sealed record ModelSeries(double[] MagnetisationNorm, double[] MagnetisationSquared, double[] MagnetisationFourth,
    double[] Order, double[] Energy, double[] FirstModePower, double Acceptance, double StepSize, long SiteUpdates)
{
    /// <summary>Measured sweeps.</summary>
    public int Length => MagnetisationSquared.Length;

    /// <summary>
    /// The signed components M_a per sweep (one series per component a) for 2 &lt;= n &lt;= <see cref="ChainAgreement.MaxSignedComponents"/>,
    /// for the chain comparison; empty otherwise (n = 1: <see cref="Order"/> is M).
    /// </summary>
    public IReadOnlyList<double[]> Components { get; init; } = [];

    /// <summary>Empty series of <paramref name="length"/> sweeps (filled by the runner), with component series for <paramref name="components"/>.</summary>
    internal static ModelSeries Allocate(int length, int components = 1) =>
        new(new double[length], new double[length], new double[length], new double[length], new double[length],
            new double[length], 0, 0, 0)
        {
            Components = ChainAgreement.HasSignedComponents(components)
                ? Enumerable.Range(0, components).Select(_ => new double[length]).ToArray()
                : [],
        };
}
