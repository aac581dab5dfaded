using System.Globalization;
using CritDiff.Lattices;

namespace CritDiff.Fields;

/// <summary>
/// n-component lattice phi^4 in the hopping form (docs/science.md section 10):
/// S = sum_x [ -2 kappa sum_mu phi_x . phi_{x + e_mu} + |phi_x|^2 + lambda (|phi_x|^2 - 1)^2 ], kappa > 0, lambda >= 0.
/// lambda = 0 is a Gaussian free field per component with C(k) = 1 / (2 kappa (khat2 + 1/kappa - 2d)) (needs
/// kappa &lt; 1/(2d)); lambda -> inf is the O(n) model with unit spins at beta_unit = 2 kappa.
/// </summary>
public sealed record Phi4Model : LatticeModel
{
    /// <summary>phi^4 with <paramref name="components"/> components, hopping kappa > 0 and quartic lambda >= 0.</summary>
    public Phi4Model(Lattice lattice, int components, double kappa, double lambda)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (components is < 1 or > SpinModel.MaxComponents)
            throw new ArgumentOutOfRangeException(nameof(components), components, $"n must be in 1..{SpinModel.MaxComponents}");
        if (!(kappa > 0) || double.IsInfinity(kappa))
            throw new ArgumentOutOfRangeException(nameof(kappa), kappa, "kappa must be > 0 and finite");
        if (!(lambda >= 0) || double.IsInfinity(lambda))
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be >= 0 and finite");
        if (lambda == 0 && kappa >= 1.0 / (2 * lattice.Dimension))
            throw new ArgumentOutOfRangeException(nameof(kappa), kappa,
                $"at lambda = 0 the action is bounded below only for kappa < 1/(2d) = {1.0 / (2 * lattice.Dimension):G6}");
        Lattice = lattice;
        Components = components;
        Kappa = kappa;
        Lambda = lambda;
    }

    /// <inheritdoc/>
    public override Lattice Lattice { get; }

    /// <inheritdoc/>
    public override int Components { get; }

    /// <summary>Hopping parameter kappa > 0.</summary>
    public double Kappa { get; }

    /// <summary>Quartic coupling lambda >= 0.</summary>
    public double Lambda { get; }

    /// <inheritdoc/>
    public override string Kind => "phi4";

    /// <summary>
    /// At lambda = 0, the equivalent Gaussian free field per component: beta = 2 kappa, mu2 = 1/kappa - 2d
    /// (C(k) = 1/(beta (khat2 + mu2))); null for lambda > 0.
    /// </summary>
    public (double Beta, double MassSquared)? GaussianLimit =>
        Lambda == 0 ? (2 * Kappa, 1 / Kappa - 2 * Lattice.Dimension) : null;

    /// <summary>Local potential U(phi^2) = phi^2 + lambda (phi^2 - 1)^2 of one site with |phi|^2 = <paramref name="square"/>.</summary>
    public double Potential(double square) => square + Lambda * (square - 1) * (square - 1);

    /// <inheritdoc/>
    protected override double ActionCore(ReadOnlySpan<double> configuration)
    {
        int v = Lattice.SiteCount;
        double local = 0;
        for (int x = 0; x < v; x++) local += Potential(SquareAt(configuration, x));
        return local - 2 * Kappa * BondSum(configuration);
    }

    /// <summary>-dS/dphi_x = 2 kappa h_x - 2 phi_x - 4 lambda (|phi_x|^2 - 1) phi_x.</summary>
    protected override void ForceCore(ReadOnlySpan<double> configuration, Span<double> force)
    {
        NeighbourSums(configuration, force);
        int v = Lattice.SiteCount;
        for (int x = 0; x < v; x++)
        {
            double factor = 2 + 4 * Lambda * (SquareAt(configuration, x) - 1);
            for (int a = 0; a < Components; a++)
            {
                int i = a * v + x;
                force[i] = 2 * Kappa * force[i] - factor * configuration[i];
            }
        }
    }

    /// <summary>|phi_x|^2 summed over components.</summary>
    public double SquareAt(ReadOnlySpan<double> configuration, int site)
    {
        int v = Lattice.SiteCount;
        double s = 0;
        for (int a = 0; a < Components; a++)
        {
            double p = configuration[a * v + site];
            s += p * p;
        }
        return s;
    }

    /// <inheritdoc/>
    public override string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"phi^4 n = {Components}, kappa = {Kappa:G10}, lambda = {Lambda:G10}, {Lattice}");
}
