using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Single-site Metropolis for O(n) spins (|s|^2 = n, S = -beta sum_&lt;xy&gt; s_x . s_y), sites in index order, one sweep
/// = V proposals accepted with probability min(1, exp(-Delta S)), Delta S = -beta (s'_x - s_x) . h_x (h the neighbour sum).
/// n = 1: the proposal is the flip s' = -s (Delta S = 2 beta s h, from a table; nothing to tune).
/// n >= 2: s' = sqrt(n) (u + delta g) / |u + delta g| with u = s/sqrt(n), g a standard normal vector in R^n and
/// delta the chain's step size (capped at <see cref="MaxWidth"/>, where the proposal is uniform on the sphere to
/// 1e-3): its density depends on u . u' only, so it is symmetric. delta is tuned to the target acceptance (default 0.5).
/// </summary>
public sealed class SpinMetropolis : ModelKernel
{
    /// <summary>Largest effective proposal width delta (larger widths only approach the uniform proposal).</summary>
    public const double MaxWidth = 1e3;

    private readonly NeighbourTable _neighbours;
    private readonly double[]? _flipAcceptance;
    private readonly double? _targetAcceptance;

    /// <summary>Metropolis for <paramref name="model"/>; <paramref name="targetAcceptance"/> in (0, 1) applies for n >= 2.</summary>
    public SpinMetropolis(SpinModel model, double targetAcceptance = 0.5) : base(model)
    {
        if (!(targetAcceptance is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(targetAcceptance), targetAcceptance, "target acceptance must be in (0, 1)");
        Spins = model;
        _neighbours = new NeighbourTable(model.Lattice);
        if (model.Components == 1) _flipAcceptance = IsingUpdates.MetropolisTable(model.Beta, _neighbours.Degree);
        else _targetAcceptance = targetAcceptance;
    }

    /// <summary>The spin model.</summary>
    public SpinModel Spins { get; }

    /// <inheritdoc/>
    public override string Name => "metropolis";

    /// <summary>delta = 1 for n >= 2 (a rotation of about 1/sqrt(2) rad per component direction), tuned from there.</summary>
    public override double DefaultStepSize => 1;

    /// <summary>The target for n >= 2; null for n = 1 (the flip has no width).</summary>
    public override double? TargetAcceptance => _targetAcceptance;

    /// <summary>
    /// <see cref="MaxWidth"/>: there the proposal already covers the whole sphere (uniform to 1e-3), so a wider one cannot lower
    /// the acceptance; near beta = 0 or on a 1D ring, where the acceptance stays above the target, the tuned width stops here.
    /// </summary>
    public override double MaxStepSize => MaxWidth;

    /// <inheritdoc/>
    protected override double SweepCore(ModelChain chain)
    {
        var s = chain.Configuration;
        chain.SiteUpdates += Spins.Lattice.SiteCount;
        return _flipAcceptance is { } table
            ? IsingUpdates.MetropolisSweep(s, _neighbours, table, ref chain.Random)
            : VectorSweep(chain);
    }

    private double VectorSweep(ModelChain chain)
    {
        int n = Spins.Components, v = Spins.Lattice.SiteCount;
        var s = chain.Configuration;
        Span<double> h = chain.Scratch(3).AsSpan(0, n), old = chain.Scratch(4).AsSpan(0, n), proposal = chain.Scratch(5).AsSpan(0, n);
        ref var random = ref chain.Random;
        double width = Math.Min(chain.StepSize, MaxWidth), rootN = Math.Sqrt(n), beta = Spins.Beta, sum = 0;
        for (int x = 0; x < v; x++)
        {
            SpinSites.NeighbourField(s, v, _neighbours, x, h);
            SpinSites.Load(s, v, x, old);
            double norm;
            do
            {
                norm = 0;
                for (int a = 0; a < n; a++)
                {
                    proposal[a] = old[a] / rootN + width * random.NextGaussian();
                    norm += proposal[a] * proposal[a];
                }
            } while (norm == 0);
            double scale = rootN / Math.Sqrt(norm), deltaS = 0;
            for (int a = 0; a < n; a++)
            {
                proposal[a] *= scale;
                deltaS -= beta * (proposal[a] - old[a]) * h[a];
            }
            double probability = deltaS <= 0 ? 1 : Math.Exp(-deltaS);
            sum += probability;
            if (deltaS <= 0 || random.NextDouble() < probability) SpinSites.Store(s, v, x, proposal);
        }
        return sum / v;
    }
}
