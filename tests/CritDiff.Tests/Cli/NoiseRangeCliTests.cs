using System.Text.Json.Nodes;

namespace CritDiff.Tests.Cli;

/// <summary>--schedule ve-geometric, --sigma-min/--sigma-max and --grid on the command line (issue 22).</summary>
public class NoiseRangeCliTests
{
    private static readonly string[] Exact = ["generate", "--exact-score", "--d", "2", "--L", "4", "--xi", "1", "--n", "0", "--json"];

    [Theory]
    [InlineData("--schedule ve-geometric --sigma-min 2 --sigma-max 1", "--sigma-min (2) must be smaller than --sigma-max (1)")]
    [InlineData("--schedule ve-geometric --sigma-min 1 --sigma-max 1", "--sigma-min (1) must be smaller than --sigma-max (1)")]
    [InlineData("--schedule ve-geometric --sigma-min 0", "--sigma-min must be a number > 0")]
    [InlineData("--schedule ve-geometric --sigma-max -3", "--sigma-max must be a number > 0")]
    [InlineData("--schedule ve-geometric --sigma-min 1e9", "--sigma-min (1E+09) must be smaller than the data's default sigma_max")]
    [InlineData("--schedule vp --sigma-max 3", "--sigma-max applies only with --schedule ve-geometric")]
    [InlineData("--schedule ve-geometric:1:0.5", "--schedule: sigma_max must be finite and larger than sigma_min")]
    [InlineData("--grid cosine", "--grid: unknown grid 'cosine'")]
    [InlineData("--grid karras:-1", "--grid: unknown grid 'karras:-1'")]
    public void BadNoiseRangeOrGridExitsTwoNamingTheOption(string extra, string expected)
    {
        Cli.AssertRefused([.. Exact, .. extra.Split(' ')], expected);
        if (extra.Contains("sigma", StringComparison.Ordinal) && !extra.Contains("vp", StringComparison.Ordinal))
            Cli.AssertRefused(["train", "--d", "2", "--L", "4", "--xi", "1", .. extra.Split(' ')], expected.Split(' ')[0]);
    }

    [Fact]
    public void GeometricVeDefaultsToTheDataRangeAndTheLogGrid()
    {
        var (code, output, error) = Cli.Run([.. Exact, "--schedule", "ve-geometric", "--t-max", "auto", "--steps", "60", "--sampler", "ode-heun"]);
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("log", (string?)json["grid"]);
        Assert.Equal(1.0, (double)json["t_max"]!);
        double min = (double)json["sigma_min"]!, max = (double)json["sigma_max"]!;
        Assert.StartsWith("ve-geometric:", (string?)json["schedule"]);
        Assert.True(min > 0 && max > 100 * min, $"{min} {max}");
        Assert.Empty(json["warnings"]!.AsArray());
        Assert.InRange((double)json["kl_per_site"]!, 0, 1e-3);
    }

    [Fact]
    public void UniformVeWithAutoTMaxWarnsOnStderrAndInTheJson()
    {
        // The case: b^2 = t, --t-max auto = 1000 chi, uniform steps: the data scale inside the last step.
        var (code, output, error) = Cli.Run([.. Exact, "--schedule", "ve", "--t-max", "auto", "--steps", "200", "--grid", "uniform"]);
        Assert.True(code == 0, error);
        var warnings = JsonNode.Parse(output)!["warnings"]!.AsArray().Select(w => (string)w!).ToArray();
        Assert.Contains(warnings, w => w.Contains("across the data's largest variance", StringComparison.Ordinal));
        Assert.Contains("warning: reverse step 200 of 200 (uniform grid", error);
        // The same on the log grid, ve's default: no warning.
        (code, output, error) = Cli.Run([.. Exact, "--schedule", "ve", "--t-max", "auto", "--steps", "200"]);
        Assert.True(code == 0, error);
        Assert.Empty(JsonNode.Parse(output)!["warnings"]!.AsArray());
    }
}
