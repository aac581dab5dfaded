using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Tests.Training;

/// <summary>Issue 7: the stability finder, the starts of multi-layer networks and the reachable optimum.</summary>
public class StabilityAndStartTests
{
    private static TrainingProblem Problem(int l, string architecture, ParameterBasis basis = ParameterBasis.Kernel) =>
        new(GaussianField.AtCorrelationLengthOverSize(new Lattice(2, l), 0.25), new VariancePreserving(),
            TimeGrid.Single(0.1), Architecture.Parse(architecture), basis);

    private static double SMax(TrainingProblem p) => p.Process.NoisedSpectrumTable(p.Field.SpectrumTable(), 0.1).Max();

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void FinderRecoversTheOneLayerGdBoundaryOneOverSMax(int l)
    {
        // m <- m - 2 eta (S m + 1) per mode: the top mode grows once eta > 1/S_max (docs/science.md section 5).
        var problem = Problem(l, "one-layer");
        double boundary = 1 / SMax(problem);
        var config = new TrainingConfig();
        Assert.True(StabilityFinder.IsStable(problem, config, 0.98 * boundary, 2000));
        Assert.False(StabilityFinder.IsStable(problem, config, 1.02 * boundary, 2000));
        var found = StabilityFinder.Find(problem, config, new StabilitySettings { Budget = 2000, Tolerance = 0.002 });
        Assert.Single(found.Seeds); // deterministic: one seed is enough
        Assert.True(found.Bracketed);
        Assert.InRange(found.StableRate / boundary, 0.98, 1.02);
        Assert.InRange(found.Seeds[0].Unstable / found.Seeds[0].Stable - 1, 0, 0.002 + 1e-12);
    }

    [Fact]
    public void FourierBasisGdBoundaryIsVTimesTheKernelOne()
    {
        // Full complex spectrum as parameters: plain GD follows the kernel trajectory with the rate scaled by V.
        var settings = new StabilitySettings { Budget = 2000, Tolerance = 0.002 };
        double kernel = StabilityFinder.Find(Problem(8, "one-layer"), new TrainingConfig(), settings).StableRate;
        double fourier = StabilityFinder.Find(Problem(8, "one-layer", ParameterBasis.Fourier), new TrainingConfig(), settings).StableRate;
        Assert.InRange(fourier / (64 * kernel), 0.99, 1.01);
    }

    private static TrainingConfig Sgd(string start, int steps) => new()
    {
        Mode = TrainingMode.Empirical,
        Optimizer = new GradientDescent("sgd"),
        LearningRate = 0.05,
        BatchSize = 16,
        Start = NetworkStart.Parse(start),
        Eps = 1e-9,
        MaxSteps = steps,
        Snapshots = [0],
        Seed = 7,
    };

    private static double Imbalance(NetworkParameters p) =>
        p.Layers[0].Zip(p.Layers[1], (a, b) => Math.Abs(a + b)).Max() / p.Layers[0].Max(Math.Abs);

    [Fact]
    public void BalancedLocalStartStaysOnKTwoEqualsMinusKOneUnderSgdAndOtherStartsLeaveIt()
    {
        // docs/science.md section 5: K_2 = -K_1 is invariant under GD and SGD (the two layers' gradients are exact negatives).
        var problem = Problem(8, "two-layer-local:1");
        var balanced = SliceTrainer.Train(problem, Sgd("balanced", 300), 0);
        Assert.True(balanced.History.Count > 200);
        Assert.Contains(balanced.Parameters.Layers[0].Skip(1), x => Math.Abs(x) > 1e-3); // it did learn a non-delta kernel
        Assert.True(Imbalance(balanced.Parameters) <= 1e-14, $"balanced imbalance {Imbalance(balanced.Parameters)}");

        var random = SliceTrainer.Train(problem, Sgd("random:0.1", 300), 0);
        Assert.True(Imbalance(random.Moments!.Snapshots[0]) > 1e-3);
        Assert.True(Imbalance(random.Parameters) > 1e-3, $"random imbalance {Imbalance(random.Parameters)}");
        var unbalanced = SliceTrainer.Train(problem, Sgd("unbalanced:2", 300), 0);
        Assert.True(Imbalance(unbalanced.Parameters) > 1e-3);
        // Off the balanced set the reachable optimum is lower (the balanced product is -m1^2 <= 0).
        Assert.True(random.Moments!.OptimumGapToExact < balanced.Moments!.OptimumGapToExact, $"gaps {random.Moments!.OptimumGapToExact} {balanced.Moments!.OptimumGapToExact} {unbalanced.Moments!.OptimumGapToExact}");
    }

    [Theory]
    [InlineData("two-layer-local:1")]
    [InlineData("two-layer")]
    [InlineData("deep-local:3:1")]
    public void StartsShareTheInitialProductExceptTheRandomOne(string architecture)
    {
        var problem = Problem(6, architecture);
        var network = LinearMomentNetwork.Create(problem.Field.Lattice, problem.Architecture);
        var (spectrum, noise) = (problem.Process.NoisedSpectrumTable(problem.Field.SpectrumTable(), 0.1), problem.Process.NoiseVariance(0.1));
        var population = ModeMoments.Population(spectrum, noise);
        double Loss(string start, ulong seed)
        {
            var p = SliceTrainer.Start(network, new TrainingConfig { Start = NetworkStart.Parse(start), Seed = seed }, spectrum, 0, out _);
            return network.Loss(p, population);
        }
        double balanced = Loss("balanced", 1);
        Assert.Equal(balanced, Loss("unbalanced:3", 1), Tolerances.ClosedForm * Math.Abs(balanced));
        Assert.Equal(balanced, Loss("random:0", 1));
        Assert.NotEqual(Loss("random:0.2", 1), Loss("random:0.2", 2));
        Assert.Equal(Loss("random:0.2", 5), Loss("random:0.2", 5));
    }

    [Theory]
    [InlineData("balanced")]
    [InlineData("random:0.1")]
    [InlineData("unbalanced:2")]
    public void ReachableOptimumEqualsTheConvergedLossOfALongPlainGdRun(string start)
    {
        // The trainer's optimum (a Newton polish of its run, no closed form for two local layers) against
        // 40000 plain GD steps from the same start at the same rate, written out here.
        var problem = Problem(8, "two-layer-local:1");
        var config = new TrainingConfig { Start = NetworkStart.Parse(start), Snapshots = [0] };
        var result = SliceTrainer.Train(problem, config, 0);
        Assert.True(result.Converged);
        var spectrum = problem.Process.NoisedSpectrumTable(problem.Field.SpectrumTable(), 0.1);
        double exact = LinearMomentNetwork.ExactOptimumLoss(spectrum, problem.Process.NoiseVariance(0.1));
        double optimum = exact + result.Moments!.OptimumGapToExact;

        var network = LinearMomentNetwork.Create(problem.Field.Lattice, problem.Architecture);
        var population = ModeMoments.Population(spectrum, problem.Process.NoiseVariance(0.1));
        var p = result.Moments!.Snapshots[0].Clone();
        var g = network.CreateParameters();
        double loss = double.NaN;
        for (int step = 0; step < 40_000; step++)
        {
            loss = network.LossAndGradient(p, population, g);
            for (int j = 0; j < p.Layers.Length; j++)
                for (int i = 0; i < p.Layers[j].Length; i++) p.Layers[j][i] -= result.LearningRate * g.Layers[j][i];
        }
        Assert.Equal(loss, optimum, 1e-11 * Math.Abs(loss));
        Assert.True(result.Moments!.OptimumGapToExact > 0);
    }

    [Fact]
    public void NewtonPolishReachesTheClosedFormOptimumOfOneLocalLayer()
    {
        var problem = Problem(8, "one-layer-local:1");
        var spectrum = problem.Process.NoisedSpectrumTable(problem.Field.SpectrumTable(), 0.1);
        double noise = problem.Process.NoiseVariance(0.1);
        var network = LinearMomentNetwork.Create(problem.Field.Lattice, problem.Architecture);
        var p = network.CreateParameters();
        var rng = new RandomStream(3, 0);
        foreach (var layer in p.Layers) rng.FillGaussian(layer);
        double polished = NewtonPolish.Minimize(network, p, ModeMoments.Population(spectrum, noise));
        double closedForm = ArchitectureOptimum.Loss(problem.Field.Lattice, problem.Architecture, spectrum, noise)!.Value;
        Assert.Equal(closedForm, polished, Tolerances.ClosedForm * Math.Abs(closedForm));
        var kernel = ArchitectureOptimum.LocalKernel(problem.Field.Lattice, (ConvolutionLayer)problem.Architecture.Layers[0], spectrum);
        for (int i = 0; i < kernel.Length; i++) Assert.Equal(kernel[i], p.Layers[0][i], 1e-9);
    }

    [Fact]
    public void StartNamesParseAndBadOnesAreRefused()
    {
        Assert.Equal(NetworkStart.Balanced, NetworkStart.Parse("balanced"));
        Assert.Equal(2, NetworkStart.Parse("unbalanced").Value);
        Assert.Equal(0.5, NetworkStart.Parse("random:0.5").Value);
        foreach (string bad in new[] { "", "sideways", "random", "random:-1", "unbalanced:0", "random:x" })
            Assert.Throws<FormatException>(() => NetworkStart.Parse(bad));
        var fourier = LinearMomentNetwork.Create(new Lattice(2, 4), Architecture.Parse("two-layer"), ParameterBasis.Fourier);
        var rng = new RandomStream(1, 0);
        Assert.Throws<ArgumentException>(() => NetworkStart.Random(0.1).Initialize(fourier, fourier.CreateParameters(), 1, ref rng));
    }
}

/// <summary>The claim-C4 study: thread-count independence, closed forms, and the verdict's stated criterion.</summary>
public class LocalArchitectureStudyTests
{
    [Fact]
    public void StudyIsIndependentOfThreadsMatchesClosedFormsAndJudgesByItsCriterion()
    {
        var spec = new CritDiff.Experiments.LocalStudySpec
        {
            Family = new CritDiff.Experiments.ModelFamily("xi/L", 0.25),
            Dimension = 2,
            Sizes = [6, 8, 10],
            Candidates =
            [
                new(NetworkCatalog.Parse("one-layer-local:1")), new(NetworkCatalog.Parse("two-layer-local:1")), new(NetworkCatalog.Parse("two-layer-local:1"), "unbalanced:2"),
                new(NetworkCatalog.Parse("layers:local:1,full"), "unbalanced:2"),
            ],
        };
        var one = CritDiff.Experiments.LocalArchitectureStudy.Study.Run(spec, new CritDiff.Experiments.StudyRun { Threads = 1 });
        var two = CritDiff.Experiments.LocalArchitectureStudy.Study.Run(spec, new CritDiff.Experiments.StudyRun { Threads = 2 });
        Assert.Equal(one.Rows, two.Rows);

        foreach (var row in one.Rows.Where(r => r.Candidate.Architecture.Name == "one-layer-local:1"))
        {
            // One local layer: the reachable optimum is the restricted least-squares kernel's loss.
            var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, row.Length), 0.25);
            var process = new VariancePreserving();
            var spectrum = process.NoisedSpectrumTable(field.SpectrumTable(), 0.1);
            double closed = ArchitectureOptimum.Loss(field.Lattice, Architecture.Parse("one-layer-local:1"), spectrum, process.NoiseVariance(0.1))!.Value
                            - LinearMomentNetwork.ExactOptimumLoss(spectrum, process.NoiseVariance(0.1));
            Assert.Equal(closed, row.OptimumGap, Tolerances.ClosedForm);
            Assert.True(row.ClosedForm);
            Assert.Equal(9, row.Parameters);
        }
        // A local layer followed by a full one can represent the exact score; it has V + 9 parameters. Its optimum is
        // polished (V + 9 <= 600), so the gap is the polish's precision: the loss is O(5), Newton stops at ~1e-15
        // relative gain, and 1e-9 per site leaves room for the finite-difference Hessian's slower final steps.
        Assert.All(one.Rows.Where(r => r.Candidate.Architecture.Name == "layers:local:1,full"), r =>
        {
            Assert.Equal(r.OneLayerParameters + 9, r.Parameters);
            Assert.InRange(r.OptimumGap, -1e-12, 1e-9);
        });

        var verdict = CritDiff.Reporting.LocalArchitectureReport.Judge(one);
        foreach (var fit in one.Fits)
        {
            bool expected = fit.FewerParameters && fit.AllConverged && fit.Fit is { } f && f.Power.PointCount >= 3 && f.PowerExponent < 1;
            Assert.Equal(expected, fit.KeepsSpeedUp());
        }
        Assert.False(one.Fits.Single(f => f.Candidate.Architecture.Name == "layers:local:1,full").KeepsSpeedUp());
        Assert.Contains("layers:local:1,full (unbalanced:2) (more parameters than one-layer)", verdict.Evidence, StringComparison.Ordinal);
        bool anyMulti = one.Fits.Any(f => f.Candidate.Architecture.Name != "one-layer-local:1" && f.KeepsSpeedUp());
        Assert.Equal(anyMulti, verdict.Reproduced);
    }
}
