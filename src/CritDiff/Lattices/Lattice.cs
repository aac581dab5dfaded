namespace CritDiff.Lattices;

/// <summary>
/// The periodic hypercubic lattice {0..L-1}^d with V = L^d sites (docs/science.md section 2).
/// Sites and Fourier modes share one row-major (C-order) index: coordinate 0 varies slowest,
/// so a field stored as <c>double[V]</c> reshapes to NumPy's <c>[L, ..., L]</c> without copying.
/// Mode n = (n_1..n_d) has momentum k_mu = 2 pi n_mu / L.
/// </summary>
public sealed record Lattice
{
    /// <summary>Largest site count accepted (2^28 sites = 2 GiB per real field).</summary>
    public const int MaxSiteCount = 1 << 28;

    /// <summary>Creates the lattice; throws <see cref="ArgumentOutOfRangeException"/> for d outside 1..4 or L &lt; 2.</summary>
    public Lattice(int dimension, int length)
    {
        if (dimension is < 1 or > 4)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension d must be in 1..4");
        if (length < 2)
            throw new ArgumentOutOfRangeException(nameof(length), length, "length L must be >= 2");
        if (Math.Pow(length, dimension) > MaxSiteCount)
            throw new ArgumentOutOfRangeException(nameof(length), length,
                $"L^d must be at most {MaxSiteCount} sites");
        Dimension = dimension;
        Length = length;
        int v = 1;
        for (int mu = 0; mu < dimension; mu++) v *= length;
        SiteCount = v;
    }

    /// <summary>Spatial dimension d (1..4).</summary>
    public int Dimension { get; }

    /// <summary>Linear size L (>= 2).</summary>
    public int Length { get; }

    /// <summary>Number of sites V = L^d (also the number of Fourier modes).</summary>
    public int SiteCount { get; }

    /// <summary>Shape [L, ..., L] (d entries), as NumPy sees a configuration.</summary>
    public int[] Shape => Enumerable.Repeat(Length, Dimension).ToArray();

    /// <summary>Row-major stride of axis mu: L^(d-1-mu).</summary>
    public int Stride(int axis)
    {
        int s = 1;
        for (int mu = axis + 1; mu < Dimension; mu++) s *= Length;
        return s;
    }

    /// <summary>Index of the site (or mode) with the given coordinates, each taken modulo L.</summary>
    public int Index(ReadOnlySpan<int> coordinates)
    {
        if (coordinates.Length != Dimension)
            throw new ArgumentException($"expected {Dimension} coordinates", nameof(coordinates));
        int index = 0;
        foreach (int c in coordinates)
            index = index * Length + ((c % Length) + Length) % Length;
        return index;
    }

    /// <summary>Writes the coordinates (x_1..x_d) of a site (or mode) index into <paramref name="coordinates"/>.</summary>
    public void Coordinates(int index, Span<int> coordinates)
    {
        if ((uint)index >= (uint)SiteCount) throw new ArgumentOutOfRangeException(nameof(index));
        if (coordinates.Length != Dimension)
            throw new ArgumentException($"expected {Dimension} coordinates", nameof(coordinates));
        for (int mu = Dimension - 1; mu >= 0; mu--)
        {
            coordinates[mu] = index % Length;
            index /= Length;
        }
    }

    /// <summary>The neighbour of <paramref name="site"/> one step along axis mu, forward (+1) or backward (-1), periodic.</summary>
    public int Neighbour(int site, int axis, int direction)
    {
        if ((uint)axis >= (uint)Dimension) throw new ArgumentOutOfRangeException(nameof(axis));
        int stride = Stride(axis);
        int x = site / stride % Length;
        int shifted = ((x + direction) % Length + Length) % Length;
        return site + (shifted - x) * stride;
    }

    /// <summary>The shift of every site by +1 along axis mu: result[x] = x + e_mu (periodic).</summary>
    public int[] ForwardNeighbours(int axis)
    {
        var result = new int[SiteCount];
        for (int x = 0; x < SiteCount; x++) result[x] = Neighbour(x, axis, +1);
        return result;
    }

    /// <summary>Momentum component k_mu = 2 pi n_mu / L of mode <paramref name="mode"/>.</summary>
    public double Momentum(int mode, int axis) => 2 * Math.PI * (mode / Stride(axis) % Length) / Length;

    /// <summary>Lattice Laplacian eigenvalue khat2(k) = sum_mu 4 sin^2(k_mu / 2), in [0, 4d].</summary>
    public double KHat2(int mode)
    {
        double sum = 0;
        for (int mu = 0; mu < Dimension; mu++)
        {
            double s = Math.Sin(Momentum(mode, mu) / 2);
            sum += 4 * s * s;
        }
        return sum;
    }

    /// <summary>khat2 for every mode, indexed like the sites.</summary>
    public double[] KHat2Table()
    {
        var oneDim = new double[Length];
        for (int n = 0; n < Length; n++)
        {
            double s = Math.Sin(Math.PI * n / Length);
            oneDim[n] = 4 * s * s;
        }
        var table = new double[SiteCount];
        Span<int> n_ = stackalloc int[Dimension];
        for (int mode = 0; mode < SiteCount; mode++)
        {
            Coordinates(mode, n_);
            double sum = 0;
            for (int mu = 0; mu < Dimension; mu++) sum += oneDim[n_[mu]];
            table[mode] = sum;
        }
        return table;
    }

    /// <summary>
    /// The distinct per-axis combinations of khat2 with their multiplicities, for sums over all modes
    /// of a function of khat2 alone: sum_k f(khat2(k)) = sum_i Weights[i] f(Values[i]).
    /// Folds n and L-n on every axis, so it has (floor(L/2)+1)^d entries instead of L^d.
    /// </summary>
    public (double[] Values, double[] Weights) KHat2Multiset()
    {
        int half = Length / 2 + 1;
        var oneDim = new double[half];
        var oneWeight = new double[half];
        for (int n = 0; n < half; n++)
        {
            double s = Math.Sin(Math.PI * n / Length);
            oneDim[n] = 4 * s * s;
            oneWeight[n] = n == 0 || 2 * n == Length ? 1 : 2;
        }
        int count = 1;
        for (int mu = 0; mu < Dimension; mu++) count *= half;
        var values = new double[count];
        var weights = new double[count];
        for (int i = 0; i < count; i++)
        {
            double v = 0, w = 1;
            int rest = i;
            for (int mu = 0; mu < Dimension; mu++)
            {
                int n = rest % half;
                rest /= half;
                v += oneDim[n];
                w *= oneWeight[n];
            }
            values[i] = v;
            weights[i] = w;
        }
        return (values, weights);
    }

    /// <summary>Index of the mode -k (the conjugate partner of a real field's Fourier coefficient).</summary>
    public int NegatedMode(int mode)
    {
        Span<int> n = stackalloc int[Dimension];
        Coordinates(mode, n);
        for (int mu = 0; mu < Dimension; mu++) n[mu] = -n[mu];
        return Index(n);
    }

    /// <summary>Index of the lowest non-zero mode along axis mu, k = (2 pi / L) e_mu.</summary>
    public int FirstMode(int axis) => Stride(axis);

    /// <inheritdoc />
    public override string ToString() => $"d={Dimension}, L={Length}, V={SiteCount}";
}
