using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// The action S of an unconstrained field and its force -dS/dphi, as the Hamiltonian kernels need them. Two forms of the
/// same mathematics exist because they round differently and each path's numbers are kept bit for bit (issue 21): the
/// hopping form of <see cref="HoppingAction"/> (phi^4 and the Gaussian field in ensembles) and the stencil form of the
/// Gaussian field's own kernels (<see cref="StencilAction"/>, used by <c>mcmc --model gaussian</c>).
/// </summary>
internal interface IFieldAction
{
    /// <summary>S(phi), with -dS/dphi written to <paramref name="force"/>; <paramref name="chain"/> lends scratch (slot 3 at most).</summary>
    double ForceAndAction(ReadOnlySpan<double> phi, Span<double> force, ModelChain chain);
}

/// <summary>
/// The Gaussian field's action in stencil form, S = phi . grad S / 2 with dS/dphi(x) = beta ((2d + mu2) phi(x) - h(x))
/// (<see cref="Stencil.Gradient"/>); the force is its exact negation, so p + k F equals p - k grad S to the bit.
/// </summary>
internal sealed class StencilAction(GaussianField field) : IFieldAction
{
    /// <inheritdoc/>
    public double ForceAndAction(ReadOnlySpan<double> phi, Span<double> force, ModelChain chain)
    {
        double action = Stencil.Gradient(field, phi, force);
        for (int x = 0; x < force.Length; x++) force[x] = -force[x];
        return action;
    }
}
