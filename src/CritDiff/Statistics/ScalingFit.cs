namespace CritDiff.Statistics;

/// <summary>
/// Growth of a cost y (training steps, autocorrelation time) with the system size L, fitted two ways:
/// a power law y = A L^p (a line in ln y against ln L, exponent p with its error) and a logarithm
/// y = a + b ln L (slope b with its error). Which describes the data better is decided by the
/// residuals of both in the same coordinates, ln y (both have two parameters, so this is also the
/// Akaike criterion): <see cref="Preferred"/> is "power" or "log". Two points fit both forms exactly, so a
/// two-point fit names no law (<see cref="NoPreference"/>).
/// </summary>
public sealed record ScalingFit(LinearFit Power, LinearFit Logarithmic, double PowerLogResidual, double LogLogResidual)
{
    /// <summary>Power-law exponent p.</summary>
    public double PowerExponent => Power.Slope;

    /// <summary>Standard error of p.</summary>
    public double PowerExponentError => Power.SlopeError;

    /// <summary>Slope b of y = a + b ln L.</summary>
    public double LogSlope => Logarithmic.Slope;

    /// <summary>Standard error of b.</summary>
    public double LogSlopeError => Logarithmic.SlopeError;

    /// <summary><see cref="Preferred"/> of a fit through two points (both forms pass through them exactly).</summary>
    public const string NoPreference = "none (2 points)";

    /// <summary>
    /// "power" or "log": the form with the smaller sum of squared residuals in ln y; <see cref="NoPreference"/>
    /// with fewer than 3 points, where both residuals are zero up to rounding and the choice would be noise.
    /// </summary>
    public string Preferred => Power.PointCount < 3 ? NoPreference : LogLogResidual < PowerLogResidual ? "log" : "power";

    /// <summary>Akaike information criterion difference AIC(power) - AIC(log) in ln y (positive favours log).</summary>
    public double AkaikeDifference
    {
        get
        {
            int n = Power.PointCount;
            const double floor = 1e-300;
            return n * (Math.Log(Math.Max(PowerLogResidual, floor) / n) - Math.Log(Math.Max(LogLogResidual, floor) / n));
        }
    }

    /// <summary>
    /// Fits both forms to sizes <paramref name="sizes"/> (all &gt; 0) and costs <paramref name="costs"/>
    /// (all &gt; 0), with optional standard errors of the costs (propagated as err/y into ln y).
    /// </summary>
    public static ScalingFit Of(IReadOnlyList<double> sizes, IReadOnlyList<double> costs, IReadOnlyList<double>? costErrors = null)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(costs);
        if (sizes.Count != costs.Count) throw new ArgumentException("sizes and costs must have the same length");
        for (int i = 0; i < sizes.Count; i++)
            if (!(sizes[i] > 0) || !(costs[i] > 0))
                throw new ArgumentException($"sizes and costs must be > 0 (point {i}: L = {sizes[i]}, y = {costs[i]})");
        var lnL = sizes.Select(s => Math.Log(s)).ToArray();
        var lnY = costs.Select(c => Math.Log(c)).ToArray();
        var lnErrors = costErrors?.Select((e, i) => e / costs[i]).ToArray();
        var power = LinearFit.Of(lnL, lnY, lnErrors);
        var log = LinearFit.Of(lnL, costs, costErrors);
        double powerResidual = 0, logResidual = 0;
        for (int i = 0; i < lnL.Length; i++)
        {
            double rp = lnY[i] - power.At(lnL[i]);
            powerResidual += rp * rp;
            double predicted = log.At(lnL[i]);
            // A log fit that predicts a non-positive cost cannot describe positive data at that point.
            double rl = predicted > 0 ? lnY[i] - Math.Log(predicted) : double.PositiveInfinity;
            logResidual += rl * rl;
        }
        return new ScalingFit(power, log, powerResidual, logResidual);
    }
}
