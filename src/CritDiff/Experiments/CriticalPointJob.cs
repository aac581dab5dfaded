using System.Globalization;

namespace CritDiff.Experiments;

/// <summary>One Monte Carlo run of a <see cref="CriticalPointSpec"/>: size L at one coupling of one stage.</summary>
/// <param name="Stage">0 for the first grid, s for the s-th refinement.</param>
/// <param name="Length">L.</param>
/// <param name="Index">Position of the coupling in the stage's grid.</param>
/// <param name="Coupling">beta_unit or kappa.</param>
public sealed record CriticalPointJob(int Stage, int Length, int Index, double Coupling)
{
    /// <summary>File name stem: s{stage}_L{L}_{index:000}.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"s{Stage}_L{Length}_{Index:000}");

    /// <summary>The job's own seed, derived from the root seed and the key (so results do not depend on job order).</summary>
    public ulong SeedFrom(ulong root)
    {
        var stream = new Statistics.RandomStream(root, (ulong)(Stage * 1_000_000 + Length * 1_000 + Index));
        return stream.NextUInt64();
    }
}
