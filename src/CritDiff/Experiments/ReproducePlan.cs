using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>
/// The experiments of <c>critdiff reproduce</c>, as typed specifications: the headline sweeps, the SGD-stability
/// scans, the local-architecture study, the beyond-Gaussian study and the nonlinear-network study. The command only
/// runs them and prints; --quick and --large select smaller or larger plans.
/// </summary>
public static class ReproducePlan
{
    /// <summary>The local two-layer architecture of claim C4 (18 parameters in d = 2, 54 in d = 3).</summary>
    public static ScoreModelSpec LocalArchitecture { get; } = NetworkCatalog.TwoLayerLocal(1);

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
    public static (StabilitySpec Gd, StabilitySpec Sgd, StabilitySpec OneLayerSgd, IReadOnlyList<StabilitySpec> Optimizers) Stability(bool quick, bool large, ulong seed)
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
        return (gd, sgd, sgd with { Architecture = NetworkCatalog.OneLayer },
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
        foreach (var arch in new[] { LocalArchitecture, NetworkCatalog.Parse("layers:local:1,local:2"), NetworkCatalog.TwoLayerLocal(2) })
            candidates.AddRange(starts.Select(start => new ArchitectureCandidate(arch, start)));
        // A local first layer and a full second one: it can represent the exact score, with V + 9 parameters.
        candidates.Add(new ArchitectureCandidate(NetworkCatalog.Parse("layers:local:1,full"), "unbalanced:2"));
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
    /// The "nonlinear networks" study (issue 12): critical 2D phi^4 (lambda = 1) at L = 8, 16, 32 (--large: and 64; --quick: 8, 16
    /// with shorter runs).
    /// </summary>
    public static NonlinearSpec Nonlinear(bool quick, bool large, ulong seed) => quick
        ? new NonlinearSpec
        {
            Sizes = [8, 16], Times = [0.05], Configurations = 512, MaxSteps = 400, ValidationSize = 64, GenerationSlices = 12,
            GenerationBudget = 100, GenerationSamples = 128, ReverseSteps = 24, Seed = seed,
        }
        : new NonlinearSpec { Sizes = large ? [8, 16, 32, 64] : [8, 16, 32], Seed = seed };
}
