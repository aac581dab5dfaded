using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.MonteCarlo;

/// <summary>
/// The action of an unconstrained n-component field in hopping form,
/// S = -c sum_x sum_mu phi_x . phi_{x + e_mu} + sum_x [ a |phi_x|^2 + lambda (|phi_x|^2 - 1)^2 ],
/// shared by <see cref="Phi4Model"/> (c = 2 kappa, a = 1, lambda) and <see cref="GaussianField"/>
/// (c = beta, a = beta (2d + mu2) / 2, lambda = 0). Its local differences, force and value are what the
/// Metropolis, HMC and embedded-Wolff kernels use; they equal <see cref="LatticeModel.Action"/> and
/// <see cref="LatticeModel.Force"/> (tested) but run without allocation on stride-1 lines.
/// </summary>
internal sealed record HoppingAction(Lattice Lattice, int Components, double Hopping, double Quadratic, double Quartic) : IFieldAction
{
    /// <summary>The hopping form of <paramref name="model"/>; throws for models that have none (O(n) spins).</summary>
    public static HoppingAction Of(LatticeModel model) => model switch
    {
        Phi4Model phi4 => new(phi4.Lattice, phi4.Components, 2 * phi4.Kappa, 1, phi4.Lambda),
        GaussianField gauss => new(gauss.Lattice, 1, gauss.Beta, gauss.Beta * (2 * gauss.Lattice.Dimension + gauss.MassSquared) / 2, 0),
        _ => throw new ArgumentException($"{model.Describe()} has no hopping form (phi4 and gaussian have one)", nameof(model)),
    };

    /// <summary>Local potential U(q) = a q + lambda (q - 1)^2 of a site with |phi|^2 = q.</summary>
    public double Potential(double square) => Quadratic * square + Quartic * (square - 1) * (square - 1);

    /// <summary>
    /// Mass squared 2a - 2dc of the action's quadratic part with the quartic term left out: its kernel is
    /// c khat2(k) + 2a - 2dc per mode (beta (khat2 + mu2) for the Gaussian field). Positive only below the free critical
    /// hopping c = a/d.
    /// </summary>
    public double QuadraticMassSquared => 2 * Quadratic - 2 * Lattice.Dimension * Hopping;

    /// <summary>
    /// Propagator C(k) = 1/(c khat2(k) + m2) of the Gaussian reference action with mass squared <paramref name="massSquared"/>
    /// (> 0): the Fourier-acceleration mass matrix of <see cref="HybridMonteCarlo.FourierAcceleratedHoppingForm"/>.
    /// </summary>
    public double[] ReferencePropagator(double massSquared)
    {
        var khat2 = Lattice.KHat2Table();
        var c = new double[khat2.Length];
        for (int k = 0; k < c.Length; k++) c[k] = 1 / (Hopping * khat2[k] + massSquared);
        return c;
    }

    /// <inheritdoc/>
    public double ForceAndAction(ReadOnlySpan<double> phi, Span<double> force, ModelChain chain) =>
        ForceAndAction(phi, force, chain.Scratch(3).AsSpan(0, Lattice.SiteCount));

    /// <summary>
    /// S and the force -dS/dphi = c h_x - (2 a + 4 lambda (|phi_x|^2 - 1)) phi_x into <paramref name="force"/>
    /// (h the neighbour sum). <paramref name="squares"/> (length V) receives |phi_x|^2.
    /// </summary>
    public double ForceAndAction(ReadOnlySpan<double> phi, Span<double> force, Span<double> squares)
    {
        int v = Lattice.SiteCount;
        squares.Clear();
        double bonds = 0;
        for (int a = 0; a < Components; a++)
        {
            var c = phi.Slice(a * v, v);
            var h = force.Slice(a * v, v);
            Stencil.NeighbourSums(Lattice, c, h);
            for (int x = 0; x < v; x++)
            {
                bonds += c[x] * h[x];
                squares[x] += c[x] * c[x];
            }
        }
        double local = 0;
        for (int x = 0; x < v; x++) local += Potential(squares[x]);
        for (int a = 0; a < Components; a++)
        {
            var c = phi.Slice(a * v, v);
            var f = force.Slice(a * v, v);
            for (int x = 0; x < v; x++)
                f[x] = Hopping * f[x] - (2 * Quadratic + 4 * Quartic * (squares[x] - 1)) * c[x];
        }
        return local - Hopping * bonds / 2; // sum_x phi_x . h_x counts every bond twice
    }
}
