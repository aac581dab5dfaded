namespace CritDiff.Fields;

/// <summary>A literature critical coupling in the unit-spin convention, with its source and kind.</summary>
/// <param name="BetaUnit">beta_unit at the transition (unit spins).</param>
/// <param name="Kind">"critical" for a second-order point, "BKT" for the Kosterlitz-Thouless point of 2D XY.</param>
/// <param name="Source">Where the number comes from.</param>
public sealed record LiteratureCriticalPoint(double BetaUnit, string Kind, string Source);

/// <summary>
/// Literature critical points of the O(n) spin model on hypercubic lattices (docs/science.md section 10), unit-spin
/// convention: d = 3, n = 1..4; d = 2, Ising (exact) and the XY BKT point. n >= 3 in d = 2 has no finite-beta
/// transition. In the |s|^2 = n normalisation beta_c = beta_unit / n.
/// </summary>
public static class LiteratureCriticalPoints
{
    /// <summary>Which (d, n) have a value, in words.</summary>
    public const string Known = "known: d = 3 with n = 1, 2, 3, 4; d = 2 with n = 1 (Ising) and n = 2 (XY, BKT point)";

    /// <summary>The point for dimension <paramref name="dimension"/> and <paramref name="components"/> components, or null.</summary>
    public static LiteratureCriticalPoint? Of(int dimension, int components) => (dimension, components) switch
    {
        (3, 1) => new(0.22165463, "critical", "3D Ising, Monte Carlo (Deng & Bloete 2003)"),
        (3, 2) => new(0.45416474, "critical", "3D XY, Monte Carlo (Hasenbusch 2019)"),
        (3, 3) => new(0.693002, "critical", "3D Heisenberg, Monte Carlo (Campostrini et al. 2002)"),
        (3, 4) => new(0.935861, "critical", "3D O(4), Monte Carlo (Ballesteros et al. 1996)"),
        (2, 1) => new(0.5 * Math.Log(1 + Math.Sqrt(2)), "critical", "2D Ising, exact (Onsager)"),
        (2, 2) => new(1.1199, "BKT", "2D XY Kosterlitz-Thouless point (Hasenbusch 2005)"),
        _ => null,
    };
}
