using System.Globalization;
using System.Text.Json.Serialization;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;

namespace CritDiff.Experiments;

/// <summary>
/// A Binder-cumulant crossing search (docs/science.md section 10): for a model family, Monte Carlo at a grid of
/// <see cref="Points"/> couplings in [<see cref="Lower"/>, <see cref="Upper"/>] for every size in <see cref="Sizes"/>,
/// U(L, coupling) with errors, and the crossing of U for each pair of successive sizes. The coupling is beta_unit for
/// O(n) spins (family "on"; unit-spin convention, beta = beta_unit / n) and kappa at fixed <see cref="Lambda"/> for
/// phi^4 (family "phi4"). <see cref="Refinements"/> extra stages rerun the grid in a window narrowed around the
/// previous estimate (<see cref="CriticalPointFinder"/>).
/// </summary>
public sealed record CriticalPointSpec
{
    /// <summary>"on" (O(n) spins, coupling beta_unit) or "phi4" (coupling kappa at fixed lambda).</summary>
    [JsonPropertyName("family")] public required string Family { get; init; }

    /// <summary>Components n.</summary>
    [JsonPropertyName("n")] public required int Components { get; init; }

    /// <summary>Dimension d.</summary>
    [JsonPropertyName("d")] public required int Dimension { get; init; }

    /// <summary>Quartic coupling lambda for phi^4 (> 0: at lambda = 0 there is no transition); ignored for "on".</summary>
    [JsonPropertyName("lambda")] public double Lambda { get; init; }

    /// <summary>Lattice sizes, at least two, strictly increasing: crossings are taken between successive sizes.</summary>
    [JsonPropertyName("sizes")] public required IReadOnlyList<int> Sizes { get; init; }

    /// <summary>Lower end of the coupling window.</summary>
    [JsonPropertyName("lower")] public required double Lower { get; init; }

    /// <summary>Upper end of the coupling window (> lower).</summary>
    [JsonPropertyName("upper")] public required double Upper { get; init; }

    /// <summary>Couplings per size and stage, evenly spaced including both ends, 3..999.</summary>
    [JsonPropertyName("points")] public int Points { get; init; } = 7;

    /// <summary>Measured sweeps per chain and job (>= 16).</summary>
    [JsonPropertyName("sweeps")] public int Sweeps { get; init; } = 4_000;

    /// <summary>Thermalisation sweeps per chain and job.</summary>
    [JsonPropertyName("thermalize")] public int Thermalization { get; init; } = 500;

    /// <summary>Chains per job.</summary>
    [JsonPropertyName("chains")] public int Chains { get; init; } = 2;

    /// <summary>Root seed; job seeds derive from it and the job key.</summary>
    [JsonPropertyName("seed")] public ulong Seed { get; init; } = 1;

    /// <summary>
    /// Kernel name for <see cref="ModelKernels.Create"/> (Wolff by default: z well below 1 near criticality); must be one the
    /// library knows for the family, since it is recorded in config.json. A kernel factory passed to
    /// <see cref="CriticalPointFinder.Run(CriticalPointSpec, StudyRun)"/> may supply another implementation.
    /// </summary>
    [JsonPropertyName("algo")] public string Algorithm { get; init; } = "wolff";

    /// <summary>Refinement stages after the first, 0..4.</summary>
    [JsonPropertyName("refinements")] public int Refinements { get; init; }

    /// <summary>Degree of the polynomial fitted to U(coupling) per size: 1 (line) or 2 (quadratic).</summary>
    [JsonPropertyName("fit_degree")] public int FitDegree { get; init; } = 2;

    /// <summary>Resamples of U within its errors (fixed seed) for the crossing's error, >= 20.</summary>
    [JsonPropertyName("resamples")] public int Resamples { get; init; } = 400;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting and how to fix it.</summary>
    public void Validate()
    {
        if (Family is not ("on" or "phi4")) throw new ArgumentException($"family must be 'on' or 'phi4' (got '{Family}')");
        if (Components is < 1 or > SpinModel.MaxComponents) throw new ArgumentException($"n must be in 1..{SpinModel.MaxComponents}");
        if (Dimension is < 1 or > 4) throw new ArgumentException("d must be in 1..4");
        if (Family == "phi4" && !(Lambda > 0 && double.IsFinite(Lambda))) throw new ArgumentException("phi4 needs lambda > 0 (lambda = 0 is Gaussian: no transition)");
        if (Sizes is null || Sizes.Count < 2) throw new ArgumentException("give at least two sizes: crossings need pairs");
        for (int i = 0; i < Sizes.Count; i++)
        {
            if (Sizes[i] is < 2 or > 999) throw new ArgumentException($"sizes must be in 2..999 (got {Sizes[i]})");
            if (i > 0 && Sizes[i] <= Sizes[i - 1]) throw new ArgumentException("sizes must be strictly increasing");
        }
        if (!(Lower > 0 && Upper > Lower && double.IsFinite(Upper)))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"the window needs 0 < lower < upper (got [{Lower}, {Upper}])"));
        if (Points is < 3 or > 999) throw new ArgumentException("points must be in 3..999");
        if (FitDegree is not (1 or 2)) throw new ArgumentException("fit degree must be 1 or 2");
        if (Points <= FitDegree) throw new ArgumentException("need more points than the fit degree");
        if (Refinements is < 0 or > 4) throw new ArgumentException("refinements must be in 0..4");
        if (Resamples < 20) throw new ArgumentException("resamples must be >= 20");
        new ModelMcmcSettings(Sweeps, Thermalization, Chains).Validate();
        _ = ModelKernels.Create(Algorithm, Build(Sizes[0], Lower));
    }

    /// <summary>The model at size <paramref name="length"/> and coupling <paramref name="coupling"/>.</summary>
    public LatticeModel Build(int length, double coupling)
    {
        var lattice = new Lattice(Dimension, length);
        return Family == "on"
            ? SpinModel.AtBetaUnit(lattice, Components, coupling)
            : new Phi4Model(lattice, Components, coupling, Lambda);
    }

    /// <summary>The coupling's name: "beta_unit" or "kappa".</summary>
    [JsonIgnore]
    public string CouplingName => Family == "on" ? "beta_unit" : "kappa";

    /// <summary>Settings of one job's Monte Carlo run (single-threaded: jobs run in parallel).</summary>
    public ModelMcmcSettings RunSettings(ulong seed) =>
        new(Sweeps, Thermalization, Chains, seed, Threads: 1, SpectrumInterval: 0);
}
