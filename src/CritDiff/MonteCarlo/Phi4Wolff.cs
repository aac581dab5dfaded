using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Embedded Wolff updates for n-component phi^4 (Brower and Tamayo, PRL 62, 1087 (1989); docs/science.md section 10):
/// a uniformly random unit vector r, projections p_x = r . phi_x, bond coupling J_xy = 2 kappa p_x p_y, a neighbour
/// joins with probability 1 - exp(-2 J_xy) where J_xy > 0, and the cluster's r-component is reflected
/// (<see cref="EmbeddedCluster"/>). Clusters leave |phi_x| alone, so one sweep = a fixed number of clusters that flip
/// about V sites in all (calibrated per chain, <see cref="ClusterSchedule"/>), then one <see cref="FieldMetropolis"/> sweep (which updates the magnitudes and makes the chain
/// ergodic). Each part leaves exp(-S) invariant, so their composition does. The step size is the Metropolis part's,
/// tuned to its target acceptance (default 0.5); the sweep returns that part's acceptance.
/// </summary>
public sealed class Phi4Wolff : ModelKernel
{
    private readonly NeighbourTable _neighbours;
    private readonly FieldMetropolis _metropolis;

    /// <summary>Embedded Wolff plus Metropolis for <paramref name="model"/>.</summary>
    public Phi4Wolff(Phi4Model model, double targetAcceptance = 0.5) : base(model)
    {
        Phi4 = model;
        _neighbours = new NeighbourTable(model.Lattice);
        _metropolis = new FieldMetropolis(model, targetAcceptance);
    }

    /// <summary>The phi^4 model.</summary>
    public Phi4Model Phi4 { get; }

    /// <inheritdoc/>
    public override string Name => "wolff";

    /// <inheritdoc/>
    public override double DefaultStepSize => _metropolis.DefaultStepSize;

    /// <inheritdoc/>
    public override double? TargetAcceptance => _metropolis.TargetAcceptance;

    /// <inheritdoc/>
    protected override double SweepCore(ModelChain chain)
    {
        var cluster = new EmbeddedCluster(chain.Configuration, Phi4.Components, _neighbours, 2 * Phi4.Kappa, chain.Sites,
            chain.Marks, chain.Scratch(0), chain.Scratch(5));
        chain.SiteUpdates += chain.ClusterSchedule.Sweep(Phi4.Lattice.SiteCount, ref cluster, ref chain.Random);
        return _metropolis.Update(chain);
    }
}
