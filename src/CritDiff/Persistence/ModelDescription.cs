using System.Globalization;
using System.Text.Json.Serialization;
using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.Persistence;

/// <summary>
/// A <see cref="LatticeModel"/> as the ensemble side-car stores it: kind ("on", "phi4", "gaussian"), n, d, L and the
/// couplings of that kind (others null): O(n) spins beta (|s|^2 = n) and beta_unit = n beta; phi^4 kappa and lambda;
/// Gaussian beta, mu2 and whether it is the free field. <see cref="Build"/> gives the model back;
/// <see cref="Mismatch"/> says how another model differs (for refusing data that does not match --model).
/// </summary>
public sealed record ModelDescription
{
    /// <summary>Relative tolerance on couplings in <see cref="Mismatch"/>: JSON keeps doubles exactly, this only forgives
    /// a coupling recomputed through another parameterisation (e.g. beta_unit / n).</summary>
    public const double CouplingTolerance = 1e-12;

    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("n")] public required int Components { get; init; }
    [JsonPropertyName("d")] public required int Dimension { get; init; }
    [JsonPropertyName("L")] public required int Length { get; init; }
    [JsonPropertyName("beta")] public double? Beta { get; init; }
    [JsonPropertyName("beta_unit")] public double? BetaUnit { get; init; }
    [JsonPropertyName("kappa")] public double? Kappa { get; init; }
    [JsonPropertyName("lambda")] public double? Lambda { get; init; }
    [JsonPropertyName("mu2")] public double? MassSquared { get; init; }
    [JsonPropertyName("free_field")] public bool? FreeField { get; init; }
    [JsonPropertyName("parameterisation")] public string? Parameterisation { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }

    /// <summary>The lattice.</summary>
    [JsonIgnore]
    public Lattice Lattice => new(Dimension, Length);

    /// <summary>Describes <paramref name="model"/>.</summary>
    public static ModelDescription Of(LatticeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var lattice = model.Lattice;
        var common = new ModelDescription
        {
            Kind = model.Kind, Components = model.Components, Dimension = lattice.Dimension, Length = lattice.Length,
            Description = model.Describe(),
        };
        return model switch
        {
            SpinModel s => common with { Beta = s.Beta, BetaUnit = s.BetaUnit, Parameterisation = s.Parameterisation },
            Phi4Model p => common with { Kappa = p.Kappa, Lambda = p.Lambda },
            GaussianField g => common with { Beta = g.Beta, MassSquared = g.MassSquared, FreeField = g.IsFreeField, Parameterisation = g.Parameterisation },
            _ => throw new ArgumentException($"no description for model kind '{model.Kind}'", nameof(model)),
        };
    }

    /// <summary>The model this describes; throws <see cref="InvalidDataException"/> when a coupling is missing.</summary>
    public LatticeModel Build()
    {
        var lattice = Lattice;
        return Kind switch
        {
            "on" => SpinModel.AtBeta(lattice, Components, Need(Beta, "beta")) with { Parameterisation = Parameterisation ?? "beta" },
            "phi4" => new Phi4Model(lattice, Components, Need(Kappa, "kappa"), Need(Lambda, "lambda")),
            "gaussian" when FreeField == true => GaussianField.FreeField(lattice, Need(MassSquared, "mu2")),
            "gaussian" => GaussianField.AtMassSquared(lattice, Need(MassSquared, "mu2")) with { Parameterisation = Parameterisation ?? "mass2" },
            _ => throw new InvalidDataException($"unknown model kind '{Kind}' (expected on, phi4 or gaussian)"),
        };
    }

    /// <summary>Null when <paramref name="model"/> is this model (kind, n, d, L and couplings); otherwise the differences, in words.</summary>
    public string? Mismatch(LatticeModel model)
    {
        var other = Of(model);
        var reasons = new List<string>();
        if (other.Kind != Kind) reasons.Add($"kind {Kind} vs {other.Kind}");
        if (other.Components != Components) reasons.Add($"n = {Components} vs {other.Components}");
        if (other.Dimension != Dimension) reasons.Add($"d = {Dimension} vs {other.Dimension}");
        if (other.Length != Length) reasons.Add($"L = {Length} vs {other.Length}");
        if (reasons.Count == 0)
        {
            Compare("beta", Beta, other.Beta, reasons);
            Compare("kappa", Kappa, other.Kappa, reasons);
            Compare("lambda", Lambda, other.Lambda, reasons);
            Compare("mu2", MassSquared, other.MassSquared, reasons);
            if ((FreeField ?? false) != (other.FreeField ?? false)) reasons.Add($"free field {FreeField} vs {other.FreeField}");
        }
        return reasons.Count == 0 ? null : "the data's model differs from the requested one: " + string.Join(", ", reasons)
            + $" (data: {Description ?? Kind}; requested: {model.Describe()})";
    }

    private static void Compare(string name, double? mine, double? theirs, List<string> reasons)
    {
        if (mine is null && theirs is null) return;
        if (mine is not { } a || theirs is not { } b || Math.Abs(a - b) > CouplingTolerance * Math.Max(Math.Abs(a), Math.Abs(b)))
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{name} = {mine?.ToString("R", CultureInfo.InvariantCulture) ?? "none"} vs {theirs?.ToString("R", CultureInfo.InvariantCulture) ?? "none"}"));
    }

    private static double Need(double? value, string name) =>
        value ?? throw new InvalidDataException($"the model description has no {name}");
}
