using System.CommandLine;
using System.Globalization;
using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.Cli;

/// <summary>
/// The target-model options of commands that accept non-Gaussian targets (docs/science.md section 10): --model
/// gaussian|on|phi4, --n, --beta-unit, --kappa, --lambda, together with <see cref="ModelOptions"/> (--beta and
/// --critical are shared: for --model on, --beta is the coupling in the |s|^2 = n normalisation).
/// </summary>
internal sealed class TargetOptions
{
    public const string Kinds = "gaussian, on, phi4";

    public Option<string> Model { get; } = new("--model")
    {
        Description = "Target: gaussian (the O(n -> inf) field, exact; default), on (O(n) spins with |s|^2 = n, weight " +
                      "exp(beta sum s_x.s_y); needs --beta, --beta-unit or --critical) or phi4 (n-component phi^4, " +
                      "S = sum_x [-2 kappa sum_mu phi_x.phi_x+mu + |phi_x|^2 + lambda (|phi_x|^2 - 1)^2]; needs --kappa and --lambda).",
        DefaultValueFactory = _ => "gaussian",
    };

    public Option<int?> Components { get; } = new("--n")
    {
        Description = $"Field components n in 1..{SpinModel.MaxComponents} for --model on and phi4 (default 1: Ising / one-component phi^4).",
    };

    public Option<double?> BetaUnit { get; } = new("--beta-unit")
    {
        Description = "O(n) coupling in the unit-spin convention, beta_unit = n beta, 0 or in [1e-6, 1e4] (--model on; --beta has the same range there).",
    };

    public Option<double?> Kappa { get; } = new("--kappa")
    {
        Description = "phi^4 hopping parameter kappa in [1e-6, 1e4] (at lambda = 0 it must be < 1/(2d)).",
    };

    public Option<double?> Lambda { get; } = new("--lambda")
    {
        Description = "phi^4 quartic coupling lambda, 0 or in [1e-6, 1e4] (0: Gaussian free field; -> inf: O(n) spins at beta_unit = 2 kappa).",
    };

    /// <summary>Adds the target options (not the Gaussian ones: add a <see cref="ModelOptions"/> too).</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Components);
        command.Options.Add(BetaUnit);
        command.Options.Add(Kappa);
        command.Options.Add(Lambda);
    }

    /// <summary>The model kind after validation ("gaussian", "on" or "phi4").</summary>
    public string Kind(ParseResult result)
    {
        string kind = result.GetValue(Model) ?? "gaussian";
        if (kind is not ("gaussian" or "on" or "phi4"))
            throw new UsageException($"--model must be one of {Kinds} (got '{kind}')");
        return kind;
    }

    /// <summary>The target on the lattice of --d and --L.</summary>
    public LatticeModel Build(ParseResult result, ModelOptions gaussian)
    {
        int d = result.GetValue(gaussian.Dimension);
        var family = Family(result, gaussian, d);
        return family(ModelOptions.CreateLattice(d, result.GetValue(gaussian.Length)));
    }

    /// <summary>Validates the options once for dimension <paramref name="dimension"/> and returns a factory over lattices.</summary>
    public Func<Lattice, LatticeModel> Family(ParseResult result, ModelOptions gaussian, int dimension)
    {
        ModelOptions.CheckDimension(dimension);
        string kind = Kind(result);
        int? n = result.GetValue(Components);
        double? betaUnit = result.GetValue(BetaUnit), kappa = result.GetValue(Kappa), lambda = result.GetValue(Lambda);
        void Refuse(bool given, string option, string appliesTo) => RefuseFor(kind, given, option, appliesTo);
        if (kind == "gaussian")
        {
            Refuse(n is not null, "--n", "--model on and phi4 (the Gaussian model is n -> inf; one component is shown)");
            Refuse(betaUnit is not null, "--beta-unit", "--model on");
            Refuse(kappa is not null, "--kappa", "--model phi4");
            Refuse(lambda is not null, "--lambda", "--model phi4");
            var gaussianFamily = gaussian.BuildFamily(result, dimension);
            return lattice => gaussianFamily(lattice);
        }
        Refuse(result.GetValue(gaussian.Mass2) is not null, "--mass2", "--model gaussian");
        Refuse(result.GetValue(gaussian.Xi) is not null, "--xi", "--model gaussian");
        Refuse(result.GetValue(gaussian.XiOverL) is not null, "--xi-over-L", "--model gaussian");
        Refuse(result.GetValue(gaussian.FreeField), "--gff", "--model gaussian");
        int components = n ?? 1;
        if (components is < 1 or > SpinModel.MaxComponents)
            throw new UsageException($"--n must be in 1..{SpinModel.MaxComponents} (got {components})");
        var build = BuildFinite(result, gaussian, kind, components, dimension, betaUnit, kappa, lambda);
        return lattice =>
        {
            if ((long)components * lattice.SiteCount > MaxConfigurationValues)
                throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                    $"--n: n V = {components} x {lattice.SiteCount} values per configuration ({8.0 * components * lattice.SiteCount / (1 << 20):G3} MiB, several copies per chain) is above the limit {MaxConfigurationValues} (2^24); lower --n or --L"));
            return build(lattice);
        };
    }

    /// <summary>Smallest nonzero coupling (--beta, --beta-unit, --kappa, --lambda, critical's window) a finite-n target accepts.</summary>
    public const double MinCoupling = 1e-6;

    /// <summary>Largest coupling a finite-n target accepts: beyond it exp(coupling x field^2) terms overflow or step sizes vanish.</summary>
    public const double MaxCoupling = 1e4;

    /// <summary>The range text of a coupling, e.g. "0 or [1e-6, 1e4]".</summary>
    public static string CouplingRange(bool zero) => (zero ? "0 or " : "") + "in [1e-6, 1e4]";

    /// <summary>
    /// Returns a finite-n coupling inside 0 (when <paramref name="zero"/>) or [<see cref="MinCoupling"/>, <see cref="MaxCoupling"/>],
    /// or throws a usage error naming <paramref name="option"/>. Outside it the kernels' Boltzmann factors overflow (NaN
    /// energies at beta ~ 1e308), the heat-bath samplers do not converge (beta ~ 1e-320) and tuned step sizes underflow.
    /// </summary>
    public static double CheckCoupling(string option, double value, bool zero)
    {
        if ((zero && value == 0) || (value >= MinCoupling && value <= MaxCoupling)) return value;
        throw new UsageException(FormattableString.Invariant(
            $"{option} must be {CouplingRange(zero)} (got {value:g6}): outside it the Monte Carlo kernels are not accurate (Boltzmann factors overflow or underflow)"));
    }

    /// <summary>Most values n V one configuration of a finite-n target may hold (2^24 doubles = 128 MiB; chains keep several copies).</summary>
    public const long MaxConfigurationValues = 1L << 24;

    private static void RefuseFor(string kind, bool given, string option, string appliesTo)
    {
        if (given) throw new UsageException($"{option} applies to {appliesTo}, not to --model {kind}");
    }

    private Func<Lattice, LatticeModel> BuildFinite(ParseResult result, ModelOptions gaussian, string kind, int components, int dimension,
        double? betaUnit, double? kappa, double? lambda)
    {
        double? beta = result.GetValue(gaussian.Beta);
        bool critical = result.GetValue(gaussian.Critical);
        void Refuse(bool given, string option, string appliesTo) => RefuseFor(kind, given, option, appliesTo);
        if (kind == "on")
        {
            Refuse(kappa is not null, "--kappa", "--model phi4");
            Refuse(lambda is not null, "--lambda", "--model phi4");
            int given = (beta is null ? 0 : 1) + (betaUnit is null ? 0 : 1) + (critical ? 1 : 0);
            if (given != 1) throw new UsageException("--model on needs exactly one of --beta, --beta-unit, --critical");
            if (critical)
            {
                if (LiteratureCriticalPoints.Of(dimension, components) is null)
                    throw new UsageException(
                        $"--critical: no literature critical point for O({components}) in d = {dimension} ({LiteratureCriticalPoints.Known}); " +
                        "give --beta or --beta-unit, or locate it with 'critdiff critical'");
                return lattice => SpinModel.AtCriticalPoint(lattice, components);
            }
            string option = beta is null ? "--beta-unit" : "--beta";
            double value = CheckCoupling(option, (beta ?? betaUnit)!.Value, zero: true);
            return beta is null
                ? lattice => SpinModel.AtBetaUnit(lattice, components, value)
                : lattice => SpinModel.AtBeta(lattice, components, value);
        }
        Refuse(beta is not null, "--beta", "--model on and gaussian (phi^4 takes --kappa and --lambda)");
        Refuse(betaUnit is not null, "--beta-unit", "--model on");
        if (critical)
            throw new UsageException("--critical: phi^4 has no closed-form kappa_c(lambda); locate it with 'critdiff critical --model phi4 ...' and pass --kappa");
        if (kappa is not { } k) throw new UsageException("--model phi4 needs --kappa (> 0)");
        if (lambda is not { } l) throw new UsageException("--model phi4 needs --lambda (>= 0)");
        CheckCoupling("--kappa", k, zero: false);
        CheckCoupling("--lambda", l, zero: true);
        if (l == 0 && k >= 1.0 / (2 * dimension))
            throw new UsageException($"--kappa must be < 1/(2d) = {Format(1.0 / (2 * dimension))} at --lambda 0 (the Gaussian action is unbounded above it; got {Format(k)})");
        return lattice => new Phi4Model(lattice, components, k, l);
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
