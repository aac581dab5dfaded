using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Tests.Generation;

public class TrainingBudgetTests
{
    private static IReadOnlyList<BudgetPoint> Sweep(int l, string arch, int[] budgets)
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, l), 0.25);
        var process = new VariancePreserving();
        double tMax = process.AutoFinalTime(field.Susceptibility, 1e-3);
        var problem = new TrainingProblem(field, process, TimeGrid.LogSpaced(8, 1e-3, tMax), Architecture.Parse(arch));
        return TrainingBudget.Sweep(problem, new TrainingConfig(), budgets,
            new GenerationSettings(Samplers.ExponentialIntegrator, 200, tMax, 1e-3), interpolate: true);
    }

    [Fact]
    public void KlFallsWithTheBudget()
    {
        var points = Sweep(8, "one-layer", [0, 1, 4, 16, 64]);
        for (int i = 1; i < points.Count; i++) Assert.True(points[i].KlPerSite < points[i - 1].KlPerSite);
        Assert.All(points, p => Assert.True(p.KlPerSiteVsData >= 0));
    }

    [Fact]
    public void FixedBudgetGenerationDegradesWithLForOneLayerNotForTwoLayer()
    {
        // Claim C2: after 32 steps the one-layer network's generated law is much worse at L = 16 than at L = 8,
        // while the two-layer network, which trains in ~log L steps, is converged at both sizes.
        double one8 = Sweep(8, "one-layer", [32])[0].KlPerSite, one16 = Sweep(16, "one-layer", [32])[0].KlPerSite;
        double two8 = Sweep(8, "two-layer", [32])[0].KlPerSite, two16 = Sweep(16, "two-layer", [32])[0].KlPerSite;
        Assert.True(one16 > 10 * one8, $"one-layer KL {one8} -> {one16}");
        Assert.True(two16 < 3 * two8 && two16 < one16 / 10, $"two-layer KL {two8} -> {two16}");
    }
}
