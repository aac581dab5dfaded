using CritDiff.Fields;
using CritDiff.MonteCarlo;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// Critical slowing down at xi/L = 1/4 in d = 2: heat bath has z = 2 (tau_int(M^2) ~ xi^2, since the zero mode
/// relaxes by (2d/(2d + mu2))^2 per sweep); Fourier-accelerated HMC has tau_int independent of L.
/// Sizes 8, 16, 32 (tau ~ 4, 16, 60 for heat bath); sweeps chosen so that N > 300 tau at the largest L.
/// </summary>
public class DynamicExponentTests
{
    private static readonly int[] Sizes = [8, 16, 32];

    [Fact]
    public void HeatBathHasZNearTwo()
    {
        var scan = AutocorrelationScan.Run(l => GaussianField.AtCorrelationLengthOverSize(l, 0.25), 2, Sizes, "heatbath",
            new McmcSettings(Sweeps: 20_000, Thermalization: 500, Chains: 2, Seed: 5));
        Assert.InRange(scan.DynamicExponent, 1.5, 2.5);
        Assert.True(scan.DynamicExponentError < 0.25,
            $"z = {scan.DynamicExponent} +- {scan.DynamicExponentError}; tau_int(M^2) = {string.Join(", ", scan.Runs.Select(r => r.TauMagnetisationSquared))}");
    }

    [Fact]
    public void FourierAcceleratedHmcDoesNotSlowDown()
    {
        var scan = AutocorrelationScan.Run(l => GaussianField.AtCorrelationLengthOverSize(l, 0.25), 2, Sizes, "fa-hmc",
            new McmcSettings(Sweeps: 1_000, Thermalization: 300, Chains: 2, Seed: 5));
        var taus = scan.Runs.Select(r => r.TauMagnetisationSquared.Mean).ToArray();
        Assert.True(taus.Max() / taus.Min() <= 2, $"tau_int(M^2) = {string.Join(", ", taus)} for L = {string.Join(", ", Sizes)}");
        Assert.InRange(scan.DynamicExponent, -0.5, 0.5);
    }
}
