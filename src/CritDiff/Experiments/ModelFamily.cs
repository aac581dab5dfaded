using System.Globalization;
using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.Experiments;

/// <summary>
/// A family of target fields indexed by the lattice, for sweeps in L: a fixed coupling, mass or
/// correlation length, xi/L fixed (the finite-size scaling family), or beta = beta_c(d) (d &gt;= 3).
/// <see cref="Kind"/> is one of "beta", "mass2", "xi", "xi/L", "critical"; <see cref="FreeField"/>
/// takes the raw Gaussian free field (beta = 1) with the mass that "mass2", "xi" or "xi/L" gives.
/// </summary>
public sealed record ModelFamily
{
    /// <summary>The accepted kinds.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["beta", "mass2", "xi", "xi/L", "critical"];

    /// <summary>Creates and validates a family.</summary>
    public ModelFamily(string kind, double value = 0, bool freeField = false)
    {
        if (!Kinds.Contains(kind)) throw new ArgumentException($"model family must be one of {string.Join(", ", Kinds)} (got '{kind}')", nameof(kind));
        if (kind != "critical" && !(value > 0 && double.IsFinite(value)))
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{kind} must be > 0 and finite");
        if (freeField && kind is "beta" or "critical")
            throw new ArgumentException("the free field takes its mass from mass2, xi or xi/L (beta = 1)", nameof(freeField));
        Kind = kind;
        Value = kind == "critical" ? 0 : value;
        FreeField = freeField;
    }

    /// <summary>How the family is parameterised.</summary>
    public string Kind { get; }

    /// <summary>The parameter's value (0 for "critical").</summary>
    public double Value { get; }

    /// <summary>True for the raw Gaussian free field.</summary>
    public bool FreeField { get; }

    /// <summary>The field on <paramref name="lattice"/>.</summary>
    public GaussianField Build(Lattice lattice)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (Kind == "critical") return GaussianField.AtCriticalPoint(lattice);
        if (Kind == "beta") return GaussianField.AtBeta(lattice, Value);
        double mass2 = Kind switch
        {
            "mass2" => Value,
            "xi" => 1 / (Value * Value),
            _ => 1 / Math.Pow(Value * lattice.Length, 2),
        };
        if (FreeField) return GaussianField.FreeField(lattice, mass2) with { Parameterisation = Kind == "mass2" ? "gff" : $"gff ({Kind})" };
        return Kind switch
        {
            "mass2" => GaussianField.AtMassSquared(lattice, Value),
            "xi" => GaussianField.AtCorrelationLength(lattice, Value),
            _ => GaussianField.AtCorrelationLengthOverSize(lattice, Value),
        };
    }

    /// <summary>
    /// Checks that the family can be built in dimension <paramref name="dimension"/> (1..4; the critical
    /// family needs d >= 3) at the distinct sizes <paramref name="sizes"/> (each >= 2, at least one);
    /// throws <see cref="ArgumentException"/> naming the bad setting.
    /// </summary>
    public void CheckLattices(int dimension, IReadOnlyList<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (dimension is < 1 or > 4) throw new ArgumentException($"d must be in 1..4 (got {dimension})");
        if (Kind == "critical" && dimension <= 2) throw new ArgumentException($"the critical family needs d >= 3 (got d = {dimension})");
        if (sizes.Count == 0 || sizes.Any(l => l < 2)) throw new ArgumentException("sizes L must be >= 2 and at least one given");
        if (sizes.Distinct().Count() != sizes.Count) throw new ArgumentException("sizes L must be distinct");
    }

    /// <summary>A short label, e.g. "xi/L = 0.25" or "beta = beta_c".</summary>
    public string Label => (FreeField ? "GFF, " : "") + (Kind == "critical"
        ? "beta = beta_c(d)"
        : string.Create(CultureInfo.InvariantCulture, $"{Kind} = {Value:G6}"));
}
