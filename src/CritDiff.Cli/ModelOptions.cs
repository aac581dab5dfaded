using System.CommandLine;
using System.Globalization;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.Cli;

/// <summary>
/// The model options shared by every command that needs a target field: the lattice (--d, --L) and
/// exactly one parameterisation (--beta, --mass2, --xi, --xi-over-L, --critical), optionally --gff.
/// </summary>
internal sealed class ModelOptions
{
    public Option<int> Dimension { get; } = new("--d")
    {
        Description = "Spatial dimension d, 1..4.",
        Required = true,
    };

    public Option<int> Length { get; } = new("--L")
    {
        Description = "Linear lattice size L >= 2 (sites per axis; V = L^d sites, periodic).",
        Required = true,
    };

    public Option<double?> Beta { get; } = new("--beta")
    {
        Description = "Coupling beta > 0; the mass mu2 then solves the gap equation (1/V) sum_k 1/(khat2 + mu2) = beta. " +
                      "With --model on: the O(n) coupling in the |s|^2 = n normalisation (beta_unit = n beta), 0 or in [1e-6, 1e4].",
    };

    public Option<double?> Mass2 { get; } = new("--mass2")
    {
        Description = "Mass squared mu2 > 0 in lattice units; beta then follows from the gap equation.",
    };

    public Option<double?> Xi { get; } = new("--xi")
    {
        Description = "Correlation length xi = 1/sqrt(mu2) > 0 in lattice spacings.",
    };

    public Option<double?> XiOverL { get; } = new("--xi-over-L")
    {
        Description = "Correlation length in units of L, xi/L > 0 (finite-size scaling family, e.g. 0.25).",
    };

    public Option<bool> Critical { get; } = new("--critical")
    {
        Description = "The infinite-volume critical coupling beta = beta_c(d), used at every L (finite-size scaling at the critical coupling; " +
                      "d >= 3: beta_c(3) = 0.25273..., beta_c(4) = 0.15493...). " +
                      "With --model on: the literature critical coupling for (d, n) where one is known (see README).",
    };

    public Option<bool> FreeField { get; } = new("--gff")
    {
        Description = "Raw Gaussian free field: beta = 1 and C(k) = 1/(khat2 + mu2) with mu2 from --mass2, --xi or --xi-over-L (no gap equation).",
    };

    /// <summary>Adds the options to a command; <paramref name="withLattice"/> false leaves --d and --L to the caller.</summary>
    public void AddTo(Command command, bool withLattice = true)
    {
        if (withLattice)
        {
            command.Options.Add(Dimension);
            command.Options.Add(Length);
        }
        command.Options.Add(Beta);
        command.Options.Add(Mass2);
        command.Options.Add(Xi);
        command.Options.Add(XiOverL);
        command.Options.Add(Critical);
        command.Options.Add(FreeField);
    }

    /// <summary>The field for --d and --L as given.</summary>
    public GaussianField Build(ParseResult result)
    {
        int d = result.GetValue(Dimension);
        return BuildFamily(result, d)(CreateLattice(d, result.GetValue(Length)));
    }

    /// <summary>Validates the parameterisation once and returns a factory over lattices (for sweeps in L).</summary>
    public Func<Lattice, GaussianField> BuildFamily(ParseResult result, int dimension)
    {
        var family = Family(result, dimension);
        return lattice => CheckMass(family, Build(family, lattice));
    }

    /// <summary>
    /// Accepted range of each parameterisation: mu2 in [<see cref="MinMassSquared"/>, <see cref="MaxMassSquared"/>] maps to
    /// xi = 1/sqrt(mu2) in [1e-2, 1e125] and, as beta ~ 1/mu2 at small beta and ~ 1/(V mu2) at large beta, to beta in
    /// [1e-4, 1e200]; xi/L is checked through the xi it gives at each size.
    /// </summary>
    public static (double Min, double Max) Range(string option) => option switch
    {
        "--beta" => (1e-4, 1e200),
        "--mass2" => (MinMassSquared, MaxMassSquared),
        "--xi" => (1e-2, 1e125),
        _ => (1e-12, 1e120),
    };

    private static string RangeText(string option) => option switch
    {
        "--beta" => "[1e-4, 1e200]",
        "--mass2" => "[1e-250, 1e4]",
        "--xi" => "[1e-2, 1e125]",
        _ => "[1e-12, 1e120]",
    };

    private static string OptionOf(ModelFamily family) => family.Kind switch { "xi/L" => "--xi-over-L", var k => "--" + k };

    /// <summary>Builds the field; a value the solvers cannot handle is a usage error naming the option (never a crash).</summary>
    private static GaussianField Build(ModelFamily family, Lattice lattice)
    {
        try
        {
            return family.Build(lattice);
        }
        catch (Exception e) when (e is ArgumentException or ArithmeticException or MathNet.Numerics.NonConvergenceException)
        {
            string option = OptionOf(family);
            throw new UsageException(FormattableString.Invariant(
                $"{option} {family.Value:g6} has no accurate solution on {lattice} (mu2 must stay in [1e-250, 1e4]; accepted {option} range {RangeText(option)})"));
        }
    }

    /// <summary>Smallest mass accepted: 1/(V mu2), the zero mode's share of the gap sum, must stay finite for V up to 2^28.</summary>
    public const double MinMassSquared = 1e-250;

    /// <summary>
    /// Largest mass accepted: beyond it xi &lt; 0.01 lattice spacings, and the energy G(e_1) and xi2 (differences of terms
    /// ~1/mu2 that agree to ~1/mu2 relative) lose precision like 1e-16 mu2.
    /// </summary>
    public const double MaxMassSquared = 1e4;

    /// <summary>Checks the mass of <paramref name="family"/> at every size (for sweeps that build their fields in the library).</summary>
    public static void CheckMasses(ModelFamily family, int dimension, IEnumerable<int> sizes)
    {
        foreach (int l in sizes) CheckMass(family, Build(family, new Lattice(dimension, l)));
    }

    private static GaussianField CheckMass(ModelFamily family, GaussianField field)
    {
        double mu2 = field.MassSquared;
        if (mu2 is >= MinMassSquared and <= MaxMassSquared) return field;
        string option = OptionOf(family);
        throw new UsageException(FormattableString.Invariant(
            $"{option} {family.Value:g6} gives mu2 = {mu2:g4}, outside [1e-250, 1e4] where the observables are accurate (for --beta: beta >= ~1e-4, as mu2 ~ 1/beta at small beta)"));
    }

    /// <summary>The model family the options describe, validated for dimension <paramref name="dimension"/>.</summary>
    public ModelFamily Family(ParseResult result, int dimension)
    {
        CheckDimension(dimension);
        var given = new List<(string Name, double? Value)>();
        void Take(string name, double? value) { if (value is not null) given.Add((name, value)); }
        Take("--beta", result.GetValue(Beta));
        Take("--mass2", result.GetValue(Mass2));
        Take("--xi", result.GetValue(Xi));
        Take("--xi-over-L", result.GetValue(XiOverL));
        if (result.GetValue(Critical)) given.Add(("--critical", null));
        const string all = "--beta, --mass2, --xi, --xi-over-L, --critical";
        if (given.Count == 0) throw new UsageException($"give exactly one of {all}");
        if (given.Count > 1)
            throw new UsageException($"give exactly one of {all} (got {string.Join(" and ", given.Select(g => g.Name))})");
        var (name, value) = given[0];
        if (value is { } v && !(v > 0 && double.IsFinite(v)))
            throw new UsageException($"{name} must be > 0 and finite (got {v.ToString(CultureInfo.InvariantCulture)})");
        if (value is { } w && Range(name) is var (min, max) && !(w >= min && w <= max))
            throw new UsageException(FormattableString.Invariant($"{name} must be in {RangeText(name)} (got {w:g6}): outside it mu2 leaves [1e-250, 1e4], where the observables are accurate"));
        bool gff = result.GetValue(FreeField);
        if (name == "--critical" && dimension <= 2)
            throw new UsageException($"--critical needs d >= 3 (got d = {dimension}): there is no finite beta_c in d <= 2");
        if (gff && name is "--beta" or "--critical")
            throw new UsageException("--gff takes its mass from --mass2, --xi or --xi-over-L (beta = 1); it cannot be combined with " + name);
        string kind = name switch
        {
            "--xi-over-L" => "xi/L",
            _ => name[2..],
        };
        return new ModelFamily(kind, value ?? 0, gff);
    }

    public static void CheckDimension(int d)
    {
        if (d is < 1 or > 4) throw new UsageException($"--d must be in 1..4 (got {d})");
    }

    /// <summary>Parses --L as a comma-separated list of distinct sizes >= 2 (each checked as a lattice of dimension d).</summary>
    public static int[] ParseSizes(string text, int d)
    {
        var list = new List<int>();
        foreach (string p in NumericOptions.Items("--L", text))
        {
            if (!NumericOptions.TryInteger(p, out int l) || l < 2)
                throw new UsageException($"--L must be a comma-separated list of sizes >= 2 (got '{p}')");
            CreateLattice(d, l);
            list.Add(l);
        }
        if (list.Count == 0) throw new UsageException("--L must list at least one size");
        if (list.Distinct().Count() != list.Count) throw new UsageException($"--L lists a size twice ({text})");
        return list.ToArray();
    }

    /// <summary>The lattice, with the option named in any error.</summary>
    public static Lattice CreateLattice(int d, int l)
    {
        CheckDimension(d);
        if (l < 2) throw new UsageException($"--L must be >= 2 (got {l})");
        if (Math.Pow(l, d) > Lattice.MaxSiteCount)
            throw new UsageException($"--L: L^d = {Math.Pow(l, d):G4} sites is above the limit {Lattice.MaxSiteCount} (2^28)");
        return new Lattice(d, l);
    }
}
