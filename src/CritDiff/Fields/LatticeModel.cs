using CritDiff.Lattices;

namespace CritDiff.Fields;

/// <summary>
/// A target law exp(-S(phi)) / Z for an n-component field on a periodic lattice (docs/science.md sections 3 and 10).
/// A configuration is stored component-major: component a at site x is element a V + x (length n V), the
/// layout of one NumPy array of shape [n, L, ..., L] (for n = 1, [L, ..., L]).
/// Implemented by <see cref="GaussianField"/> (n -> inf limit, one component shown), <see cref="SpinModel"/>
/// (O(n) spins, |s|^2 = n) and <see cref="Phi4Model"/> (n-component phi^4, hopping form).
/// </summary>
public abstract record LatticeModel
{
    /// <summary>The lattice.</summary>
    public abstract Lattice Lattice { get; }

    /// <summary>Field components n per site (1 for the Gaussian model: its components are independent copies).</summary>
    public abstract int Components { get; }

    /// <summary>Model name as the CLI spells it: "gaussian", "on" or "phi4".</summary>
    public abstract string Kind { get; }

    /// <summary>True where the field lives on a constraint surface (O(n) spins: |s_x|^2 = n), so no unconstrained force exists.</summary>
    public virtual bool IsConstrained => false;

    /// <summary>Length n V of one configuration.</summary>
    public int ConfigurationLength => Components * Lattice.SiteCount;

    /// <summary>The action S(phi) of a configuration (component-major, length n V).</summary>
    public double Action(ReadOnlySpan<double> configuration)
    {
        CheckLength(configuration.Length, nameof(configuration));
        return ActionCore(configuration);
    }

    /// <summary>
    /// The force -dS/dphi of a configuration into <paramref name="force"/> (both length n V). For constrained
    /// models it is the unconstrained gradient of -S (its component normal to the sphere does not act).
    /// </summary>
    public void Force(ReadOnlySpan<double> configuration, Span<double> force)
    {
        CheckLength(configuration.Length, nameof(configuration));
        CheckLength(force.Length, nameof(force));
        ForceCore(configuration, force);
    }

    /// <summary>A short human description, e.g. "O(3) spins, beta = 0.231 (beta_unit = 0.693)".</summary>
    public abstract string Describe();

    /// <summary>S(phi); the length is checked.</summary>
    protected abstract double ActionCore(ReadOnlySpan<double> configuration);

    /// <summary>-dS/dphi; the lengths are checked.</summary>
    protected abstract void ForceCore(ReadOnlySpan<double> configuration, Span<double> force);

    /// <summary>
    /// Nearest-neighbour bond sum B = sum_x sum_mu phi_x . phi_{x + e_mu} over components, computed as
    /// (1/2) sum_x phi_x . h_x with the neighbour sums h (each bond appears twice in h; for L = 2 both bonds of a pair do).
    /// </summary>
    public double BondSum(ReadOnlySpan<double> configuration)
    {
        CheckLength(configuration.Length, nameof(configuration));
        int v = Lattice.SiteCount;
        double[] buffer = System.Buffers.ArrayPool<double>.Shared.Rent(v);
        try
        {
            var h = buffer.AsSpan(0, v);
            double sum = 0;
            for (int a = 0; a < Components; a++)
            {
                var c = configuration.Slice(a * v, v);
                NeighbourStencil.NeighbourSums(Lattice, c, h);
                sum += System.Numerics.Tensors.TensorPrimitives.Dot(c, h);
            }
            return sum / 2;
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>Forward-and-backward neighbour sums h_a(x) = sum_mu [phi_a(x + e_mu) + phi_a(x - e_mu)] per component.</summary>
    public void NeighbourSums(ReadOnlySpan<double> configuration, Span<double> sums)
    {
        CheckLength(configuration.Length, nameof(configuration));
        CheckLength(sums.Length, nameof(sums));
        int v = Lattice.SiteCount;
        for (int a = 0; a < Components; a++)
            NeighbourStencil.NeighbourSums(Lattice, configuration.Slice(a * v, v), sums.Slice(a * v, v));
    }

    private void CheckLength(int length, string name)
    {
        if (length != ConfigurationLength)
            throw new ArgumentException($"expected n V = {ConfigurationLength} values (n = {Components}, {Lattice}), got {length}", name);
    }
}
