using CritDiff.Fields;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>
/// The experiments of <c>critdiff reproduce</c>, as typed specifications and as the named stages that run them
/// (<see cref="Stages"/>): the exact-sampler check, the headline sweeps, the SGD-stability scans, the local-architecture
/// study and its SGD scans, the Monte Carlo baseline, the beyond-Gaussian study and the nonlinear-network study. The
/// command only runs the stages in order and prints; --quick and --large select smaller or larger plans.
/// </summary>
public static class ReproducePlan
{
    /// <summary>The local two-layer architecture of claim C4 (18 parameters in d = 2, 54 in d = 3).</summary>
    public static ScoreModelSpec LocalArchitecture { get; } = NetworkCatalog.TwoLayerLocal(1);

    /// <summary>
    /// The stages of a run, in order, with their ETA weights: typical seconds on 2 cores of a --quick, a full and a --large run,
    /// measured from the stage lines of one run each (--quick for issue 13, niced while another job shared the two cores; the full
    /// and --large runs again for issue 14 after the multiplier-space one-layer steps and the faster normals, on a quiet machine):
    /// only the shares matter, the ETA rescales them by the run's own speed. The nonlinear stage's weight includes the report,
    /// written after it. In all: --quick 32 s, full 76 s, --large 288 s before issue 23; the nonlinear weights since issue 23 are estimates
    /// (its runs measured as CPU seconds on a busy machine, JIT-compiled, halved for 2 cores: --quick 20.5 CPU s, full 465 CPU s; --large
    /// extrapolated), so about --quick 32 s, full 300 s, --large 1080 s in all.
    /// </summary>
    public static IReadOnlyList<ReproduceStage> Stages(bool quick, bool large, ulong seed)
    {
        var sweeps = Sweeps(quick, seed);
        StageWeights[] sweepWeights = [new(5.7, 4.0, 5.0), new(2.0, 5.0, 4.0), new(0.4, 1.0, 1.0), new(1.0, 2.0, 3.0)];
        if (sweepWeights.Length != sweeps.Count)
            throw new InvalidOperationException($"reproduce runs {sweeps.Count} sweeps but has {sweepWeights.Length} sweep weights: update ReproducePlan.Stages");
        var stability = Stability(quick, large, seed);
        string prefix = quick ? "quick-" : "";
        return
        [
            new SamplerCheckStage(new(0.3, 0.6, 0.5), SamplerCheck(quick, seed)),
            .. sweeps.Select((spec, i) => new SweepStage(sweepWeights[i], spec)),
            new StabilityStage(new(5.1, 13.0, 113.0), stability, StabilityFolder),
            new LocalArchitectureStage(new(4.7, 7.0, 25.0), Local(quick, large, seed), LocalArchitectureFolder),
            new LocalSgdStage(new(3.1, 12.0, 52.0), stability.Sgd, StabilityFolder),
            new McmcBaselineStage(new(0.2, 0.8, 0.5), McmcBaseline(quick, sweeps[0], seed), McmcBaselineFolder),
            new BeyondGaussianStage(new(0.8, 12.0, 13.0), BeyondGaussian(quick, seed), prefix + "beyond-gaussian"),
            // The issue-23 stages, measured with the native build on 2 cores (one run each, --quick and full, 2026-12-06): nonlinear
            // 6 / 249 s, quality 4 / 112 s, cost and report 3 / 91 s; --large extrapolated (nonlinear L = 128 not run).
            new NonlinearStage(new(6.0, 249.0, 860.0), Nonlinear(quick, large, seed), prefix + "nonlinear"),
            new QualityStage(new(4.0, 112.0, 112.0), Quality(quick, seed), prefix + "quality"),
            new CostStage(new(3.0, 91.0, 120.0), Cost(quick, large, seed), CostFolder),
        ];
    }

    /// <summary>The folder of the SGD-stability tables and figures; the scans are stored in its <c>scans</c> subfolder.</summary>
    public const string StabilityFolder = "sgd-stability";

    /// <summary>The folder of the local-architecture tables and figures; the runs are stored in its <c>runs</c> subfolder.</summary>
    public const string LocalArchitectureFolder = "local-architectures";

    /// <summary>The folder of the cost study's table and figure.</summary>
    public const string CostFolder = "cost";

    /// <summary>The folder of the Monte Carlo baseline's table and figure.</summary>
    public const string McmcBaselineFolder = "mcmc-baseline";

    /// <summary>
    /// The exact-sampler check: 2000 exact configurations (--quick: 200) of d = 2 at xi/L = 1/4 with L = 32 and 64 and of
    /// d = 3 at beta_c with L = 16, each model with its own seed (seed + its index).
    /// </summary>
    public static SamplerCheckSpec SamplerCheck(bool quick, ulong seed) => new(
        [
            new("d2-xiL0.25-L32", 2, 32, l => GaussianField.AtCorrelationLengthOverSize(l, 0.25)),
            new("d2-xiL0.25-L64", 2, 64, l => GaussianField.AtCorrelationLengthOverSize(l, 0.25)),
            new("d3-critical-L16", 3, 16, GaussianField.AtCriticalPoint),
        ], quick ? 200 : 2000, seed);

    /// <summary>
    /// The Monte Carlo baseline: tau_int(M^2) of heat bath and Fourier-accelerated HMC on the field family of
    /// <paramref name="sweep"/> (the first sweep: d = 2, xi/L = 1/4) at L = 8, 16, 32 (--quick: 8, 16), two chains each;
    /// runs of ~300 tau_int or more at the largest L.
    /// </summary>
    public static McmcBaselineSpec McmcBaseline(bool quick, ScalingSpec sweep, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return new McmcBaselineSpec(sweep.Family, sweep.Dimension, quick ? [8, 16] : [8, 16, 32],
            [new("heatbath", quick ? 5_000 : 20_000), new("fa-hmc", quick ? 1_000 : 2_000)], Chains: 2, seed);
    }

    /// <summary>The sweeps of a run; --quick uses fewer sizes and seeds.</summary>
    public static IReadOnlyList<ScalingSpec> Sweeps(bool quick, ulong seed)
    {
        string prefix = quick ? "quick-" : "";
        ScoreModelSpec[] archs = [NetworkCatalog.OneLayer, NetworkCatalog.TwoLayer, LocalArchitecture];
        var d2 = new ScalingSpec
        {
            Name = prefix + "d2-population",
            Family = new ModelFamily("xi/L", 0.25),
            Dimension = 2,
            Sizes = quick ? [8, 16, 32] : [8, 16, 32, 64],
            Architectures = archs,
            Seed = seed,
        };
        return
        [
            d2,
            d2 with { Name = prefix + "d3-population", Family = new ModelFamily("critical"), Dimension = 3, Sizes = quick ? [4, 6, 8] : [4, 8, 12, 16] },
            d2 with
            {
                Name = prefix + "d2-sgd-one-layer", Sizes = quick ? [8, 16] : [8, 16, 32], Architectures = [NetworkCatalog.OneLayer],
                Mode = TrainingMode.Empirical, Optimizer = "sgd", Seeds = quick ? 1 : 3,
            },
            d2 with
            {
                Name = prefix + "d2-sgd-two-layer", Sizes = quick ? [8, 16] : [8, 16, 32], Architectures = [NetworkCatalog.TwoLayer, LocalArchitecture],
                Mode = TrainingMode.Empirical, Optimizer = "sgd", LearningRate = 0.05, Seeds = quick ? 1 : 3,
            },
        ];
    }

    /// <summary>Sizes of the issue-7 studies (stability scans and local architectures).</summary>
    private static int[] StudySizes(bool quick, bool large) => quick ? [8, 16, 32] : large ? [8, 16, 32, 64, 128] : [8, 16, 32, 64];

    /// <summary>
    /// The stability scans of "C3 under SGD" (two-layer, d = 2, xi/L = 1/4, t = 0.1, batch 64): population GD,
    /// SGD and Adam in the kernel and Fourier bases, and one-layer SGD for comparison.
    /// </summary>
    public static StabilityPlan Stability(bool quick, bool large, ulong seed)
    {
        var sgd = new StabilitySpec
        {
            Family = new ModelFamily("xi/L", 0.25),
            Dimension = 2,
            Sizes = StudySizes(quick, large),
            Architecture = NetworkCatalog.TwoLayer,
            Mode = TrainingMode.Empirical,
            Optimizer = "sgd",
            Search = new StabilitySettings { Seeds = quick ? 2 : 3 },
            MaxSteps = 20_000,
            Seed = seed,
        };
        var gd = sgd with { Mode = TrainingMode.Population, Optimizer = "gd" };
        var adam = sgd with { Optimizer = "adam" };
        var fourier = ParameterBasis.Fourier;
        return new StabilityPlan(gd, sgd, sgd with { Architecture = NetworkCatalog.OneLayer },
            [gd, gd with { Basis = fourier }, sgd, sgd with { Basis = fourier }, adam, adam with { Basis = fourier }]);
    }

    /// <summary>
    /// The networks of "C4: local architectures": single local layers, two local layers of equal and mixed
    /// ranges from three starts, and a local layer followed by a full one.
    /// </summary>
    public static LocalStudySpec Local(bool quick, bool large, ulong seed)
    {
        string[] starts = ["balanced", "unbalanced:2", "random:0.1"];
        var candidates = new List<ArchitectureCandidate> { new(NetworkCatalog.OneLayerLocal(1)), new(NetworkCatalog.OneLayerLocal(2)) };
        foreach (var arch in new[] { LocalArchitecture, NetworkCatalog.LocalLayers(1, 2), NetworkCatalog.TwoLayerLocal(2) })
            candidates.AddRange(starts.Select(start => new ArchitectureCandidate(arch, start)));
        // A local first layer and a full second one: it can represent the exact score, with V + 9 parameters.
        candidates.Add(new ArchitectureCandidate(NetworkCatalog.LocalThenFull(1), "unbalanced:2"));
        return new LocalStudySpec
        {
            Family = new ModelFamily("xi/L", 0.25),
            Dimension = 2,
            Sizes = StudySizes(quick, large),
            Candidates = candidates,
            MaxSteps = 20_000,
            Seed = seed,
        };
    }

    /// <summary>
    /// The "beyond Gaussian" study: 2D Ising and 3D Ising and Heisenberg at their literature critical couplings, with n = inf in
    /// d = 3 beside them (eta from docs/science.md section 10: 1/4, 0.0363, 0.0375, 0). --quick: 2D Ising at L = 8, 16, 32 only.
    /// </summary>
    public static BeyondGaussianSpec BeyondGaussian(bool quick, ulong seed)
    {
        int[] d3 = [4, 6, 8, 12, 16];
        return quick
            ? new BeyondGaussianSpec { Series = [new("d2-ising", 2, 1, [8, 16, 32], 0.25)], Configurations = 400, Thermalization = 200, PilotSweeps = 200, Seed = seed }
            : new BeyondGaussianSpec
            {
                Series =
                [
                    new("d2-ising", 2, 1, [8, 16, 32, 64], 0.25),
                    new("d3-ising", 3, 1, d3, 0.0363),
                    new("d3-heisenberg", 3, 3, d3, 0.0375),
                    new("d3-n-inf", 3, 0, d3, 0),
                ],
                Seed = seed,
            };
    }

    /// <summary>
    /// The "nonlinear networks" study (issues 12 and 23): critical 2D phi^4 (lambda = 1) at L = 8, 16, 32, 64 in 3 replicas
    /// (--large: and 128; --quick: L = 8, 16 in 2 replicas with smaller ensembles and shorter runs).
    /// </summary>
    public static NonlinearSpec Nonlinear(bool quick, bool large, ulong seed) => quick
        ? new NonlinearSpec
        {
            Sizes = [8, 16], Replicas = 2, Times = [0.05], Configurations = 512, MaxSteps = 800, SgdMaxSteps = 2000, ValidationSize = 64,
            GenerationSlices = 12, GenerationBudget = 100, GenerationSamples = 128, ReverseSteps = 24, Seed = seed,
        }
        : new NonlinearSpec { Sizes = large ? [8, 16, 32, 64, 128] : [8, 16, 32, 64], Seed = seed };

    /// <summary>
    /// The "generation quality and measurable reweighting" study (issue 23): critical 2D phi^4 at L = 4, 8, 16 with 3 replicas,
    /// one-layer and a local odd conv net at every L and a small U-Net at L = 8, 16 slices, ladder up to 1000 steps per slice,
    /// ODE (Heun) with the exact discrete log q at L &lt;= 8 and sde-em path weights at L = 16 (<see cref="QualitySpec"/>'s defaults); --quick:
    /// L = 4, 8, the two per-slice networks, a two-rung ladder, small samples, the ODE only at L = 4. --large runs the full plan (L = 64 does not fit
    /// the stage's time).
    /// </summary>
    public static QualitySpec Quality(bool quick, ulong seed) => quick
        ? new QualitySpec
        {
            Sizes = [4, 8], Networks = [NetworkCatalog.OneLayer.Name, QualitySpec.LocalConvolution.Name], Ladder = [25, 50], Configurations = 256,
            Slices = 8, RungSamples = [128], WeightSamples = [512], ReverseSteps = 24, OdeMaxSites = 16, Seed = seed,
        }
        : new QualitySpec { Seed = seed };

    /// <summary>
    /// The cost per independent critical configuration (issue 23): critical 2D phi^4 (lambda = 1, kappa =
    /// <see cref="NonlinearSpec.CriticalKappaAtLambdaOne"/>), 4 chains each. Wolff (embedded clusters + Metropolis) at L = 8, 16, 32, 64
    /// (--large: and 128), 2000 sweeps per chain (~300 tau_int per chain at L = 64); HMC (trajectory length 1, step tuned to
    /// acceptance 0.8) and local Metropolis at L = 8, 16, 32 only, 10000 / 16000 / 30000 sweeps per chain (~500 tau_int in all at
    /// L = 32): at L = 64 their tau_int of several hundred sweeps would need ~10^5 sweeps per chain, minutes beyond the stage's
    /// budget. --quick: Wolff and HMC at L = 8, 16 with short chains (~100 tau_int or more in all). Sweeps are timed on one thread,
    /// median of 5 repeats of at least 0.1 s of the thread's CPU time (--quick 3 of 0.02 s); S_served = 10^5 samples.
    /// </summary>
    public static CostSpec Cost(bool quick, bool large, ulong seed) => quick
        ? new CostSpec(NonlinearSpec.CriticalKappaAtLambdaOne, 1,
            [new("wolff", [8, 16], [500, 500]), new("hmc", [8, 16], [2000, 4000])],
            Chains: 2, TimingRepeats: 3, TimingSeconds: 0.02, CostSpec.DefaultServedSamples, CostSpec.DefaultMinEffectiveSamples, seed)
        : new CostSpec(NonlinearSpec.CriticalKappaAtLambdaOne, 1,
            [
                new("wolff", large ? [8, 16, 32, 64, 128] : [8, 16, 32, 64], large ? [2000, 2000, 2000, 2000, 2000] : [2000, 2000, 2000, 2000]),
                new("hmc", [8, 16, 32], [10_000, 16_000, 30_000]),
                new("metropolis", [8, 16, 32], [10_000, 16_000, 30_000]),
            ],
            Chains: 4, TimingRepeats: 5, TimingSeconds: 0.1, CostSpec.DefaultServedSamples, CostSpec.DefaultMinEffectiveSamples, seed);
}
