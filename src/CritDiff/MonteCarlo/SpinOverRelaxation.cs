using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Heat bath plus over-relaxation for O(n) spins, n >= 2: one sweep is a <see cref="SpinHeatBath"/> sweep followed by
/// K microcanonical sweeps s_x -> 2 (s_x . h_x) h_x / |h_x|^2 - s_x (sites in index order; left alone where h_x = 0).
/// The over-relaxation step reflects s_x about h_x: it keeps |s_x| and s_x . h_x, hence S, and is its own inverse and
/// measure-preserving, so it satisfies detailed balance; the heat bath makes the chain ergodic. K defaults to 3, a
/// fixed number (the usual choice; K ~ xi would only pay off well beyond the sizes measured here), so a sweep costs
/// (1 + K) V site updates, which is what <see cref="ModelChain.SiteUpdates"/> counts. Refuses n = 1 (no reflection).
/// </summary>
public sealed class SpinOverRelaxation : ModelKernel
{
    private readonly NeighbourTable _neighbours;

    /// <summary>Heat bath plus <paramref name="overRelaxationSweeps"/> >= 1 over-relaxation sweeps for <paramref name="model"/> (n >= 2).</summary>
    public SpinOverRelaxation(SpinModel model, int overRelaxationSweeps = 3) : base(model)
    {
        if (model.Components < 2)
            throw new ArgumentException("overrelax needs n >= 2 components (at n = 1 the reflection about h is the identity); use heatbath, metropolis or wolff", nameof(model));
        if (overRelaxationSweeps < 1)
            throw new ArgumentOutOfRangeException(nameof(overRelaxationSweeps), overRelaxationSweeps, "over-relaxation sweeps must be >= 1");
        Spins = model;
        OverRelaxationSweeps = overRelaxationSweeps;
        _neighbours = new NeighbourTable(model.Lattice);
    }

    /// <summary>The spin model.</summary>
    public SpinModel Spins { get; }

    /// <summary>Over-relaxation sweeps K after each heat-bath sweep.</summary>
    public int OverRelaxationSweeps { get; }

    /// <inheritdoc/>
    public override string Name => "overrelax";

    /// <inheritdoc/>
    protected override double SweepCore(ModelChain chain)
    {
        SpinHeatBath.VectorSweep(chain, Spins, _neighbours);
        for (int k = 0; k < OverRelaxationSweeps; k++) Reflect(chain);
        chain.SiteUpdates += (1L + OverRelaxationSweeps) * Spins.Lattice.SiteCount;
        return 1;
    }

    private void Reflect(ModelChain chain)
    {
        int n = Spins.Components, v = Spins.Lattice.SiteCount;
        var s = chain.Configuration;
        Span<double> h = chain.Scratch(3).AsSpan(0, n);
        for (int x = 0; x < v; x++)
        {
            SpinSites.NeighbourField(s, v, _neighbours, x, h);
            double square = SpinSites.Dot(h, h);
            if (square == 0) continue;
            double along = 0;
            for (int a = 0; a < n; a++) along += s[a * v + x] * h[a];
            double factor = 2 * along / square;
            for (int a = 0; a < n; a++) s[a * v + x] = factor * h[a] - s[a * v + x];
        }
    }
}
