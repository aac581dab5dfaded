using System.Globalization;
using CritDiff.Statistics;

namespace CritDiff.Generation;

/// <summary>
/// How the probability-flow ODE evaluates div s = tr(ds/dx) for each sample's log-density (docs/science.md section 10),
/// asked for with --log-density or --reweight; without one no trace is evaluated. <see cref="Exact"/>: the score's exact
/// trace (<see cref="TimeScore.JacobianTrace"/>: a closed form or the Jacobian diagonal where the score has one, else
/// forward mode over a colouring of the sites, n V / (sites per colour) Jacobian-vector products per trace).
/// <see cref="HutchinsonTrace"/>: Hutchinson's estimator z^T (ds/dx) z with Rademacher probes z, unbiased for the trace
/// and hence for log q, with a standard error; the importance weights exp(-S - log q) it gives are biased, since
/// E exp(-noise) != 1 (Jensen).
/// </summary>
public abstract record TraceEstimator
{
    /// <summary>The exact trace.</summary>
    public static TraceEstimator Exact { get; } = new ExactTrace();

    /// <summary>
    /// Not a trace: the exact log-density of the discrete Heun map, log |det| of each step's Jacobian
    /// (<see cref="DiscreteMapDensity"/>), exact for any number of steps.
    /// </summary>
    public static TraceEstimator Discrete => DiscreteMapDensity.Instance;

    /// <summary>The name on the command line: exact, discrete, or hutchinson:P.</summary>
    public abstract string Name { get; }

    /// <summary>True when the estimate has a statistical error (Hutchinson).</summary>
    public virtual bool HasError => false;

    /// <summary>
    /// exact, discrete (<see cref="Discrete"/>), hutchinson (<see cref="HutchinsonTrace.DefaultProbes"/> probes) or hutchinson:P with P in
    /// 2..<see cref="HutchinsonTrace.MaxProbes"/>; anything else throws <see cref="ArgumentException"/> naming the forms.
    /// </summary>
    public static TraceEstimator Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string value = text.Trim().ToLowerInvariant();
        if (value == "exact") return Exact;
        if (value == "discrete") return Discrete;
        if (value == "hutchinson") return new HutchinsonTrace(HutchinsonTrace.DefaultProbes);
        if (value.StartsWith("hutchinson:", StringComparison.Ordinal) &&
            int.TryParse(value["hutchinson:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int probes) &&
            probes >= 2 && probes <= HutchinsonTrace.MaxProbes)
            return new HutchinsonTrace(probes);
        throw new ArgumentException(
            $"'{text}' is not a log-density method: use exact, discrete, hutchinson or hutchinson:P with P in 2..{HutchinsonTrace.MaxProbes} probes", nameof(text));
    }

    /// <summary>
    /// The trace of each of <paramref name="count"/> configurations at time t into <paramref name="trace"/> and the
    /// variance of that estimate into <paramref name="variance"/> (0 for the exact trace); Hutchinson's probes come from
    /// <paramref name="streams"/> (one per configuration, advanced).
    /// </summary>
    public void Estimate(TimeScore score, double t, ReadOnlySpan<double> x, int count, Span<double> trace, Span<double> variance,
        RandomStream[] streams)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(streams);
        if (count < 1 || x.Length != (long)count * score.ConfigurationLength || trace.Length != count || variance.Length != count || streams.Length < count)
            throw new ArgumentException($"expected {count} configurations of {score.ConfigurationLength} values, {count} traces, variances and streams");
        int length = count * score.ConfigurationLength;
        Estimate(score, t, x, count, trace, variance, streams, new double[length], new double[length]);
    }

    /// <summary>The work of <see cref="Estimate(TimeScore, double, ReadOnlySpan{double}, int, Span{double}, Span{double}, RandomStream[])"/>
    /// with caller-owned scratch (count x n V values each).</summary>
    internal abstract void Estimate(TimeScore score, double t, ReadOnlySpan<double> x, int count, Span<double> trace, Span<double> variance,
        RandomStream[] streams, double[] tangent, double[] product);

    /// <summary>Throws unless <paramref name="score"/> can be used with this estimator.</summary>
    internal virtual void Check(TimeScore score)
    {
    }

    /// <summary>The exact trace of the score.</summary>
    private sealed record ExactTrace : TraceEstimator
    {
        public override string Name => "exact";

        internal override void Estimate(TimeScore score, double t, ReadOnlySpan<double> x, int count, Span<double> trace, Span<double> variance,
            RandomStream[] streams, double[] tangent, double[] product)
        {
            score.JacobianTrace(t, x, count, trace);
            variance.Clear();
        }
    }
}
