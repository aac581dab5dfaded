using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Heat bath for O(n) spins: each site in index order is redrawn from its exact conditional law given its
/// neighbours, proportional to exp(beta s . h) on |s|^2 = n (h the neighbour sum). n = 1: s = +1 with probability
/// 1 / (1 + exp(-2 beta h)). n >= 2: with u = s / sqrt(n) the conditional is von Mises-Fisher on S^(n-1) with mean
/// direction h/|h| and concentration kappa = beta sqrt(n) |h| = beta_unit |h_unit| (h_unit = h / sqrt(n)), drawn by
/// <see cref="VonMisesFisher"/> (Wood's algorithm; closed form at n = 3); h = 0 gives a uniform direction.
/// Rejection-free; one sweep = V updates.
/// </summary>
public sealed class SpinHeatBath : ModelKernel
{
    private readonly NeighbourTable _neighbours;
    private readonly double[]? _plusProbability;

    /// <summary>Heat bath for <paramref name="model"/>.</summary>
    public SpinHeatBath(SpinModel model) : base(model)
    {
        Spins = model;
        _neighbours = new NeighbourTable(model.Lattice);
        if (model.Components == 1) _plusProbability = IsingUpdates.HeatBathTable(model.Beta, _neighbours.Degree);
    }

    /// <summary>The spin model.</summary>
    public SpinModel Spins { get; }

    /// <inheritdoc/>
    public override string Name => "heatbath";

    /// <inheritdoc/>
    protected override double SweepCore(ModelChain chain)
    {
        chain.SiteUpdates += Spins.Lattice.SiteCount;
        if (_plusProbability is { } table) IsingUpdates.HeatBathSweep(chain.Configuration, _neighbours, table, ref chain.Random);
        else VectorSweep(chain, Spins, _neighbours);
        return 1;
    }

    /// <summary>One von Mises-Fisher heat-bath sweep (n >= 2); also the first half of <see cref="SpinOverRelaxation"/>.</summary>
    internal static void VectorSweep(ModelChain chain, SpinModel spins, NeighbourTable neighbours)
    {
        int n = spins.Components, v = spins.Lattice.SiteCount;
        var s = chain.Configuration;
        Span<double> h = chain.Scratch(3).AsSpan(0, n), orthogonal = chain.Scratch(4).AsSpan(0, n);
        ref var random = ref chain.Random;
        double rootN = Math.Sqrt(n);
        for (int x = 0; x < v; x++)
        {
            SpinSites.NeighbourField(s, v, neighbours, x, h);
            double length = Math.Sqrt(SpinSites.Dot(h, h));
            if (length == 0)
            {
                SpinSites.RandomDirection(ref random, h);
                for (int a = 0; a < n; a++) s[a * v + x] = rootN * h[a];
                continue;
            }
            for (int a = 0; a < n; a++) h[a] /= length;
            double oneMinusW = VonMisesFisher.SampleOneMinusCosine(ref random, n, spins.Beta * rootN * length);
            double w = 1 - oneMinusW, sine = Math.Sqrt(Math.Max(0, oneMinusW * (2 - oneMinusW)));
            SpinSites.RandomOrthogonalDirection(ref random, h, orthogonal);
            for (int a = 0; a < n; a++) s[a * v + x] = rootN * (w * h[a] + sine * orthogonal[a]);
        }
    }
}
