using CritDiff.Statistics;

namespace CritDiff.Tests.Statistics;

/// <summary>The Sokal-window estimator against AR(1) series x_t = rho x_{t-1} + sqrt(1 - rho^2) eta_t, whose tau_int = (1 + rho) / (2 (1 - rho)).</summary>
public class AutocorrelationTests
{
    private static double[] Ar1(double rho, int n, ulong seed)
    {
        var rng = new RandomStream(seed, 0);
        var noise = new double[n];
        rng.FillGaussian(noise);
        var x = new double[n];
        x[0] = noise[0];
        double s = Math.Sqrt(1 - rho * rho);
        for (int t = 1; t < n; t++) x[t] = rho * x[t - 1] + s * noise[t];
        return x;
    }

    [Theory]
    [InlineData(0.0, 1UL)]
    [InlineData(0.5, 2UL)]
    [InlineData(0.9, 3UL)]
    [InlineData(0.98, 4UL)]
    public void RecoversTauOfAr1WithinItsError(double rho, ulong seed)
    {
        double exact = (1 + rho) / (2 * (1 - rho));
        var (tau, error, window) = Autocorrelation.IntegratedTime(Ar1(rho, 200_000, seed));
        Assert.InRange(Math.Abs(tau - exact), 0, Tolerances.StandardErrors * error);
        Assert.True(window >= Autocorrelation.WindowFactor * tau - 1, $"window {window} < 6 tau = {6 * tau}");
    }

    [Fact]
    public void CorrectedMeanErrorCoversTheTrueMean()
    {
        // Var(mean) of AR(1) = 2 tau / N for unit variance: the corrected error must be that, not 1/sqrt(N).
        const double rho = 0.9;
        var series = Ar1(rho, 100_000, 5);
        var mean = Autocorrelation.Mean(series);
        double expected = Math.Sqrt(2 * (1 + rho) / (2 * (1 - rho)) / series.Length);
        Assert.InRange(mean.Error / expected, 0.8, 1.25); // the tau estimate's own ~5% error, with margin
        Assert.InRange(Math.Abs(mean.Mean), 0, Tolerances.StandardErrors * mean.Error);
    }
}
