using CritDiff.Lattices;

namespace CritDiff.Fields;

/// <summary>
/// One component of the O(n) model at n -> inf on a periodic lattice: a Gaussian field with
/// covariance per Fourier mode C(k) = 1 / (beta (khat2(k) + mu2)) (docs/science.md section 3).
/// Under the gap equation G(0) = E phi(x)^2 = 1; the raw Gaussian free field (<see cref="FreeField"/>)
/// has beta = 1 and any mu2, with no constraint. Build it with one of the named factories.
/// </summary>
public sealed record GaussianField : LatticeModel
{
    private GaussianField(Lattice lattice, double beta, double massSquared, bool isFreeField, string parameterisation)
    {
        Lattice = lattice;
        Beta = beta;
        MassSquared = massSquared;
        IsFreeField = isFreeField;
        Parameterisation = parameterisation;
    }

    /// <inheritdoc/>
    public override Lattice Lattice { get; }

    /// <summary>One component: the n components of the n -> inf limit are independent copies of this field.</summary>
    public override int Components => 1;

    /// <inheritdoc/>
    public override string Kind => "gaussian";

    /// <summary>Coupling beta (1 for the free field).</summary>
    public double Beta { get; }

    /// <summary>Mass squared mu2 > 0 (the gap-equation solution, or the free field's given mass).</summary>
    public double MassSquared { get; }

    /// <summary>True for the raw Gaussian free field (beta = 1, no spherical constraint).</summary>
    public bool IsFreeField { get; }

    /// <summary>How the model was specified, e.g. "beta", "mass2", "xi", "xi/L", "critical", "gff".</summary>
    public string Parameterisation { get; init; }

    /// <summary>The model at coupling beta, mu2 from the gap equation.</summary>
    public static GaussianField AtBeta(Lattice lattice, double beta) =>
        new(lattice, beta, GapEquation.SolveMassSquared(lattice, beta), false, "beta");

    /// <summary>The model with mass squared mu2, beta from the gap equation.</summary>
    public static GaussianField AtMassSquared(Lattice lattice, double massSquared) =>
        new(lattice, GapEquation.Beta(lattice, massSquared), massSquared, false, "mass2");

    /// <summary>The model with correlation length xi = 1/sqrt(mu2).</summary>
    public static GaussianField AtCorrelationLength(Lattice lattice, double xi)
    {
        CheckPositive(xi, nameof(xi), "xi");
        return AtMassSquared(lattice, 1 / (xi * xi)) with { Parameterisation = "xi" };
    }

    /// <summary>The model with xi / L = <paramref name="ratio"/>: the finite-size scaling family.</summary>
    public static GaussianField AtCorrelationLengthOverSize(Lattice lattice, double ratio)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        CheckPositive(ratio, nameof(ratio), "xi/L");
        return AtCorrelationLength(lattice, ratio * lattice.Length) with { Parameterisation = "xi/L" };
    }

    /// <summary>At the infinite-volume critical coupling beta = beta_c(d), d >= 3; on a finite lattice mu2 ~ 1/L^2.</summary>
    public static GaussianField AtCriticalPoint(Lattice lattice)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        double betaC = CriticalCoupling.Of(lattice.Dimension)
            ?? throw new ArgumentOutOfRangeException(nameof(lattice), lattice.Dimension,
                "the critical point exists only for d >= 3");
        return AtBeta(lattice, betaC) with { Parameterisation = "critical" };
    }

    /// <summary>The raw Gaussian free field: beta = 1, C(k) = 1/(khat2 + mu2), no gap equation.</summary>
    public static GaussianField FreeField(Lattice lattice, double massSquared)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        CheckPositive(massSquared, nameof(massSquared), "mu2");
        return new(lattice, 1, massSquared, true, "gff");
    }

    /// <summary>C(k) = 1 / (beta (khat2(k) + mu2)) for mode index <paramref name="mode"/>.</summary>
    public double Spectrum(int mode) => 1 / (Beta * (Lattice.KHat2(mode) + MassSquared));

    /// <summary>C(k) for all modes, indexed like the sites.</summary>
    public double[] SpectrumTable()
    {
        var table = Lattice.KHat2Table();
        for (int i = 0; i < table.Length; i++) table[i] = 1 / (Beta * (table[i] + MassSquared));
        return table;
    }

    /// <summary>Susceptibility chi = sum_x G(x) = C(0) = 1/(beta mu2).</summary>
    public double Susceptibility => 1 / (Beta * MassSquared);

    /// <summary>Correlation length xi = 1/sqrt(mu2).</summary>
    public double CorrelationLength => 1 / Math.Sqrt(MassSquared);

    /// <summary>
    /// Second-moment correlation length xi2 = sqrt(C(0)/C(k1) - 1) / (2 sin(pi/L)), evaluated from the
    /// spectrum (equal to 1/sqrt(mu2) for this field).
    /// </summary>
    public double SecondMomentCorrelationLength =>
        SecondMomentLength(Susceptibility, Spectrum(Lattice.FirstMode(0)), Lattice.Length);

    /// <summary>Two-point function G(x) = (1/V) sum_k C(k) cos(k.x) at displacement x.</summary>
    public double TwoPoint(ReadOnlySpan<int> displacement)
    {
        if (displacement.Length != Lattice.Dimension)
            throw new ArgumentException($"expected {Lattice.Dimension} components", nameof(displacement));
        var khat2 = Lattice.KHat2Table();
        double sum = 0;
        for (int mode = 0; mode < khat2.Length; mode++)
        {
            double phase = 0;
            for (int mu = 0; mu < Lattice.Dimension; mu++) phase += Lattice.Momentum(mode, mu) * displacement[mu];
            sum += Math.Cos(phase) / (Beta * (khat2[mode] + MassSquared));
        }
        return sum / Lattice.SiteCount;
    }

    /// <summary>Local variance G(0) = E phi(x)^2 (1 under the gap equation).</summary>
    public double LocalVariance
    {
        get
        {
            var (values, weights) = Lattice.KHat2Multiset();
            double sum = 0;
            for (int i = 0; i < values.Length; i++) sum += weights[i] / (values[i] + MassSquared);
            return sum / (Beta * Lattice.SiteCount);
        }
    }

    /// <summary>
    /// Nearest-neighbour energy E = G(e_1), from the identity sum_k C(k) khat2(k) / V = 2d (G(0) - G(e_1))
    /// and C(k) khat2 = (1 - mu2 beta C(k)) / beta: E = G(0) - (1 - beta mu2 G(0)) / (2 d beta).
    /// </summary>
    public double Energy
    {
        get
        {
            double g0 = LocalVariance;
            return g0 - (1 - Beta * MassSquared * g0) / (2 * Lattice.Dimension * Beta);
        }
    }

    /// <summary>Variance of the magnetisation M = V^{-1} sum_x phi(x): chi / V.</summary>
    public double MagnetisationVariance => Susceptibility / Lattice.SiteCount;

    /// <summary>beta_c(d) for d >= 3, null otherwise.</summary>
    public double? CriticalBeta => CriticalCoupling.Of(Lattice.Dimension);

    /// <summary>xi2 from C(0) and C(k1): sqrt(C(0)/C(k1) - 1) / (2 sin(pi/L)).</summary>
    public static double SecondMomentLength(double spectrumAtZero, double spectrumAtFirstMode, int length) =>
        Math.Sqrt(spectrumAtZero / spectrumAtFirstMode - 1) / (2 * Math.Sin(Math.PI / length));

    /// <summary>S = (beta/2) sum_x [ sum_mu (phi(x + e_mu) - phi(x))^2 + mu2 phi(x)^2 ] = (beta/2) [(2d + mu2) sum phi^2 - 2 B].</summary>
    protected override double ActionCore(ReadOnlySpan<double> configuration)
    {
        double squares = 0;
        foreach (double p in configuration) squares += p * p;
        return 0.5 * Beta * ((2 * Lattice.Dimension + MassSquared) * squares - 2 * BondSum(configuration));
    }

    /// <summary>-dS/dphi(x) = beta (h(x) - (2d + mu2) phi(x)).</summary>
    protected override void ForceCore(ReadOnlySpan<double> configuration, Span<double> force)
    {
        NeighbourSums(configuration, force);
        double diagonal = 2 * Lattice.Dimension + MassSquared;
        for (int i = 0; i < force.Length; i++) force[i] = Beta * (force[i] - diagonal * configuration[i]);
    }

    /// <inheritdoc/>
    public override string Describe() => System.FormattableString.Invariant(
        $"Gaussian (n -> inf), beta = {Beta:G10}, mu2 = {MassSquared:G10}{(IsFreeField ? " (free field)" : "")}, {Lattice}");

    private static void CheckPositive(double value, string name, string symbol)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{symbol} must be positive and finite");
    }
}
