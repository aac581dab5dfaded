using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Per-site vector helpers for n-component configurations stored component-major (component a of site x at
/// a V + x): the neighbour field h_x = sum over the 2d neighbours of s_y, and uniformly random unit directions.
/// </summary>
internal static class SpinSites
{
    /// <summary>h_x (n components) into <paramref name="field"/>.</summary>
    public static void NeighbourField(ReadOnlySpan<double> configuration, int siteCount, NeighbourTable table, int site, Span<double> field)
    {
        var neighbours = table.Sites.AsSpan(site * table.Degree, table.Degree);
        for (int a = 0, offset = 0; a < field.Length; a++, offset += siteCount)
        {
            double sum = 0;
            foreach (int y in neighbours) sum += configuration[offset + y];
            field[a] = sum;
        }
    }

    /// <summary>A uniformly random unit vector: normalised independent normals (redrawn in the null event of zero norm).</summary>
    public static void RandomDirection(ref RandomStream random, Span<double> direction)
    {
        double norm;
        do
        {
            norm = 0;
            for (int a = 0; a < direction.Length; a++)
            {
                direction[a] = random.NextGaussian();
                norm += direction[a] * direction[a];
            }
        } while (norm == 0);
        Scale(direction, 1 / Math.Sqrt(norm));
    }

    /// <summary>
    /// A uniformly random unit vector orthogonal to the unit vector <paramref name="axis"/>: a normal vector g with its
    /// component along the axis removed, normalised. Its law is uniform on the orthogonal sphere by rotation invariance;
    /// g is redrawn when less than 1% of |g|^2 is left after the projection (a test on the angle of g to the axis alone,
    /// which leaves that law uniform), so the subtraction keeps the result orthogonal to rounding.
    /// </summary>
    public static void RandomOrthogonalDirection(ref RandomStream random, ReadOnlySpan<double> axis, Span<double> direction)
    {
        double norm, full;
        do
        {
            double along = 0;
            full = 0;
            for (int a = 0; a < direction.Length; a++)
            {
                direction[a] = random.NextGaussian();
                along += direction[a] * axis[a];
                full += direction[a] * direction[a];
            }
            norm = 0;
            for (int a = 0; a < direction.Length; a++)
            {
                direction[a] -= along * axis[a];
                norm += direction[a] * direction[a];
            }
        } while (!(norm > 0.01 * full));
        Scale(direction, 1 / Math.Sqrt(norm));
    }

    /// <summary>Writes the vector <paramref name="value"/> to site <paramref name="site"/>.</summary>
    public static void Store(Span<double> configuration, int siteCount, int site, ReadOnlySpan<double> value)
    {
        for (int a = 0; a < value.Length; a++) configuration[a * siteCount + site] = value[a];
    }

    /// <summary>Reads the vector at site <paramref name="site"/>.</summary>
    public static void Load(ReadOnlySpan<double> configuration, int siteCount, int site, Span<double> value)
    {
        for (int a = 0; a < value.Length; a++) value[a] = configuration[a * siteCount + site];
    }

    /// <summary>x . y.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double sum = 0;
        for (int a = 0; a < x.Length; a++) sum += x[a] * y[a];
        return sum;
    }

    private static void Scale(Span<double> x, double factor)
    {
        for (int a = 0; a < x.Length; a++) x[a] *= factor;
    }
}
