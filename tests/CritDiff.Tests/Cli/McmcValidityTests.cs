using System.Text.Json.Nodes;

namespace CritDiff.Tests.Cli;

/// <summary>The Gaussian mcmc path flags runs that never moved, like the finite-n path does.</summary>
public class McmcValidityTests
{
    [Fact]
    public void ZeroAcceptanceWarnsAndMarksTheResultInvalid()
    {
        // One leapfrog step of 1e6 (trajectory length 1e6) makes every trajectory's energy error astronomic: no proposal is ever accepted.
        var (code, output, error) = Cli.Run("mcmc", "--d", "2", "--L", "4", "--xi", "1", "--algo", "hmc", "--step", "1e6", "--trajectory-length", "1e6",
            "--sweeps", "100", "--thermalize", "10", "--chains", "1", "--json");
        Assert.True(code == 0, error);
        Assert.Contains("warning: acceptance is 0", error);
        var json = JsonNode.Parse(output)!.AsObject();
        Assert.False(json["valid"]!.GetValue<bool>());
        Assert.Contains("acceptance is 0", json["warnings"]![0]!.GetValue<string>());
    }

    [Fact]
    public void HealthyRunIsValidWithoutWarnings()
    {
        var (code, output, error) = Cli.Run("mcmc", "--d", "2", "--L", "4", "--xi", "1", "--sweeps", "200", "--thermalize", "20",
            "--chains", "1", "--json");
        Assert.True(code == 0, error);
        Assert.DoesNotContain("warning", error);
        var json = JsonNode.Parse(output)!.AsObject();
        Assert.True(json["valid"]!.GetValue<bool>());
        Assert.Empty(json["warnings"]!.AsArray());
    }

    [Fact]
    public void ScalingWithChainsThatNeverMoveWarnsAndIsNotBadInput()
    {
        var (code, _, error) = Cli.Run("mcmc-scaling", "--d", "2", "--L", "4,6", "--xi", "1", "--algo", "hmc", "--step", "1e6", "--trajectory-length", "1e6",
            "--sweeps", "64", "--thermalize", "8", "--chains", "1");
        Assert.NotEqual(2, code);
        Assert.Contains("warning: hmc L=4: acceptance is 0", error);
        Assert.Contains("warning: hmc L=6: acceptance is 0", error);
    }
}
