using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Wolff single-cluster updates for O(n) spins (docs/science.md section 10). With unit spins u = s/sqrt(n) and a uniformly
/// random unit vector r, the cluster is reflected u -> u - 2 (r . u) r; a neighbour y of a member x joins with probability
/// 1 - exp(-2 beta_unit (r . u_x)(r . u_y)) when that product is positive (<see cref="EmbeddedCluster"/>).
/// n = 1: the flip s -> -s with bond probability 1 - exp(-2 beta) between equal spins (<see cref="IsingCluster"/>).
/// One sweep = m clusters with m drawn independently of the configuration so that a sweep flips V sites on average
/// (calibrated per chain during thermalisation; see <see cref="ClusterSchedule"/> for why "clusters until their sizes
/// add up to V" cannot be used for measurements); <see cref="ModelChain.SiteUpdates"/> counts the cluster sizes. Rejection-free.
/// </summary>
public sealed class SpinWolff : ModelKernel
{
    private readonly NeighbourTable _neighbours;

    /// <summary>Wolff for <paramref name="model"/>.</summary>
    public SpinWolff(SpinModel model) : base(model)
    {
        Spins = model;
        _neighbours = new NeighbourTable(model.Lattice);
    }

    /// <summary>The spin model.</summary>
    public SpinModel Spins { get; }

    /// <inheritdoc/>
    public override string Name => "wolff";

    /// <summary>Ising bond probability 1 - exp(-2 beta) (n = 1).</summary>
    public double IsingBondProbability => 1 - Math.Exp(-2 * Spins.Beta);

    /// <inheritdoc/>
    protected override double SweepCore(ModelChain chain)
    {
        int v = Spins.Lattice.SiteCount;
        if (Spins.Components == 1)
        {
            var ising = new IsingCluster(chain.Configuration, _neighbours, IsingBondProbability, chain.Sites);
            chain.SiteUpdates += chain.ClusterSchedule.Sweep(v, ref ising, ref chain.Random);
        }
        else
        {
            var embedded = new EmbeddedCluster(chain.Configuration, Spins.Components, _neighbours, Spins.Beta, chain.Sites,
                chain.Marks, chain.Scratch(0), chain.Scratch(3));
            chain.SiteUpdates += chain.ClusterSchedule.Sweep(v, ref embedded, ref chain.Random);
        }
        return 1;
    }
}
