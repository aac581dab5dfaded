using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// One Wolff cluster of the Ising variables embedded along a random unit vector r (Wolff, PRL 62, 361 (1989); Brower
/// and Tamayo, PRL 62, 1087 (1989)). With projections p_x = r . phi_x, the bond terms -c phi_x . phi_y of the action
/// hold -c p_x p_y, an Ising coupling J_xy = c |p_x| |p_y| between the signs of p; everything else (|phi_x|^2, the
/// components orthogonal to r) is unchanged by the reflection phi_x -> phi_x - 2 p_x r. The cluster grows from a
/// uniform seed, adding an unmarked neighbour y of a member x with probability 1 - exp(-2 c p_x p_y) when
/// p_x p_y > 0, and is then reflected: the Swendsen-Wang/Wolff construction, exact for exp(-S).
/// O(n) spins: c = beta (|s|^2 = n; equal to 2 beta_unit (r . u_x)(r . u_y) in unit spins); phi^4: c = 2 kappa
/// (J = 2 kappa p_x p_y, probability 1 - exp(-2 J)). n = 1 uses r = 1 (the reflection phi -> -phi is the same for +-1).
/// Scratch: the member queue (length V), byte marks (length V, zero on entry and exit), projections (length >= V), r (length n).
/// </summary>
internal readonly struct EmbeddedCluster : IClusterGrower
{
    private readonly double[] _configuration;
    private readonly int _siteCount;
    private readonly NeighbourTable _table;
    private readonly double _coupling;
    private readonly int[] _members;
    private readonly byte[] _marks;
    private readonly double[] _projections;
    private readonly double[] _direction;

    public EmbeddedCluster(double[] configuration, int components, NeighbourTable table, double coupling,
        int[] members, byte[] marks, double[] projections, double[] direction)
    {
        int v = configuration.Length / components;
        if (members.Length < v || marks.Length < v || projections.Length < v || direction.Length < components)
            throw new ArgumentException("scratch does not match the configuration");
        (_configuration, _siteCount, _table, _coupling) = (configuration, v, table, coupling);
        (_members, _marks, _projections, _direction) = (members, marks, projections, direction);
        Components = components;
    }

    private int Components { get; }

    /// <inheritdoc/>
    public int GrowAndFlip(ref RandomStream random)
    {
        var r = _direction.AsSpan(0, Components);
        if (Components == 1) r[0] = 1;
        else SpinSites.RandomDirection(ref random, r);
        int size = Grow(IsingUpdates.UniformSite(ref random, _siteCount), r, ref random);
        Reflect(_members.AsSpan(0, size), r);
        return size;
    }

    /// <summary>Grows one cluster breadth-first from <paramref name="seed"/>; returns its size (members 0..size-1, all marked).</summary>
    private int Grow(int seed, ReadOnlySpan<double> r, ref RandomStream random)
    {
        int degree = _table.Degree;
        var neighbours = _table.Sites;
        _projections[seed] = Project(seed, r);
        _marks[seed] = 1;
        _members[0] = seed;
        int size = 1;
        for (int i = 0; i < size; i++)
        {
            int x = _members[i];
            double px = _coupling * _projections[x];
            for (int j = x * degree, end = j + degree; j < end; j++)
            {
                int y = neighbours[j];
                if (_marks[y] != 0) continue;
                double py = Project(y, r), bond = px * py;
                if (bond <= 0 || random.NextDouble() < Math.Exp(-2 * bond)) continue;
                _marks[y] = 1;
                _projections[y] = py;
                _members[size++] = y;
            }
        }
        return size;
    }

    /// <summary>phi_x -> phi_x - 2 p_x r for every member, clearing its mark.</summary>
    private void Reflect(ReadOnlySpan<int> cluster, ReadOnlySpan<double> r)
    {
        foreach (int x in cluster)
        {
            _marks[x] = 0;
            double twice = 2 * _projections[x];
            for (int a = 0, i = x; a < r.Length; a++, i += _siteCount) _configuration[i] -= twice * r[a];
        }
    }

    private double Project(int site, ReadOnlySpan<double> r)
    {
        double p = 0;
        for (int a = 0, i = site; a < r.Length; a++, i += _siteCount) p += r[a] * _configuration[i];
        return p;
    }
}
