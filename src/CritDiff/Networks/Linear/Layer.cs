using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>One linear layer of a score network for one time slice (docs/science.md section 5).</summary>
public abstract record Layer
{
    /// <summary>Number of real parameters on a lattice.</summary>
    public abstract long ParameterCount(Lattice lattice);

    /// <summary>Short description, e.g. "full", "local:1", "dense".</summary>
    public abstract string Describe();
}

/// <summary>
/// Translation-invariant convolution (K * phi)(x) = sum_y K(y) phi(x - y), multiplier
/// m(k) = sum_y K(y) exp(-i k.y). Full range (<see cref="Range"/> null: K on all V sites) or local,
/// K supported on the cube |y|_inf &lt;= r, (2r+1)^d parameters.
/// </summary>
public sealed record ConvolutionLayer(int? Range = null) : Layer
{
    /// <summary>True for a full-range kernel.</summary>
    public bool IsFull => Range is null;

    /// <inheritdoc />
    public override long ParameterCount(Lattice lattice) =>
        IsFull ? lattice.SiteCount : (long)Math.Pow(2 * Range!.Value + 1, lattice.Dimension);

    /// <inheritdoc />
    public override string Describe() => IsFull ? "full" : $"local:{Range}";

    /// <summary>
    /// Site indices of the kernel's support: every site for a full layer, the cube |y|_inf &lt;= r
    /// (wrapped periodically, offset 0 first) for a local one. Requires 2r + 1 &lt;= L so no two
    /// offsets coincide.
    /// </summary>
    public int[] SupportOffsets(Lattice lattice)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (IsFull) return Enumerable.Range(0, lattice.SiteCount).ToArray();
        int r = Range!.Value;
        if (r < 0) throw new ArgumentOutOfRangeException(nameof(Range), r, "local range r must be >= 0");
        if (2 * r + 1 > lattice.Length)
            throw new ArgumentOutOfRangeException(nameof(Range), r,
                $"local range r must satisfy 2r+1 <= L = {lattice.Length}");
        int width = 2 * r + 1, d = lattice.Dimension;
        int count = (int)Math.Pow(width, d);
        var offsets = new List<int>(count);
        var y = new int[d];
        for (int i = 0; i < count; i++)
        {
            int rest = i;
            for (int mu = d - 1; mu >= 0; mu--)
            {
                int c = rest % width;
                rest /= width;
                y[mu] = c <= r ? c : c - width; // 0, 1..r, -r..-1 so offset 0 comes first
            }
            offsets.Add(lattice.Index(y));
        }
        return offsets.ToArray();
    }
}

/// <summary>A dense V x V matrix, s = W x (tiny lattices only, V &lt;= 256): V^2 parameters.</summary>
public sealed record DenseLayer : Layer
{
    /// <summary>
    /// Largest lattice a dense layer accepts: a step costs O(V^3) (V = 1024 trained for over 400 s on two cores with no
    /// progress shown); V = 256 takes seconds.
    /// </summary>
    public const int MaxSites = 256;

    /// <inheritdoc />
    public override long ParameterCount(Lattice lattice) => (long)lattice.SiteCount * lattice.SiteCount;

    /// <inheritdoc />
    public override string Describe() => "dense";
}
