using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Wolff single-cluster updates for O(n) spins (SCIENCE.md section 10). With unit spins u = s/sqrt(n) and a uniformly
/// random unit vector r, the cluster is reflected u -> u - 2 (r . u) r; a neighbour y of a member x joins with probability
/// 1 - exp(-2 beta_unit (r . u_x)(r . u_y)) when that product is positive (<see cref="EmbeddedClusters"/>).
/// n = 1: the flip s -> -s with bond probability 1 - exp(-2 beta) between equal spins (<see cref="IsingUpdates.Clusters"/>).
/// One sweep = clusters until their sizes add up to at least V; <see cref="ModelChain.SiteUpdates"/> counts the
/// sizes, so tau_int per sweep and per V site updates agree to within one cluster. Rejection-free.
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
        chain.SiteUpdates += Spins.Components == 1
            ? IsingUpdates.Clusters(chain.Configuration, _neighbours, IsingBondProbability, chain.Sites, ref chain.Random)
            : EmbeddedClusters.Sweep(chain.Configuration, Spins.Components, _neighbours, Spins.Beta, chain.Sites, chain.Marks,
                chain.Scratch(0), chain.Scratch(3).AsSpan(0, Spins.Components), ref chain.Random);
        return 1;
    }
}
