using System.Text.Json.Serialization;
using CritDiff.Lattices;
using CritDiff.Networks;

namespace CritDiff.Experiments;

/// <summary>
/// The "generation quality and measurable reweighting" study of <c>critdiff reproduce</c> (issue 23) on critical 2D phi^4
/// (lambda = 1, kappa = <see cref="NonlinearSpec.CriticalKappaAtLambdaOne"/>): for each network, size and replica, train once
/// along a ladder of budgets, keep the parameters at every rung and find the first rung whose generated samples meet the
/// quality thresholds; at the largest rung draw <see cref="WeightSamples"/> samples of the Euler-Maruyama reverse SDE with their
/// exact path-space weights (docs/science.md section 11) and measure ESS/N, reweighted chi and U against Monte Carlo and the
/// independence-Metropolis chain (acceptance, tau_int of M^2). Replica r has its own Wolff ensemble (its training data and its
/// Monte Carlo reference: the same ensemble) and its own training and generation seeds.
/// </summary>
public sealed record QualitySpec
{
    [JsonPropertyName("d")] public int Dimension { get; init; } = 2;
    [JsonPropertyName("kappa")] public double Kappa { get; init; } = NonlinearSpec.CriticalKappaAtLambdaOne;
    [JsonPropertyName("lambda")] public double Lambda { get; init; } = 1;
    [JsonPropertyName("sizes")] public IReadOnlyList<int> Sizes { get; init; } = [4, 8, 16];
    [JsonPropertyName("replicas")] public int Replicas { get; init; } = 3;

    /// <summary>Per-slice networks (trained on every slice of a log-spaced grid) and time-conditioned ones (one network for all t).</summary>
    [JsonPropertyName("networks")] public IReadOnlyList<string> Networks { get; init; } = [NetworkCatalog.OneLayer.Name, LocalConvolution.Name, SmallUNet.Name];

    /// <summary>The local nonlinear network of the study: 4 hidden channels of range 1, tanh, odd (no biases, s(-x) = -s(x)).</summary>
    public static NonlinearConvModelSpec LocalConvolution { get; } = new(new ConvSpec(4, 1, 1, Activation.Tanh, Odd: true));

    /// <summary>The time-conditioned network of the study: a U-Net of 8 channels and 2 levels.</summary>
    public static UNetSpec SmallUNet { get; } = new(8, 2);

    /// <summary>Largest L a time-conditioned network is trained at (its cost per step grows with V and its ladder is retrained per rung).</summary>
    [JsonPropertyName("conditioned_max_L")] public int ConditionedMaxSize { get; init; } = 8;

    /// <summary>Adam steps per slice at each rung of a per-slice network (increasing).</summary>
    [JsonPropertyName("ladder")] public IReadOnlyList<int> Ladder { get; init; } = [125, 250, 500, 1000];

    /// <summary>Total Adam steps at each rung of a time-conditioned network (increasing; each rung is its own run from the same start and seed).</summary>
    [JsonPropertyName("conditioned_ladder")] public IReadOnlyList<int> ConditionedLadder { get; init; } = [200, 400, 800];

    [JsonPropertyName("configurations")] public int Configurations { get; init; } = 1024;
    [JsonPropertyName("algorithm")] public string Algorithm { get; init; } = "wolff";
    [JsonPropertyName("thermalization")] public int Thermalization { get; init; } = 200;
    [JsonPropertyName("pilot_sweeps")] public int PilotSweeps { get; init; } = 200;
    [JsonPropertyName("slices")] public int Slices { get; init; } = 16;
    [JsonPropertyName("batch")] public int BatchSize { get; init; } = 64;
    [JsonPropertyName("lr")] public double LearningRate { get; init; } = 1e-2;

    /// <summary>Adam rate of a time-conditioned network (the U-Net test's 2e-3).</summary>
    [JsonPropertyName("conditioned_lr")] public double ConditionedLearningRate { get; init; } = 2e-3;

    /// <summary>
    /// Samples drawn at every rung for the quality criterion (unweighted generated chi, U and M histogram), per L (the last entry
    /// for larger L). A rung whose generated chi has a relative standard error above half <see cref="ChiTolerance"/> is reported
    /// as "not resolvable" (<see cref="QualityRung.Resolvable"/>) rather than as missed.
    /// </summary>
    [JsonPropertyName("rung_samples")] public IReadOnlyList<int> RungSamples { get; init; } = [4096, 4096, 1024];

    /// <summary>Samples with path weights at the largest rung, per L (the last entry for larger L).</summary>
    [JsonPropertyName("weight_samples")] public IReadOnlyList<int> WeightSamples { get; init; } = [4096, 1024, 1024];

    /// <summary>
    /// The reverse sampler above <see cref="OdeMaxSites"/>: a Gaussian stochastic step that carries path weights (sde-em or sde-exp).
    /// </summary>
    [JsonPropertyName("sampler")] public string Sampler { get; init; } = Generation.Samplers.EulerMaruyama.Name;

    /// <summary>
    /// Largest n V at which a row samples with the probability-flow ODE (Heun) and its exact discrete log q
    /// (<see cref="Generation.RealSpaceOptions.DiscreteLogDensity"/>, cost ~ 2 n V Jacobian-vector products per step); above it
    /// the row uses <see cref="Sampler"/> with its path weights. 0: never the ODE. Default 16 (L = 4 only): at L = 8 the discrete log q costs 0.05-0.13 s per sample (48 ms one-layer,
    /// 100-130 ms conv), ten minutes of the stage for 1024 weighted samples of 2 networks in 3 replicas, and measured separately it
    /// reached at best ESS 9.3 of 4096 (one-layer, 1000 steps per slice), not measurable either; at L = 16 (n V = 256,
    /// <see cref="Generation.DiscreteMapDensity.MaxWidth"/>) it costs ~16x more again.
    /// </summary>
    [JsonPropertyName("ode_max_sites")] public int OdeMaxSites { get; init; } = 16;

    /// <summary>Reverse steps (the path weights and the discrete log q are exact at any number).</summary>
    [JsonPropertyName("reverse_steps")] public int ReverseSteps { get; init; } = 32;
    [JsonPropertyName("t_min")] public double MinTime { get; init; } = 1e-2;

    /// <summary>Quality thresholds: |ln(chi_gen/chi_MC)|, |U_gen - U_MC| and the M-histogram total-variation distance.</summary>
    [JsonPropertyName("chi_tolerance")] public double ChiTolerance { get; init; } = 0.05;
    [JsonPropertyName("binder_tolerance")] public double BinderTolerance { get; init; } = 0.02;
    [JsonPropertyName("histogram_tolerance")] public double HistogramTolerance { get; init; } = 0.1;
    [JsonPropertyName("seed")] public ulong Seed { get; init; } = 1;

    /// <summary>Rung samples at size index <paramref name="index"/>.</summary>
    public int RungSamplesAt(int index) => RungSamples[Math.Min(index, RungSamples.Count - 1)];

    /// <summary>The sampler of a row at <paramref name="length"/>: ode-heun (exact discrete log q) where n V &lt;= <see cref="OdeMaxSites"/>, else <see cref="Sampler"/>.</summary>
    public string SamplerAt(int length) =>
        Math.Pow(length, Dimension) <= OdeMaxSites ? Generation.Samplers.Heun.Name : Sampler;

    /// <summary>Weighted samples at size index <paramref name="index"/>.</summary>
    public int WeightSamplesAt(int index) => WeightSamples[Math.Min(index, WeightSamples.Count - 1)];

    /// <summary>Whether <paramref name="network"/> runs at <paramref name="length"/>: it fits that lattice, and a time-conditioned one only up to <see cref="ConditionedMaxSize"/>.</summary>
    public bool Runs(string network, int length)
    {
        var spec = NetworkCatalog.Parse(network);
        if (spec.IsTimeConditioned && length > ConditionedMaxSize) return false;
        try
        {
            spec.Validate(new Lattice(Dimension, length));
            return true;
        }
        catch (ArgumentException)
        {
            return false; // e.g. a U-Net whose levels do not fit L
        }
    }

    /// <summary>The ladder of <paramref name="network"/>.</summary>
    public IReadOnlyList<int> LadderOf(string network) => NetworkCatalog.Parse(network).IsTimeConditioned ? ConditionedLadder : Ladder;

    /// <summary>Checks ranges and that every network parses and runs at some size; throws <see cref="ArgumentException"/> naming the setting.</summary>
    public void Validate()
    {
        if (Sizes.Count < 1 || Sizes.Zip(Sizes.Skip(1)).Any(p => p.Second <= p.First) || Sizes[0] < 2)
            throw new ArgumentException("the quality study needs increasing sizes >= 2", nameof(Sizes));
        if (Replicas < 2) throw new ArgumentOutOfRangeException(nameof(Replicas), Replicas, "replicas must be >= 2 (a standard error needs two)");
        if (!(Kappa > 0) || !(Lambda > 0)) throw new ArgumentOutOfRangeException(nameof(Kappa), "kappa and lambda must be > 0");
        foreach (var (ladder, name) in new[] { (Ladder, nameof(Ladder)), (ConditionedLadder, nameof(ConditionedLadder)) })
            if (ladder.Count < 1 || ladder[0] < 1 || ladder.Zip(ladder.Skip(1)).Any(p => p.Second <= p.First))
                throw new ArgumentException("a ladder needs increasing budgets >= 1", name);
        if (Configurations < 16 || Slices < 2 || BatchSize < 1 || RungSamples.Count < 1 || RungSamples.Any(n => n < 8) || ReverseSteps < 1 || WeightSamples.Count < 1 || WeightSamples.Any(n => n < 8))
            throw new ArgumentOutOfRangeException(nameof(Configurations), "counts out of range (configurations >= 16, slices >= 2, samples >= 8)");
        if (!(LearningRate > 0) || !(ConditionedLearningRate > 0) || !(MinTime > 0))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), "rates and t_min must be > 0");
        if (!(ChiTolerance > 0) || !(BinderTolerance > 0) || !(HistogramTolerance > 0))
            throw new ArgumentOutOfRangeException(nameof(ChiTolerance), "tolerances must be > 0");
        if (OdeMaxSites < 0 || OdeMaxSites > Generation.DiscreteMapDensity.HardMaxWidth)
            throw new ArgumentOutOfRangeException(nameof(OdeMaxSites), OdeMaxSites, $"ode_max_sites must be in [0, {Generation.DiscreteMapDensity.HardMaxWidth}]");
        if (Generation.Samplers.Find(Sampler) is not { CarriesPathWeight: true })
            throw new ArgumentException($"sampler {Sampler} carries no path weights: use sde-em or sde-exp", nameof(Sampler));
        if (Networks.Count < 1) throw new ArgumentException("no networks", nameof(Networks));
        foreach (string network in Networks)
            if (!Sizes.Any(l => Runs(network, l)))
                NetworkCatalog.Parse(network).Validate(new Lattice(Dimension, Sizes[0])); // throws, naming why it fits no size
    }
}
