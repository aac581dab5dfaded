using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Wolff single-cluster updates of the Ising variables embedded along a random unit vector r (Wolff, PRL 62, 361
/// (1989); Brower and Tamayo, PRL 62, 1087 (1989)). With projections p_x = r . phi_x, the bond terms
/// -c phi_x . phi_y of the action hold -c p_x p_y, an Ising coupling J_xy = c |p_x| |p_y| between the signs of p;
/// everything else (|phi_x|^2, the components orthogonal to r) is unchanged by the reflection
/// phi_x -> phi_x - 2 p_x r. A cluster grows from a uniform seed, adding an unmarked neighbour y of a member x with
/// probability 1 - exp(-2 c p_x p_y) when p_x p_y > 0, and is then reflected: the Swendsen-Wang/Wolff construction,
/// exact for exp(-S). O(n) spins: c = beta (|s|^2 = n, equal to 2 beta_unit (r . u_x)(r . u_y) in unit spins);
/// phi^4: c = 2 kappa (J = 2 kappa p_x p_y, probability 1 - exp(-2 J)).
/// </summary>
internal static class EmbeddedClusters
{
    /// <summary>
    /// Clusters until their sizes add up to at least V; each uses a fresh direction r. <paramref name="members"/>
    /// (length V) is the explicit queue of cluster sites, <paramref name="marks"/> (length V, all zero on entry and
    /// exit) marks members, <paramref name="projections"/> (length >= V) holds p_x of members, <paramref name="direction"/>
    /// (length n) is scratch for r. Returns the number of sites reflected.
    /// </summary>
    public static long Sweep(double[] configuration, int components, NeighbourTable table, double coupling,
        int[] members, byte[] marks, double[] projections, Span<double> direction, ref RandomStream random)
    {
        int v = configuration.Length / components;
        if (members.Length < v || marks.Length < v || projections.Length < v || direction.Length != components)
            throw new ArgumentException("scratch does not match the configuration");
        var rng = random;
        long reflected = 0;
        while (reflected < v)
        {
            if (components == 1) direction[0] = 1; // the reflection phi -> -phi is the same for r = +-1
            else SpinSites.RandomDirection(ref rng, direction);
            int seed = IsingUpdates.UniformSite(ref rng, v);
            int size = Grow(configuration, v, table, coupling, seed, members, marks, projections, direction, ref rng);
            Reflect(configuration, v, members.AsSpan(0, size), marks, projections, direction);
            reflected += size;
        }
        random = rng;
        return reflected;
    }

    /// <summary>Grows one cluster from <paramref name="seed"/> breadth-first; returns its size (members 0..size-1, all marked).</summary>
    private static int Grow(double[] configuration, int v, NeighbourTable table, double coupling, int seed,
        int[] members, byte[] marks, double[] projections, ReadOnlySpan<double> r, ref RandomStream rng)
    {
        int degree = table.Degree;
        var neighbours = table.Sites;
        projections[seed] = Project(configuration, v, seed, r);
        marks[seed] = 1;
        members[0] = seed;
        int size = 1;
        for (int i = 0; i < size; i++)
        {
            int x = members[i];
            double px = coupling * projections[x];
            for (int j = x * degree, end = j + degree; j < end; j++)
            {
                int y = neighbours[j];
                if (marks[y] != 0) continue;
                double py = Project(configuration, v, y, r);
                double bond = px * py;
                if (bond <= 0 || rng.NextDouble() < Math.Exp(-2 * bond)) continue;
                marks[y] = 1;
                projections[y] = py;
                members[size++] = y;
            }
        }
        return size;
    }

    /// <summary>phi_x -> phi_x - 2 p_x r for every member, clearing its mark.</summary>
    private static void Reflect(double[] configuration, int v, ReadOnlySpan<int> cluster, byte[] marks, double[] projections,
        ReadOnlySpan<double> r)
    {
        foreach (int x in cluster)
        {
            marks[x] = 0;
            double twice = 2 * projections[x];
            for (int a = 0, i = x; a < r.Length; a++, i += v) configuration[i] -= twice * r[a];
        }
    }

    private static double Project(double[] configuration, int v, int site, ReadOnlySpan<double> r)
    {
        double p = 0;
        for (int a = 0, i = site; a < r.Length; a++, i += v) p += r[a] * configuration[i];
        return p;
    }
}
