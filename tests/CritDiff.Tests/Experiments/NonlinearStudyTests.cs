using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Reporting;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Tests.Experiments;

/// <summary>
/// The nonlinear study's machinery on tiny lattices (replicas, resumable jobs, report files), its replica aggregation against the
/// replicas' own numbers, the budget invariance of its training time at L = 8, its verdict rules on made-up results, and the
/// histogram distance.
/// </summary>
public sealed class NonlinearStudyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-nonlinear-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly NonlinearSpec Tiny = new()
    {
        Sizes = [4, 6], Replicas = 2, Times = [0.3], Architectures = ["one-layer", "conv:1:1:odd"], SgdArchitectures = ["one-layer"],
        GenerationArchitectures = ["one-layer", "conv:1:1:odd"], Configurations = 64, Thermalization = 50, PilotSweeps = 50, MaxSteps = 40,
        SgdMaxSteps = 60, ReferenceBudget = 10, ValidationSize = 16, ReferenceLengthFactor = 1, MaxReferenceDoublings = 1, EvalInterval = 5,
        GenerationSlices = 3, GenerationBudget = 20, GenerationSamples = 16, ReverseSteps = 8, Seed = 4,
    };

    [Fact]
    public void RunsEveryJobOnceAndResumes()
    {
        var first = NonlinearStudy.Study.Run(Tiny, new StudyRun { Folder = _folder, Threads = 2 });
        Assert.Equal(2 * 2 * 3, first.Training.Count); // replicas x sizes x (one-layer, conv, one-layer sgd)
        Assert.Equal(2 * 2 * 2, first.Generation.Count);
        Assert.Equal([4, 4, 6, 6], first.Ensembles.Select(e => e.Length));
        Assert.Equal([0, 1, 0, 1], first.Ensembles.Select(e => e.Replica));
        // Replicas are independent: their own ensembles (different observables) and their own training.
        Assert.NotEqual(first.Ensembles[0].Susceptibility.Value, first.Ensembles[1].Susceptibility.Value);
        Assert.All(first.Ensembles, e => Assert.Equal(64, e.Magnetisations.Length));
        Assert.Equal(0, first.Reused);
        Assert.True(File.Exists(Path.Combine(_folder, "ensembles", "phi4-L6-r1.npy")));
        Assert.True(File.Exists(Path.Combine(_folder, "ensembles", "phi4-L6-r1.npy.json")));
        Assert.All(first.Generation, g => Assert.Equal(16, g.Samples));
        // One-layer has the exact-data rule (no budget check); the conv network is checked at B and 4B.
        Assert.All(first.Training.Where(r => r.Architecture == "one-layer"), r => Assert.Null(r.BudgetAgrees));
        Assert.All(first.Training.Where(r => r.Architecture == "conv:1:1:odd"), r =>
        {
            Assert.Equal(10, r.CheckBudget);
            Assert.Equal(40, r.MaxSteps);
            Assert.NotNull(r.BudgetAgrees);
            Assert.NotNull(r.ReferenceSteps);
        });

        var second = NonlinearStudy.Study.Run(Tiny, new StudyRun { Folder = _folder, Threads = 1 });
        Assert.Equal(4 + 12 + 8, second.Reused);
        Assert.Equal(first.Training, second.Training);
        Assert.Equal(first.Generation.Select(g => g.LogChiRatio), second.Generation.Select(g => g.LogChiRatio));

        var report = new ReportDocument("test");
        var verdicts = NonlinearReport.Judge(second);
        Assert.Equal(["NL-C1", "NL-C1-SGD", "NL-C3", "NL-C2", "NL-C4"], verdicts.Select(v => v.Id));
        Assert.All(verdicts, v => Assert.Contains("2 replicas", v.Caveat, StringComparison.Ordinal));
        NonlinearReport.Add(report, Path.Combine(_folder, "report"), second, verdicts, "report/");
        foreach (string file in new[] { "training.csv", "training-summary.csv", "generation.csv", "generation-summary.csv", "ensembles.csv", "steps.png", "steps.svg", "chi-ratio.png" })
            Assert.True(File.Exists(Path.Combine(_folder, "report", file)), file);
        Assert.Equal(1 + 3 * 2, File.ReadAllLines(Path.Combine(_folder, "report", "training-summary.csv")).Length);
        Assert.Contains("generation-quality study", report.ToMarkdown(), StringComparison.Ordinal);
        Assert.DoesNotContain("NL-reweight", report.ToMarkdown(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Replica aggregation: every (network, L) summary is the mean and standard error (sample standard deviation / sqrt(n),
    /// computed here by <see cref="Stats.FromSamples"/>) of the replicas' own slowest-slice steps, every generation summary that of
    /// the replicas' ln(chi_gen / chi_MC) (each recomputed from the row's chi and its own ensemble), and every fitted exponent the mean
    /// of per-replica least-squares slopes of ln steps on ln L (computed here in closed form).
    /// </summary>
    [Fact]
    public void SummariesAreTheMeanAndStandardErrorOfTheReplicas()
    {
        var result = NonlinearStudy.Study.Run(Tiny, new StudyRun { Folder = _folder, Threads = 2 });
        foreach (var s in result.Summaries())
        {
            var replicas = result.Training.Where(r => r.Architecture == s.Architecture && r.Optimizer == s.Optimizer && r.Length == s.Length).ToArray();
            Assert.Equal(Tiny.Replicas, replicas.Length); // one time per replica: its row is its slowest slice
            var steps = replicas.Select(r => (double)(r.Converged ? r.Steps!.Value : r.StepsRun)).ToArray();
            var expected = Stats.FromSamples(steps);
            Assert.Equal(expected.Mean, s.Steps.Mean!.Value, 12);
            Assert.Equal(expected.Error, s.Steps.Error!.Value, 12);
            Assert.Equal(replicas.Any(r => !r.Converged), s.LowerBound);
            Assert.Equal(replicas.All(r => r.BudgetAgrees is not false), s.BudgetInvariant);
            Assert.Equal(replicas.All(r => r.ReferenceConverged is not false), s.ReferenceConverged);
        }
        foreach (var g in result.GenerationSummaries())
        {
            var ratios = result.Generation.Where(r => r.Architecture == g.Architecture && r.Length == g.Length).Select(r =>
                Math.Log(r.GeneratedSusceptibility.Value!.Value / result.Ensembles.Single(e => e.Length == r.Length && e.Replica == r.Replica).Susceptibility.Value!.Value)).ToArray();
            var expected = Stats.FromSamples(ratios);
            Assert.Equal(expected.Mean, g.LogChiRatio.Mean!.Value, 12);
            Assert.Equal(expected.Error, g.LogChiRatio.Error!.Value, 12);
        }
        foreach (var (arch, optimizer) in result.Networks())
        {
            var fit = result.Fit(arch, optimizer)!;
            var slopes = Enumerable.Range(0, Tiny.Replicas).Select(r =>
            {
                var rows = result.Training.Where(x => x.Architecture == arch && x.Optimizer == optimizer && x.Replica == r).OrderBy(x => x.Length).ToArray();
                double[] lx = [.. rows.Select(x => Math.Log(x.Length))], ly = [.. rows.Select(x => Math.Log(x.Converged ? x.Steps!.Value : x.StepsRun))];
                return (ly[1] - ly[0]) / (lx[1] - lx[0]); // two sizes: the least-squares slope is the secant
            }).ToArray();
            Assert.Equal(slopes, fit.ReplicaExponents, (a, b) => Math.Abs(a - b) < 1e-9);
            Assert.Equal(Stats.FromSamples(slopes).Mean, fit.PowerExponent.Mean!.Value, 9);
            Assert.Equal(Stats.FromSamples(slopes).Error, fit.PowerExponent.Error!.Value, 9);
        }
    }

    [Fact]
    public void ChangedSettingsAreRecomputedNotReused()
    {
        NonlinearStudy.Study.Run(Tiny with { Replicas = 1 }, new StudyRun { Folder = _folder, Threads = 2 });
        var changed = NonlinearStudy.Study.Run(Tiny with { Replicas = 1, MaxSteps = 30 }, new StudyRun { Folder = _folder, Threads = 2 });
        // The 2 ensembles, the 4 generation jobs and the 2 SGD runs do not depend on the Adam cap; the 4 Adam training jobs do.
        Assert.Equal(2 + 4 + 2, changed.Reused);
        Assert.Equal(6, changed.Training.Count);
    }

    /// <summary>
    /// Budget invariance on a small case (L = 8, critical phi^4, the study's default settings for the conv network: converged
    /// reference at drift 0.02, B = 50 against 4B = 200): the study's training time at B and at 4B agree within its stated
    /// tolerance (|ln(t_B / t_4B)| &lt;= 0.15 or 2 evaluation intervals), each against a reference that converged.
    /// </summary>
    [Fact]
    public void TrainingTimeAtBudgetBAndFourBAgreeAtL8()
    {
        var spec = new NonlinearSpec { Configurations = 512 };
        var lattice = new Lattice(2, 8);
        var target = new Phi4Model(lattice, 1, spec.Kappa, spec.Lambda);
        var ensemble = EnsembleGenerator.Generate(ModelKernels.Create(spec.Algorithm, target), new EnsembleSettings(spec.Configurations, 300, 300, 1, 11, 2));
        var source = new DataSetSource(lattice, 1, ensemble.Configurations, ensemble.Count);
        foreach (string arch in new[] { CritDiff.Networks.NetworkCatalog.SmallOddConvolutionName })
        {
            var row = NonlinearStudy.MeasureTrainingTime(spec, source, arch, NonlinearStudy.AdamName, spec.Times[0], 0, 11);
            Assert.True(row.CheckConverged, arch);
            Assert.True(row.Converged, arch);
            Assert.True(row.ReferenceConverged, arch);
            double tB = row.CheckSteps!.Value, t4B = row.Steps!.Value;
            Assert.True(Math.Abs(Math.Log(tB / t4B)) <= spec.BudgetTolerance || Math.Abs(tB - t4B) <= 2 * spec.EvalInterval, $"{arch}: {tB} at B, {t4B} at 4B");
            Assert.True(row.BudgetAgrees, arch);
        }
    }

    [Fact]
    public void BudgetCheckAgreesOnlyWithinItsTolerance()
    {
        Assert.True(NonlinearStudy.BudgetAgrees(100, 100, false, 110, false, 0.15, 10));   // ln 1.1 = 0.095
        Assert.True(NonlinearStudy.BudgetAgrees(50, 50, false, 70, false, 0.15, 10));      // ln 1.4 = 0.34 but 2 intervals
        Assert.False(NonlinearStudy.BudgetAgrees(200, 200, false, 300, false, 0.15, 10));  // ln 1.5 = 0.41 and 10 intervals
        Assert.True(NonlinearStudy.BudgetAgrees(null, 100, false, 150, false, 0.15, 10));  // the bound > 100 holds
        Assert.False(NonlinearStudy.BudgetAgrees(null, 100, false, 60, false, 0.15, 10));  // stopped at 100 unconverged, yet 60 at 4B
        Assert.False(NonlinearStudy.BudgetAgrees(90, 90, false, null, false, 0.15, 10));
        Assert.True(NonlinearStudy.BudgetAgrees(null, 100, false, null, false, 0.15, 10));
        Assert.False(NonlinearStudy.BudgetAgrees(100, 100, true, 100, false, 0.15, 10));
    }

    private static NonlinearTrainingRow Row(string arch, int length, int replica, int? steps, string optimizer = "adam", bool? agrees = null) => new()
    {
        Architecture = arch, Optimizer = optimizer, Replica = replica, Length = length, Time = 0.1, Parameters = 10, Steps = steps,
        StepsRun = steps ?? 1000, Converged = steps is not null, Diverged = false, BudgetAgrees = agrees,
    };

    private static NonlinearGenerationRow Gen(string arch, int length, int replica, double logRatio, double distance = 0.1) => new()
    {
        Architecture = arch, Replica = replica, Length = length, Budget = 10, Samples = 1000, GeneratedSusceptibility = new(10 * Math.Exp(logRatio), 0.1),
        GeneratedBinder = new(0.5, 0.1), MonteCarloSusceptibility = 10, LogChiRatio = logRatio, MagnetisationDistance = distance, DivergedSlices = 0,
    };

    private static NonlinearEnsembleRow Ensemble(int length, int replica) => new()
    {
        Length = length, Replica = replica, Configurations = 100, TauInt = 1, Spacing = 2, AbsMagnetisation = new(0.5, 0.01), Susceptibility = new(10, 0.2),
        Binder = new(0.6, 0.01), Energy = new(0.5, 0.01), Magnetisations = [],
    };

    private static readonly int[] Sizes = [8, 16, 32, 64];

    private static readonly NonlinearSpec Synthetic = new() { Sizes = Sizes, Architectures = ["one-layer", "conv:3:1:odd"], GenerationArchitectures = ["one-layer", "conv:3:1:odd"] };

    /// <summary>Rows of one network: steps = a L^p times a replica factor (1 + spread x (r - 1)), so the exponents of the replicas are equal unless spread depends on L.</summary>
    private static IEnumerable<NonlinearTrainingRow> Power(string arch, double amplitude, double p, Func<int, int, double> noise, string optimizer = "adam") =>
        Sizes.SelectMany(l => Enumerable.Range(0, 3).Select(r => Row(arch, l, r, (int)Math.Round(amplitude * Math.Pow(l, p) * noise(l, r)), optimizer)));

    private static Dictionary<string, bool?> Verdicts(IEnumerable<NonlinearTrainingRow> training, IEnumerable<NonlinearGenerationRow> generation) =>
        NonlinearReport.Judge(new NonlinearResult(Synthetic, Sizes.SelectMany(l => Enumerable.Range(0, 3).Select(r => Ensemble(l, r))).ToArray(),
            training.ToArray(), generation.ToArray(), 1, 0)).ToDictionary(v => v.Id, v => v.Reproduced);

    private static IEnumerable<NonlinearGenerationRow> Generation(string arch, Func<int, int, double> logRatio, Func<int, double>? distance = null) =>
        Sizes.SelectMany(l => Enumerable.Range(0, 3).Select(r => Gen(arch, l, r, logRatio(l, r), distance?.Invoke(l) ?? 0.1)));

    [Fact]
    public void VerdictsFollowTheirStatedCriteriaWithErrors()
    {
        static double Quiet(int l, int r) => 1 + 0.02 * (r - 1);
        // Noisy growth: the replicas' exponents scatter widely (replica 0 flat, replica 2 steep).
        static double Wild(int l, int r) => Math.Pow(l / 8.0, 0.8 * (r - 1));
        var oneGood = Power("one-layer", 10, 1.5, Quiet);
        var sgdGood = Power("one-layer", 3, 1.75, Quiet, "sgd");
        var convGood = Power("conv:3:1:odd", 50, 0.1, Quiet);
        var oneBad = Generation("one-layer", (l, r) => 0.05 * l / 8 + 0.01 * (r - 1), l => 0.1 * l / 8);
        var convGood2 = Generation("conv:3:1:odd", (l, r) => 0.01 * (r - 1));
        var good = Verdicts([.. oneGood, .. sgdGood, .. convGood], [.. oneBad, .. convGood2]);
        Assert.True(good["NL-C1"]);
        Assert.True(good["NL-C1-SGD"]);
        Assert.True(good["NL-C3"]);
        Assert.True(good["NL-C2"]);
        Assert.True(good["NL-C4"]);

        // NL-C1: the same mean exponent 1.5 no longer clears 1 by 2 SE when the replicas scatter (exponents 0.7, 1.5, 2.3: SE 0.46).
        Assert.False(Verdicts([.. Power("one-layer", 10, 1.5, Wild), .. sgdGood, .. convGood], [.. oneBad, .. convGood2])["NL-C1"]);
        // NL-C1-SGD: growth like L^1 is not L^(2 - eta); L^2.2 (0.45 away) neither.
        Assert.False(Verdicts([.. oneGood, .. Power("one-layer", 3, 1.0, Quiet, "sgd"), .. convGood], [.. oneBad, .. convGood2])["NL-C1-SGD"]);
        Assert.False(Verdicts([.. oneGood, .. Power("one-layer", 3, 2.2, Quiet, "sgd"), .. convGood], [.. oneBad, .. convGood2])["NL-C1-SGD"]);
        // NL-C3: a mean exponent 0.6 < 1 that is not below 1 by 2 SE (replica exponents -0.2, 0.6, 1.4) fails; so does an unconverged replica.
        Assert.False(Verdicts([.. oneGood, .. sgdGood, .. Power("conv:3:1:odd", 50, 0.6, Wild)], [.. oneBad, .. convGood2])["NL-C3"]);
        var stuck = convGood.Select(r => r.Length == 64 && r.Replica == 1 ? r with { Steps = null, Converged = false } : r).ToArray();
        Assert.False(Verdicts([.. oneGood, .. sgdGood, .. stuck], [.. oneBad, .. convGood2])["NL-C3"]);
        // A failed budget check at one L: not measured, whatever the numbers.
        var unchecked_ = convGood.Select(r => r.Length == 32 && r.Replica == 0 ? r with { BudgetAgrees = false } : r).ToArray();
        Assert.Null(Verdicts([.. oneGood, .. sgdGood, .. unchecked_], [.. oneBad, .. convGood2])["NL-C3"]);
        // Lower bounds in one-layer: NL-C1 is not measured.
        var bounded = oneGood.Select(r => r.Length == 64 ? r with { Steps = null, Converged = false } : r).ToArray();
        Assert.Null(Verdicts([.. bounded, .. sgdGood, .. convGood], [.. oneBad, .. convGood2])["NL-C1"]);

        // NL-C2: the same mean drift (0.05 at L = 8 to 0.4 at L = 64) fails when the replicas scatter by +-0.5 in ln chi.
        Assert.False(Verdicts([.. oneGood, .. sgdGood, .. convGood], [.. Generation("one-layer", (l, r) => 0.05 * l / 8 + 0.5 * (r - 1), l => 0.1 * l / 8), .. convGood2])["NL-C2"]);
        // ... and when the histogram does not get worse.
        Assert.False(Verdicts([.. oneGood, .. sgdGood, .. convGood], [.. Generation("one-layer", (l, r) => 0.05 * l / 8 + 0.01 * (r - 1)), .. convGood2])["NL-C2"]);

        // NL-C4: 0.2 off at L = 64 (clearly outside 0.1); 0.08 +- 0.05 (undecided); 0.02 +- 0.01 at every L (inside).
        Assert.False(Verdicts([.. oneGood, .. sgdGood, .. convGood], [.. oneBad, .. Generation("conv:3:1:odd", (l, r) => l == 64 ? 0.2 + 0.01 * (r - 1) : 0)])["NL-C4"]);
        Assert.Null(Verdicts([.. oneGood, .. sgdGood, .. convGood], [.. oneBad, .. Generation("conv:3:1:odd", (l, r) => 0.08 + 0.0866 * (r - 1))])["NL-C4"]);
        Assert.True(Verdicts([.. oneGood, .. sgdGood, .. convGood], [.. oneBad, .. Generation("conv:3:1:odd", (l, r) => 0.02 + 0.0173 * (r - 1))])["NL-C4"]);
    }

    [Fact]
    public void HistogramDistanceIsZeroForIdenticalAndOneForDisjointSamples()
    {
        double[] a = [.. Enumerable.Range(0, 100).Select(i => i / 100.0)];
        Assert.Equal(0, NonlinearStudy.HistogramDistance(a, a), 12);
        Assert.Equal(1, NonlinearStudy.HistogramDistance(a, [.. a.Select(x => x + 10)]), 12);
        double half = NonlinearStudy.HistogramDistance(a, [.. a.Select(x => x + 0.5)]);
        Assert.InRange(half, 0.3, 0.7);
        Assert.True(double.IsNaN(NonlinearStudy.HistogramDistance([], a)));
    }
}
