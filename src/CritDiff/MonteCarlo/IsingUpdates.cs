using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// The n = 1 (Ising) hot loops on spins s_x = +-1 stored as doubles, coupling beta (= beta_unit at n = 1),
/// S = -beta sum_&lt;xy&gt; s_x s_y. With the neighbour sum h_x an even integer in [-2d, 2d], every local quantity
/// is a table lookup at index (s_x h_x + 2d)/2 or (h_x + 2d)/2, built once per kernel: no exp in the loops.
/// Sites are visited in index order (sequential sweep; each single-site update satisfies detailed balance,
/// so their fixed-order composition leaves exp(-S) invariant). Randomness is drawn only where needed.
/// The C reference in bench/c/spin_updates.c performs exactly these updates.
/// </summary>
internal static class IsingUpdates
{
    /// <summary>Metropolis flip acceptance min(1, exp(-2 beta k)) for s_x h_x = k = -2d, -2d + 2, ..., 2d.</summary>
    public static double[] MetropolisTable(double beta, int degree)
    {
        var table = new double[degree + 1];
        for (int i = 0; i <= degree; i++) table[i] = Math.Min(1, Math.Exp(-2 * beta * (2 * i - degree)));
        return table;
    }

    /// <summary>Heat-bath P(s_x = +1 | h) = 1 / (1 + exp(-2 beta h)) for h = -2d, ..., 2d.</summary>
    public static double[] HeatBathTable(double beta, int degree)
    {
        var table = new double[degree + 1];
        for (int i = 0; i <= degree; i++) table[i] = 1 / (1 + Math.Exp(-2 * beta * (2 * i - degree)));
        return table;
    }

    /// <summary>
    /// One Metropolis sweep: flip s_x with probability min(1, exp(-2 beta s_x h_x)); a uniform is drawn only when
    /// the flip raises the action. Returns the mean acceptance probability.
    /// </summary>
    public static double MetropolisSweep(double[] spins, NeighbourTable table, double[] acceptance, ref RandomStream random)
    {
        var rng = random;
        int degree = table.Degree, v = spins.Length;
        if (table.Sites.Length != v * degree || acceptance.Length != degree + 1) throw new ArgumentException("table does not match the spins");
        ref double s = ref MemoryMarshal.GetArrayDataReference(spins);
        ref int nb = ref MemoryMarshal.GetArrayDataReference(table.Sites);
        double sum = 0;
        for (int x = 0, k = 0; x < v; x++, k += degree)
        {
            double h = NeighbourSum(ref s, ref Unsafe.Add(ref nb, k), degree);
            double sx = Unsafe.Add(ref s, x);
            double probability = acceptance[((int)(sx * h) + degree) >> 1]; // checked: spins other than +-1 throw
            sum += probability;
            if (probability >= 1 || rng.NextDouble() < probability) Unsafe.Add(ref s, x) = -sx;
        }
        random = rng;
        return sum / v;
    }

    /// <summary>One heat-bath sweep: s_x = +1 with probability 1 / (1 + exp(-2 beta h_x)), else -1.</summary>
    public static void HeatBathSweep(double[] spins, NeighbourTable table, double[] plusProbability, ref RandomStream random)
    {
        var rng = random;
        int degree = table.Degree, v = spins.Length;
        if (table.Sites.Length != v * degree || plusProbability.Length != degree + 1) throw new ArgumentException("table does not match the spins");
        ref double s = ref MemoryMarshal.GetArrayDataReference(spins);
        ref int nb = ref MemoryMarshal.GetArrayDataReference(table.Sites);
        for (int x = 0, k = 0; x < v; x++, k += degree)
        {
            double h = NeighbourSum(ref s, ref Unsafe.Add(ref nb, k), degree);
            double up = plusProbability[((int)h + degree) >> 1];
            Unsafe.Add(ref s, x) = rng.NextDouble() < up ? 1 : -1;
        }
        random = rng;
    }

    /// <summary>A uniform site index in [0, V): the high word of a 64 x 64-bit product (bias below V / 2^64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int UniformSite(ref RandomStream random, int siteCount) => (int)Math.BigMul(random.NextUInt64(), (ulong)siteCount, out _);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double NeighbourSum(ref double s, ref int row, int degree)
    {
        double h = 0;
        for (int j = 0; j < degree; j++) h += Unsafe.Add(ref s, Unsafe.Add(ref row, j));
        return h;
    }
}
