using System.Numerics;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Lattices;

namespace CritDiff.Tests.Generation;

internal static class GenerationTestCases
{
    public static GaussianField Field(int l = 6) => GaussianField.AtCorrelationLengthOverSize(new Lattice(2, l), 0.25);

    public static ReverseProcess Reverse(GaussianField field, string scheme, int steps, double tMax = 12, double tMin = 0.01,
        ScoreSchedule? score = null)
    {
        var process = new VariancePreserving();
        return new ReverseProcess(field.Lattice, process, score ?? ScoreSchedule.Exact(field, process),
            new GenerationSettings(Samplers.Parse(scheme), steps, tMax, tMin));
    }

    /// <summary>A deliberately wrong score: the exact multipliers on 8 log-spaced slices, scaled by <paramref name="factor"/>.</summary>
    public static ScoreSchedule ScaledExact(GaussianField field, double factor, double tMin, double tMax)
    {
        var process = new VariancePreserving();
        var grid = TimeGrid.LogSpaced(8, tMin, tMax);
        var spectrum = field.SpectrumTable();
        var multipliers = grid.Times.Select(t => spectrum.Select(c => new Complex(factor * process.ExactScoreMultiplier(c, t), 0)).ToArray()).ToArray();
        return ScoreSchedule.Sliced(grid.Times, multipliers, interpolate: true);
    }
}
