using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Statistics;
using Xunit.Abstractions;

namespace CritDiff.Tests.Experiments;

/// <summary>
/// The Binder-crossing finder: crossings of synthetic straight lines (exact answer), the 2D Ising crossing of L = 8 and 16
/// against Onsager's beta_c, the 3D O(n) crossings (n = 1, 2, 3) of L = 4 and 8 against the literature critical points
/// (<see cref="LiteratureCriticalPoints"/>) within 3 errors plus a stated finite-size allowance, and the run folder's
/// resume behaviour. The 3D check at L = 8, 16 with a refinement is [Trait("Category", "Slow")].
/// </summary>
public sealed class CriticalPointFinderTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-critical-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static StudyRun In(string folder) => new() { Folder = folder };

    /// <summary>A progress sink that runs on the reporting thread.</summary>
    private sealed class Sink(Action<StudyProgress> report) : IProgress<StudyProgress>
    {
        public void Report(StudyProgress value) => report(value);
    }

    [Fact]
    public void CrossingOfExactLinesIsFoundExactly()
    {
        // U1 = 0.6 + 2 (g - 0.44), U2 = 0.6 + 5 (g - 0.44): they cross at g = 0.44, U = 0.6.
        var grid = CriticalPointFinder.Grid(0.40, 0.48, 5);
        var a = grid.Select(g => new BinderPoint(g, 0.6 + 2 * (g - 0.44), 0.01)).ToArray();
        var b = grid.Select(g => new BinderPoint(g, 0.6 + 5 * (g - 0.44), 0.01)).ToArray();
        foreach (int degree in new[] { 1, 2 })
        {
            var c = BinderCrossings.Find(8, a, 16, b, 0.40, 0.48, degree, 200, 3);
            Assert.Equal(0.44, c.Coupling.Mean, 1e-9);
            Assert.Equal(0.6, c.BinderAtCrossing.Mean, 1e-9);
            // Error propagation: the crossing sits at the grid's centre, where a slope error moves neither fit, so
            // var(g*) = var(U1(g0) - U2(g0)) / (5 - 2)^2 with var(U_i(g0)) = sigma^2 e0' (X'WX)^-1 e0 for 5 equispaced
            // points: sigma^2 / 5 for a line, sigma^2 17/35 for a quadratic. Resampling (200 draws) agrees within ~20%.
            double centreVariance = degree == 1 ? 1.0 / 5 : 17.0 / 35;
            double propagated = Math.Sqrt(2 * 0.01 * 0.01 * centreVariance) / 3;
            Assert.InRange(c.Coupling.Error, 0.8 * propagated, 1.2 * propagated);
            Assert.Null(c.Warning);
        }
    }

    [Fact]
    public void ParallelCurvesHaveNoCrossing()
    {
        var grid = CriticalPointFinder.Grid(0.40, 0.48, 5);
        var a = grid.Select(g => new BinderPoint(g, 0.5 + g, 0.001)).ToArray();
        var b = grid.Select(g => new BinderPoint(g, 0.6 + g, 0.001)).ToArray();
        var c = BinderCrossings.Find(8, a, 16, b, 0.40, 0.48, 1, 50, 3);
        Assert.False(c.Found);
        Assert.NotNull(c.Warning);
    }

    [Fact]
    public void PolynomialFitRecoversAQuadratic()
    {
        double[] x = [0.1, 0.2, 0.3, 0.5, 0.8];
        var fit = PolynomialFit.Of(x, x.Select(v => 1 - 2 * v + 3 * v * v).ToArray(), [1, 2, 1, 1, 3], 2);
        foreach (double v in new[] { 0.0, 0.4, 1.0 }) Assert.Equal(1 - 2 * v + 3 * v * v, fit.At(v), 1e-12);
    }

    [Fact]
    public void IsingCrossingOfEightAndSixteenIsOnsagersCoupling()
    {
        double betaC = LiteratureCriticalPoints.Of(2, 1)!.BetaUnit;
        var spec = new CriticalPointSpec
        {
            Family = "on", Components = 1, Dimension = 2, Sizes = [8, 16], Lower = 0.425, Upper = 0.455, Points = 5,
            Sweeps = 2_500, Thermalization = 100, Seed = 5,
        };
        var result = CriticalPointFinder.Study.Run(spec, In(_folder));
        var c = Assert.Single(result.Crossings);
        output.WriteLine($"L = 8, 16: beta* = {c.Coupling}, U* = {c.BinderAtCrossing}; exact beta_c = {betaC}");
        Assert.True(result.Complete);
        Assert.True(c.Found, c.Warning);
        Assert.True(Math.Abs(c.Coupling.Mean - betaC) <= 3 * c.Coupling.Error + Tolerances.IsingCrossingFiniteSize,
            $"crossing {c.Coupling}, exact {betaC}");
        Assert.True(File.Exists(Path.Combine(_folder, "summary.json")));
    }

    [Fact]
    public void StiffPhi4CrossingIsTheIsingCouplingOverTwo()
    {
        // lambda -> inf pins |phi|^2 at the potential's minimum phi0^2 = 1 - 1/(2 lambda), leaving Ising spins with
        // coupling 2 kappa phi0^2 (docs/science.md section 10: beta_unit = 2 kappa), so kappa_c = beta_c(2D Ising) / (2 phi0^2);
        // the magnitude fluctuations shift it by O(1/lambda) (allowed: 2/lambda relative).
        const double lambda = 1000;
        double expected = LiteratureCriticalPoints.Of(2, 1)!.BetaUnit / (2 * (1 - 1 / (2 * lambda)));
        var spec = new CriticalPointSpec
        {
            Family = "phi4", Components = 1, Dimension = 2, Lambda = lambda, Sizes = [8, 16], Lower = 0.212, Upper = 0.228,
            Points = 4, Sweeps = 700, Thermalization = 100, Seed = 8,
        };
        var c = Assert.Single(CriticalPointFinder.Study.Run(spec, In(_folder)).Crossings);
        output.WriteLine($"phi4 lambda = {lambda}, L = 8, 16: kappa* = {c.Coupling}, U* = {c.BinderAtCrossing}; Ising limit {expected}");
        Assert.True(c.Found, c.Warning);
        Assert.True(Math.Abs(c.Coupling.Mean - expected) <= 3 * c.Coupling.Error + Tolerances.IsingCrossingFiniteSize / 2 + 2 / lambda * expected,
            $"crossing {c.Coupling}, Ising limit {expected}");
    }

    public static TheoryData<int> Components() => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Components))]
    public void ThreeDimensionalCrossingOfFourAndEightIsTheLiteraturePoint(int n)
    {
        double literature = LiteratureCriticalPoints.Of(3, n)!.BetaUnit;
        // A window of -5% .. +4% around the literature value (deliberately off-centre).
        var spec = new CriticalPointSpec
        {
            Family = "on", Components = n, Dimension = 3, Sizes = [4, 8], Lower = 0.95 * literature, Upper = 1.04 * literature,
            Points = 5, Sweeps = 800, Thermalization = 100, Seed = 11,
        };
        var c = Assert.Single(CriticalPointFinder.Study.Run(spec, In(_folder)).Crossings);
        output.WriteLine($"O({n}) d = 3, L = 4, 8: beta_unit* = {c.Coupling}, U* = {c.BinderAtCrossing}; literature {literature}");
        Assert.True(c.Found, c.Warning);
        Assert.True(Math.Abs(c.Coupling.Mean - literature) <= 3 * c.Coupling.Error + Tolerances.SmallLatticeCrossingRelative * literature,
            $"crossing {c.Coupling}, literature {literature}");
    }

    [SlowTheory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(Components))]
    public void ThreeDimensionalCrossingOfEightAndSixteenIsTheLiteraturePoint(int n)
    {
        // Minutes on two cores; CRITDIFF_SLOW_SWEEPS raises the statistics (default 1500 sweeps x 2 chains per point).
        int sweeps = int.TryParse(Environment.GetEnvironmentVariable("CRITDIFF_SLOW_SWEEPS"), out int s) ? s : 1_500;
        double literature = LiteratureCriticalPoints.Of(3, n)!.BetaUnit;
        var spec = new CriticalPointSpec
        {
            Family = "on", Components = n, Dimension = 3, Sizes = [8, 16], Lower = 0.98 * literature, Upper = 1.02 * literature,
            Points = 5, Sweeps = sweeps, Thermalization = 100, Seed = 13, Refinements = 1,
        };
        var result = CriticalPointFinder.Study.Run(spec, In(_folder));
        foreach (var stage in result.Stages)
            output.WriteLine($"O({n}) stage {stage.Stage} [{stage.Lower:G6}, {stage.Upper:G6}]: beta_unit* = {stage.Coupling}, U* = {stage.BinderAtCrossing}; literature {literature}");
        var c = Assert.Single(result.Crossings);
        Assert.True(c.Found, c.Warning);
        Assert.True(Math.Abs(c.Coupling.Mean - literature) <= 3 * c.Coupling.Error + Tolerances.SmallLatticeCrossingRelative / 5 * literature,
            $"crossing {c.Coupling}, literature {literature}");
    }

    [Fact]
    public void InterruptedSearchResumesWithoutRerunningFinishedJobs()
    {
        var spec = new CriticalPointSpec
        {
            Family = "on", Components = 1, Dimension = 2, Sizes = [4, 8], Lower = 0.36, Upper = 0.52, Points = 4,
            Sweeps = 400, Thermalization = 100, Chains = 1, Seed = 2, Refinements = 1,
        };
        var partial = new CriticalPointFinder { MaxJobs = 5 }.Run(spec, In(_folder));
        Assert.False(partial.Complete);
        Assert.Equal(5, partial.Jobs.Count);
        Assert.Empty(partial.Stages);
        var ran = new List<string>();
        int reused = -1;
        var full = new CriticalPointFinder { Reused = count => reused = count }
            .Run(spec, In(_folder) with { Progress = new Sink(e => { if (e.Done) lock (ran) ran.Add(e.Job); }) });
        Assert.Equal(5, reused);
        Assert.True(full.Complete);
        Assert.True(full.Stages[0].Crossings[0].Found, full.Stages[0].Crossings[0].Warning); // else no refinement stage
        Assert.Equal(2, full.Stages.Count);
        Assert.Equal(16, full.Jobs.Count); // 2 stages x 2 sizes x 4 points
        Assert.Equal(11, ran.Count);
        Assert.Equal(11, ran.Distinct().Count());
        Assert.DoesNotContain(ran, name => partial.Jobs.Any(j => CriticalPointFinder.JobName(spec, new CriticalPointJob(j.Stage, j.Length, j.Index, j.Coupling)) == name));
        // A second run finds everything done and gives the same answer.
        var again = CriticalPointFinder.Study.Run(spec, In(_folder) with { Progress = new Sink(_ => throw new InvalidOperationException("nothing should run")) });
        Assert.Equal(full.Coupling, again.Coupling);
        Assert.True(full.Stages[1].Upper - full.Stages[1].Lower < spec.Upper - spec.Lower);
    }

    /// <summary>
    /// A search's kernel factory builds the kernel of every job it runs (one per job, at the job's size); one that builds
    /// the default kernel gives the default search's job files value for value.
    /// </summary>
    [Fact]
    public void KernelFactoryBuildsEveryJobsKernel()
    {
        var spec = new CriticalPointSpec
        {
            Family = "on", Components = 1, Dimension = 2, Sizes = [4, 6], Lower = 0.38, Upper = 0.5, Points = 3,
            Sweeps = 64, Thermalization = 0, Chains = 1,
        };
        var sizes = new List<int>();
        var finder = new CriticalPointFinder
        {
            KernelFactory = model =>
            {
                lock (sizes) sizes.Add(model.Lattice.Length);
                return CritDiff.MonteCarlo.ModelKernels.Create(spec.Algorithm, model);
            },
        };
        var built = finder.Run(spec, In(Path.Combine(_folder, "factory")) with { Threads = 2 });
        var plain = CriticalPointFinder.Study.Run(spec, In(Path.Combine(_folder, "default")) with { Threads = 1 });
        Assert.Equal([4, 4, 4, 6, 6, 6], sizes.Order());
        Assert.Equal(plain.Jobs.Select(j => (j.Length, j.Coupling, j.Binder.Value, j.Susceptibility.Value)),
            built.Jobs.Select(j => (j.Length, j.Coupling, j.Binder.Value, j.Susceptibility.Value)));
    }

    [Fact]
    public void FolderOfAnotherSearchIsRefused()
    {
        var spec = new CriticalPointSpec
        {
            Family = "on", Components = 1, Dimension = 2, Sizes = [4, 6], Lower = 0.38, Upper = 0.5, Points = 3,
            Sweeps = 32, Thermalization = 0, Chains = 1,
        };
        var none = new CriticalPointFinder { MaxJobs = 0 };
        none.Run(spec, In(_folder));
        Assert.Throws<InvalidDataException>(() => none.Run(spec with { Upper = 0.6 }, In(_folder)));
        Assert.Throws<ArgumentException>(() => CriticalPointFinder.Study.Run(spec with { Sizes = [6, 4] }, In(_folder)));
        Assert.Throws<ArgumentException>(() => CriticalPointFinder.Study.Run(spec with { Family = "phi4", Lambda = 0 }, In(_folder)));
        Assert.Throws<ArgumentException>(() => CriticalPointFinder.Study.Run(spec, new StudyRun())); // no folder
    }
}
