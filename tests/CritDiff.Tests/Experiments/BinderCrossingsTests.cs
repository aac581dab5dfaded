using CritDiff.Experiments;
using CritDiff.Statistics;
using Xunit.Abstractions;

namespace CritDiff.Tests.Experiments;

/// <summary>
/// The local Binder-crossing fit on steep synthetic curves with a known crossing and known noise (the estimate is unbiased
/// within its error and chi^2 / dof ~ 1 over many noise draws), and the refinement window: it widens where the sign change
/// lies at or beyond an edge and never narrows past the couplings that bracket it.
/// </summary>
public sealed class BinderCrossingsTests(ITestOutputHelper output)
{
    private const double Crossing = 0.4407, Sigma = 0.005;

    /// <summary>
    /// U_L(g) = (1/3)(1 + tanh(3 L (g - g*) + 0.6)): both sizes take U* = (1/3)(1 + tanh 0.6) at g*, and U(L = 32) rises by
    /// 0.6 over a window of 0.04 (steep: one quadratic over the window misses it by far more than Sigma).
    /// </summary>
    private static double Tanh(int length, double g) => (1 + Math.Tanh(3 * length * (g - Crossing) + 0.6)) / 3;

    private static BinderPoint[] Curve(int length, double[] grid, ref RandomStream rng, double sigma)
    {
        var points = new BinderPoint[grid.Length];
        for (int i = 0; i < grid.Length; i++) points[i] = new BinderPoint(grid[i], Tanh(length, grid[i]) + sigma * rng.NextGaussian(), Sigma);
        return points;
    }

    [Fact]
    public void SteepTanhCurvesCrossWhereTheyShouldWithinErrorsAndChiSquarePerDofNearOne()
    {
        var grid = CriticalPointFinder.Grid(0.42, 0.46, 17);
        var none = new RandomStream(0, 0);
        var exact = BinderCrossings.Find(16, Curve(16, grid, ref none, 0), 32, Curve(32, grid, ref none, 0), 0.42, 0.46, 2, 100, 1);
        // Noise-free: the local quadratics' bias is far below the error the noise gives.
        Assert.True(Math.Abs(exact.Coupling.Mean - Crossing) < 0.1 * exact.Coupling.Error, $"noise-free crossing {exact.Coupling}");
        const int draws = 100;
        var pulls = new double[draws];
        var chi2 = new double[draws];
        for (int r = 0; r < draws; r++)
        {
            var rng = new RandomStream(7, (ulong)r);
            var c = BinderCrossings.Find(16, Curve(16, grid, ref rng, Sigma), 32, Curve(32, grid, ref rng, Sigma), 0.42, 0.46, 2, 100, (ulong)r);
            Assert.True(c.Found, c.Warning);
            Assert.Equal(2, c.DegreesOfFreedom);
            (pulls[r], chi2[r]) = ((c.Coupling.Mean - Crossing) / c.Coupling.Error, c.ChiSquarePerDof);
        }
        var pull = Stats.FromSamples(pulls);
        double meanChi2 = chi2.Average(), spread = Math.Sqrt(pulls.Sum(p => (p - pull.Mean) * (p - pull.Mean)) / (draws - 1));
        int within = pulls.Count(p => Math.Abs(p) <= 2);
        output.WriteLine($"pulls: mean {pull}, spread {spread:F3}, within 2 errors {within}/{draws}; mean chi2/dof {meanChi2:F3}");
        // Unbiased within 3 standard errors of the mean pull; the errors cover: spread 1 (errors scaled up by sqrt(chi2/dof)
        // when that exceeds 1 make it a little below 1) and ~95% within 2 errors (binomial sd 2.2%: >= 88%).
        Assert.InRange(pull.Mean, -3 * pull.Error, 3 * pull.Error);
        Assert.InRange(spread, 0.75, 1.2);
        Assert.True(within >= 88, $"{within} of {draws} within 2 errors");
        // chi2 / dof with 2 dof has mean 1 and sd 1: over 100 draws the mean is 1 +- 0.1 (allowed: 3 sd).
        Assert.InRange(meanChi2, 0.7, 1.3);
    }

    [Fact]
    public void SignChangeInTheEdgeIntervalWidensTheWindowOnThatSide()
    {
        // Lines crossing at 0.475, inside the window's highest interval [0.46, 0.48].
        var grid = CriticalPointFinder.Grid(0.40, 0.48, 5);
        var c = BinderCrossings.Find(8, Line(grid, 2, 0.475), 16, Line(grid, 5, 0.475), 0.40, 0.48, 2, 50, 1);
        Assert.True(c.Found, c.Warning);
        Assert.Equal(0.475, c.Coupling.Mean, 1e-9);
        Assert.Equal(+1, c.Edge);
        Assert.Contains("highest interval", c.Warning);
        var next = CriticalPointFinder.NextWindow(Stage(c, 0.40, 0.48), (0.40, 0.48), [])!.Value;
        Assert.Equal(0.40, next.Lower);
        Assert.Equal(0.52, next.Upper, 1e-12);
    }

    [Fact]
    public void CurvesThatDoNotCrossWidenTowardsTheCrossing()
    {
        var grid = CriticalPointFinder.Grid(0.40, 0.48, 5);
        // Disordered side (U of the smaller size above): the crossing is above the window.
        var above = BinderCrossings.Find(8, Line(grid, 2, 0.6), 16, Line(grid, 5, 0.6), 0.40, 0.48, 2, 50, 1);
        // Ordered side: below.
        var below = BinderCrossings.Find(8, Line(grid, 2, 0.3), 16, Line(grid, 5, 0.3), 0.40, 0.48, 2, 50, 1);
        Assert.False(above.Found);
        Assert.False(below.Found);
        Assert.Equal((+1, -1), (above.Edge, below.Edge));
        var warnings = new List<string>();
        var up = CriticalPointFinder.NextWindow(Stage(above, 0.40, 0.48), (0.40, 0.48), warnings)!.Value;
        Assert.Equal(0.40, up.Lower);
        Assert.Equal(0.52, up.Upper, 1e-12);
        var down = CriticalPointFinder.NextWindow(Stage(below, 0.40, 0.48), (0.40, 0.48), warnings)!.Value;
        Assert.Equal(0.36, down.Lower, 1e-12);
        Assert.Equal(0.48, down.Upper);
        Assert.Equal(2, warnings.Count);
    }

    [Fact]
    public void NarrowingNeverExcludesTheCouplingsThatBracketTheCrossing()
    {
        // A tiny error (sigma 1e-7) would narrow to g* +- h / 8 = [0.44, 0.45] and drop the bracketing coupling 0.46.
        var grid = CriticalPointFinder.Grid(0.40, 0.48, 5);
        var c = BinderCrossings.Find(8, Line(grid, 2, 0.445, 1e-7), 16, Line(grid, 5, 0.445, 1e-7), 0.40, 0.48, 2, 50, 1);
        Assert.Equal(0, c.Edge);
        Assert.Equal((grid[2], grid[3]), (c.BracketLower, c.BracketUpper));
        var next = CriticalPointFinder.NextWindow(Stage(c, 0.40, 0.48), (0.40, 0.48), [])!.Value;
        Assert.True(next.Lower <= c.BracketLower && next.Upper >= c.BracketUpper, $"next window {next}");
        Assert.True(next.Upper - next.Lower < 0.08, "the window should still narrow");
    }

    /// <summary>U = 0.6 + slope (g - g0) with error <paramref name="sigma"/>.</summary>
    private static BinderPoint[] Line(double[] grid, double slope, double g0, double sigma = 0.01) =>
        grid.Select(g => new BinderPoint(g, 0.6 + slope * (g - g0), sigma)).ToArray();

    private static CriticalPointStage Stage(BinderCrossing c, double lower, double upper)
    {
        var (g, u, chi2) = BinderCrossings.Combine([c]);
        return new CriticalPointStage(0, lower, upper, CriticalPointFinder.Grid(lower, upper, 5), [c], g, u, chi2);
    }
}
