using CritDiff.Lattices;

namespace CritDiff.Generation;

/// <summary>
/// A colouring of the sites for forward-mode Jacobian traces: the sites equal modulo P on every axis form one class,
/// with P the smallest divisor of L such that P &gt; r, for a score whose value at x depends on the input only within
/// |y - x|_inf &lt;= r (its receptive range). Two sites of a class differ by a non-zero multiple of P on some axis, so
/// their periodic distance is at least P &gt; r: a tangent that is 1 at every site of a class gives at each of them the
/// diagonal entry alone. A score that sees the whole lattice (r unknown) gets P = L: one class per site. P^d classes.
/// </summary>
internal sealed class SiteColouring
{
    private SiteColouring(int period, int[][] classes)
    {
        Period = period;
        Classes = classes;
    }

    /// <summary>The period P.</summary>
    public int Period { get; }

    /// <summary>The sites of each class (P^d classes).</summary>
    public int[][] Classes { get; }

    /// <summary>The colouring for a receptive range <paramref name="range"/> (null: global).</summary>
    public static SiteColouring For(Lattice lattice, int? range)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        int period = lattice.Length;
        if (range is { } r)
        {
            if (r < 0) throw new ArgumentOutOfRangeException(nameof(range), r, "the receptive range must be >= 0");
            for (int p = r + 1; p < lattice.Length; p++)
                if (lattice.Length % p == 0)
                {
                    period = p;
                    break;
                }
        }
        int d = lattice.Dimension, classes = checked((int)Math.Pow(period, d));
        var lists = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
        Span<int> coordinates = stackalloc int[d];
        for (int x = 0; x < lattice.SiteCount; x++)
        {
            lattice.Coordinates(x, coordinates);
            int colour = 0;
            for (int mu = 0; mu < d; mu++) colour = colour * period + coordinates[mu] % period;
            lists[colour].Add(x);
        }
        return new SiteColouring(period, lists.Select(l => l.ToArray()).ToArray());
    }
}
