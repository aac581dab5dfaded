using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// One Wolff cluster of Ising spins s = +-1 (doubles) at coupling beta: a uniformly random seed is flipped and pushed;
/// each popped site adds every neighbour that still has the cluster's old sign with probability p = 1 - exp(-2 beta),
/// flipping it on the spot, so a flipped site is never tested again and no mark array is needed. A neighbour listed
/// twice (L = 2) is tested twice, as its doubled bond requires. The stack (length V) is explicit; no recursion.
/// </summary>
internal readonly struct IsingCluster : IClusterGrower
{
    private readonly double[] _spins;
    private readonly int[] _neighbours;
    private readonly int[] _stack;
    private readonly int _degree;
    private readonly double _addProbability;

    public IsingCluster(double[] spins, NeighbourTable table, double addProbability, int[] stack)
    {
        if (table.Sites.Length != spins.Length * table.Degree || stack.Length < spins.Length)
            throw new ArgumentException("table or stack does not match the spins");
        _spins = spins;
        _neighbours = table.Sites;
        _degree = table.Degree;
        _addProbability = addProbability;
        _stack = stack;
    }

    /// <inheritdoc/>
    public int GrowAndFlip(ref RandomStream random)
    {
        var rng = random;
        int degree = _degree;
        double p = _addProbability;
        ref double s = ref MemoryMarshal.GetArrayDataReference(_spins);
        ref int nb = ref MemoryMarshal.GetArrayDataReference(_neighbours);
        ref int stack = ref MemoryMarshal.GetArrayDataReference(_stack);
        int seed = IsingUpdates.UniformSite(ref rng, _spins.Length);
        double old = Unsafe.Add(ref s, seed);
        Unsafe.Add(ref s, seed) = -old;
        stack = seed;
        int depth = 1, size = 1;
        while (depth > 0)
        {
            ref int row = ref Unsafe.Add(ref nb, Unsafe.Add(ref stack, --depth) * degree);
            for (int j = 0; j < degree; j++)
            {
                int y = Unsafe.Add(ref row, j);
                if (Unsafe.Add(ref s, y) == old && rng.NextDouble() < p)
                {
                    Unsafe.Add(ref s, y) = -old;
                    Unsafe.Add(ref stack, depth++) = y;
                    size++;
                }
            }
        }
        random = rng;
        return size;
    }
}
