using System.Text.Json.Serialization;
using CritDiff.Lattices;
using CritDiff.Networks;

namespace CritDiff.Experiments;

/// <summary>
/// The "nonlinear networks" study of <c>critdiff reproduce</c> (issue 12): at the critical point of the 2D Ising class,
/// here one-component phi^4 with lambda = <see cref="Lambda"/> at its measured critical kappa, train linear and nonlinear
/// score networks by denoising score matching on Wolff ensembles and measure (a) the training time against L (steps
/// until the validation excess is below eps of its initial value, against a reference from two longer decaying-rate
/// runs, docs/science.md section 10) and (b) generation at a fixed training budget: probability-flow ODE samples with their
/// exact log-density, importance weights towards exp(-S), ESS per sample and observables against Monte Carlo (C2 beyond
/// Gaussian). phi^4 rather than Ising spins, because spins have no density on R^V and cannot be reweighted.
/// </summary>
public sealed record NonlinearSpec
{
    /// <summary>
    /// kappa_c of 2D one-component phi^4 at lambda = 1, measured here from Binder crossings (critdiff critical, Wolff,
    /// 2 x 6000 sweeps per point, kappa in [0.335, 0.35]): L = 16/32 crossing 0.34044 +- 0.00027 at U = 0.606 +- 0.003
    /// (U* = 0.61069 for the 2D Ising class), L = 8/16 crossing 0.3390 +- 0.0005.
    /// </summary>
    public const double CriticalKappaAtLambdaOne = 0.34044;

    /// <summary>Its uncertainty (the L = 16/32 crossing's).</summary>
    public const double CriticalKappaError = 0.00027;

    [JsonPropertyName("d")] public int Dimension { get; init; } = 2;
    [JsonPropertyName("n")] public int Components { get; init; } = 1;
    [JsonPropertyName("kappa")] public double Kappa { get; init; } = CriticalKappaAtLambdaOne;
    [JsonPropertyName("lambda")] public double Lambda { get; init; } = 1;
    [JsonPropertyName("sizes")] public IReadOnlyList<int> Sizes { get; init; } = [8, 16, 32];

    /// <summary>
    /// Networks whose training time is measured: one-layer (V parameters), a local two-layer linear one, and a nonlinear conv
    /// net with no more parameters than one-layer at the smallest L (conv:3:1:odd: 3 hidden channels, tanh, no biases, so
    /// s(-x) = -s(x) like the exact score of a Z2-symmetric target; 63 parameters against V = 64 at L = 8).
    /// </summary>
    [JsonPropertyName("architectures")] public IReadOnlyList<string> Architectures { get; init; } = [NetworkCatalog.OneLayer.Name, NetworkCatalog.TwoLayerLocal(1).Name, NetworkCatalog.SmallOddConvolutionName];

    /// <summary>Diffusion times of the training-time slices (VP); the study reports the slowest. One small time by default: small t is the slow, ill-conditioned end (measured at t = 0.05 and 0.5 on L = 8..32, every network took longer at 0.05).</summary>
    [JsonPropertyName("times")] public IReadOnlyList<double> Times { get; init; } = [0.05];

    [JsonPropertyName("configurations")] public int Configurations { get; init; } = 1024;
    [JsonPropertyName("algorithm")] public string Algorithm { get; init; } = "wolff";
    [JsonPropertyName("thermalization")] public int Thermalization { get; init; } = 500;
    [JsonPropertyName("pilot_sweeps")] public int PilotSweeps { get; init; } = 500;

    [JsonPropertyName("batch")] public int BatchSize { get; init; } = 64;

    /// <summary>Adam learning rate (the project's Adam default).</summary>
    [JsonPropertyName("lr")] public double LearningRate { get; init; } = 1e-2;

    [JsonPropertyName("max_steps")] public int MaxSteps { get; init; } = 400;

    /// <summary>Stop at validation excess &lt;= eps x initial. 0.05, not 0.01: at a fixed Adam rate the minibatch noise floor sits at a few per cent of the initial excess.</summary>
    [JsonPropertyName("eps")] public double Eps { get; init; } = 0.05;

    [JsonPropertyName("eval_interval")] public int EvalInterval { get; init; } = 10;
    [JsonPropertyName("validation_size")] public int ValidationSize { get; init; } = 128;
    [JsonPropertyName("reference_factor")] public double ReferenceLengthFactor { get; init; } = 2;

    /// <summary>Networks trained on every slice and sampled at a fixed budget.</summary>
    [JsonPropertyName("generation_architectures")] public IReadOnlyList<string> GenerationArchitectures { get; init; } = [NetworkCatalog.OneLayer.Name, NetworkCatalog.SmallOddConvolutionName];

    /// <summary>
    /// Slices of the generation models: 16, because the score between slices is that of the nearest slice and coarser grids
    /// bias the generated law by themselves (exact score of the L = 8 Gaussian field at xi/L = 1/4, ODE: chi 22.3 with 6
    /// slices, 10.9 with 16, 10.3 with 32, against the exact 10.4).
    /// </summary>
    [JsonPropertyName("generation_slices")] public int GenerationSlices { get; init; } = 16;
    [JsonPropertyName("generation_budget")] public int GenerationBudget { get; init; } = 200;
    [JsonPropertyName("generation_samples")] public int GenerationSamples { get; init; } = 256;
    [JsonPropertyName("reverse_steps")] public int ReverseSteps { get; init; } = 32;
    [JsonPropertyName("t_min")] public double MinTime { get; init; } = 1e-2;
    [JsonPropertyName("seed")] public ulong Seed { get; init; } = 1;

    /// <summary>Checks ranges and that every architecture parses and fits the smallest lattice.</summary>
    public void Validate()
    {
        if (Sizes.Count < 2 || Sizes.Zip(Sizes.Skip(1)).Any(p => p.Second <= p.First))
            throw new ArgumentException("the nonlinear study needs at least two increasing sizes", nameof(Sizes));
        if (Times.Count < 1 || Times.Any(t => !(t > 0 && double.IsFinite(t)))) throw new ArgumentException("times must be > 0", nameof(Times));
        if (!(Kappa > 0) || !(Lambda > 0)) throw new ArgumentOutOfRangeException(nameof(Kappa), "kappa and lambda must be > 0");
        if (Configurations < 16 || GenerationSamples < 4 || GenerationSlices < 2 || GenerationBudget < 1 || ReverseSteps < 1 || MaxSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(Configurations), "counts out of range");
        var smallest = new Lattice(Dimension, Sizes[0]);
        foreach (string arch in Architectures.Concat(GenerationArchitectures)) NetworkCatalog.Parse(arch).Validate(smallest);
    }
}
