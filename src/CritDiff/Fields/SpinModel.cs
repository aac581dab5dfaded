using System.Globalization;
using CritDiff.Lattices;

namespace CritDiff.Fields;

/// <summary>
/// The O(n) spin model at finite n (docs/science.md section 10): spins s_x in R^n with |s_x|^2 = n (each component has
/// unit variance, like G(0) = 1 at n -> inf), weight exp(beta sum_&lt;xy&gt; s_x . s_y) over nearest-neighbour pairs,
/// S = -beta sum_&lt;xy&gt; s_x . s_y. In the unit-spin convention (u = s / sqrt n) the coupling is
/// beta_unit = n beta. As n -> inf it becomes <see cref="GaussianField"/> at the same beta.
/// </summary>
public sealed record SpinModel : LatticeModel
{
    private SpinModel(Lattice lattice, int components, double beta, string parameterisation)
    {
        Lattice = lattice;
        Components = components;
        Beta = beta;
        Parameterisation = parameterisation;
    }

    /// <inheritdoc/>
    public override Lattice Lattice { get; }

    /// <inheritdoc/>
    public override int Components { get; }

    /// <summary>Coupling beta in the |s|^2 = n normalisation.</summary>
    public double Beta { get; }

    /// <summary>Coupling in the unit-spin convention, beta_unit = n beta.</summary>
    public double BetaUnit => Components * Beta;

    /// <summary>"beta", "beta-unit" or "critical".</summary>
    public string Parameterisation { get; init; }

    /// <inheritdoc/>
    public override string Kind => "on";

    /// <inheritdoc/>
    public override bool IsConstrained => true;

    /// <summary>The largest n accepted (memory is n V doubles a configuration).</summary>
    public const int MaxComponents = 1024;

    /// <summary>O(n) spins at coupling beta (|s|^2 = n normalisation), beta >= 0.</summary>
    public static SpinModel AtBeta(Lattice lattice, int components, double beta)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        CheckComponents(components);
        if (!(beta >= 0) || double.IsInfinity(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be >= 0 and finite");
        return new SpinModel(lattice, components, beta, "beta");
    }

    /// <summary>O(n) spins at unit-spin coupling beta_unit (beta = beta_unit / n).</summary>
    public static SpinModel AtBetaUnit(Lattice lattice, int components, double betaUnit)
    {
        CheckComponents(components);
        return AtBeta(lattice, components, betaUnit / components) with { Parameterisation = "beta-unit" };
    }

    /// <summary>
    /// O(n) spins at the literature critical coupling of <see cref="LiteratureCriticalPoints"/> for (d, n);
    /// throws <see cref="ArgumentOutOfRangeException"/> where none is known.
    /// </summary>
    public static SpinModel AtCriticalPoint(Lattice lattice, int components)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        var point = LiteratureCriticalPoints.Of(lattice.Dimension, components)
            ?? throw new ArgumentOutOfRangeException(nameof(components), components,
                $"no literature critical point for O({components}) in d = {lattice.Dimension} ({LiteratureCriticalPoints.Known})");
        return AtBetaUnit(lattice, components, point.BetaUnit) with { Parameterisation = "critical" };
    }

    /// <summary>S = -beta sum_x sum_mu s_x . s_{x + e_mu}.</summary>
    protected override double ActionCore(ReadOnlySpan<double> configuration) => -Beta * BondSum(configuration);

    /// <summary>-dS/ds_x = beta h_x (neighbour sum); only its part tangent to the sphere acts.</summary>
    protected override void ForceCore(ReadOnlySpan<double> configuration, Span<double> force)
    {
        NeighbourSums(configuration, force);
        for (int i = 0; i < force.Length; i++) force[i] *= Beta;
    }

    /// <inheritdoc/>
    public override string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"O({Components}) spins |s|^2 = n, beta = {Beta:G10} (beta_unit = {BetaUnit:G10}), {Lattice}");

    private static void CheckComponents(int components)
    {
        if (components is < 1 or > MaxComponents)
            throw new ArgumentOutOfRangeException(nameof(components), components, $"n must be in 1..{MaxComponents}");
    }
}
