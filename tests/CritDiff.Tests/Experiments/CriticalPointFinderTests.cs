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
        // U1 = 0.6 + 2 (g - 0.445), U2 = 0.6 + 5 (g - 0.445): they cross at g = 0.445, U = 0.6, between grid points 0.44 and
        // 0.46, so the local fits use the four couplings 0.42 .. 0.48.
        const double sigma = 0.01, g0 = 0.445;
        var grid = CriticalPointFinder.Grid(0.40, 0.48, 5);
        var a = grid.Select(g => new BinderPoint(g, 0.6 + 2 * (g - g0), sigma)).ToArray();
        var b = grid.Select(g => new BinderPoint(g, 0.6 + 5 * (g - g0), sigma)).ToArray();
        foreach (int degree in new[] { 1, 2 })
        {
            var c = BinderCrossings.Find(8, a, 16, b, 0.40, 0.48, degree, 400, 3);
            Assert.Equal(g0, c.Coupling.Mean, 1e-9);
            Assert.Equal(0.6, c.BinderAtCrossing.Mean, 1e-9);
            Assert.Equal((grid[1], grid[4]), (c.FitLower, c.FitUpper));
            Assert.Equal(2 * (4 - degree - 1), c.DegreesOfFreedom);
            Assert.Equal(0, c.ChiSquarePerDof, 1e-12); // exact lines: no residual
            Assert.Equal("good", c.FitQuality);
            // Error propagation: var(g*) = var(p1(g0) - p2(g0)) / (5 - 2)^2 with var(p(g0)) = sigma^2 x0' (X'X)^-1 x0 over
            // the four local couplings (x0 = (1, g0, g0^2) up to the degree). Resampling (400 draws) agrees within ~15%.
            var x = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(4, degree + 1, (i, j) => Math.Pow(grid[i + 1] - g0, j));
            double centreVariance = (x.TransposeThisAndMultiply(x).Inverse())[0, 0];
            double propagated = Math.Sqrt(2 * sigma * sigma * centreVariance) / 3;
            Assert.InRange(c.Coupling.Error, 0.85 * propagated, 1.15 * propagated);
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
        Assert.Equal("none", c.FitQuality);
        Assert.Equal(-1, c.Edge); // U(L1) < U(L2) everywhere: the ordered side, the crossing lies below
        Assert.Contains("below the window", c.Warning);
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

    /// <summary>
    /// 2D Ising, L = 16 and 32 with the CLI's defaults (window 0.95 .. 1.05 x Onsager's beta_c, 7 points, 4000 sweeps x 2
    /// chains of Wolff, seed 1): where U(32) is steep the old global quadratic gave 0.44347 +- 0.00044 (6.4 errors off).
    /// Reference: the L = 16/32 crossing measured by a high-statistics run of this finder (4 couplings in [0.4395, 0.4425],
    /// 50000 sweeps x 4 chains, seed 23, tau_int(M^2) 1.3-1.5 sweeps; measured 0.44086 +- 0.00014 with U* = 0.6120 +- 0.0006, chi2/dof
    /// 0.67), within 1.2 errors of beta_c = 0.4406868 as it should be (the finite-size shift of the 2D Ising crossings,
    /// ~L^-(1/nu + omega) with omega = 7/4, is ~1e-4 at L = 16), and U* near the known U*(L -> inf) = 0.6107.
    /// About 10 s on two cores.
    /// </summary>
    [Fact]
    public void IsingCrossingOfSixteenAndThirtyTwoWithDefaultsIsTheReferenceCrossing()
    {
        double betaC = LiteratureCriticalPoints.Of(2, 1)!.BetaUnit;
        var spec = new CriticalPointSpec
        {
            Family = "on", Components = 1, Dimension = 2, Sizes = [16, 32],
            Lower = CriticalPointWindow.Lower(betaC), Upper = CriticalPointWindow.Upper(betaC),
        };
        var result = CriticalPointFinder.Study.Run(spec, In(_folder) with { Threads = 2 });
        var c = Assert.Single(result.Crossings);
        output.WriteLine($"L = 16, 32: beta* = {c.Coupling}, U* = {c.BinderAtCrossing}, chi2/dof {c.ChiSquarePerDof:F2} ({c.FitQuality}); reference {IsingReference16And32}");
        Assert.True(c.Found, c.Warning);
        Assert.True(double.IsFinite(c.ChiSquarePerDof));
        double error = Math.Sqrt(c.Coupling.Error * c.Coupling.Error + IsingReference16And32.Error * IsingReference16And32.Error);
        Assert.True(Math.Abs(c.Coupling.Mean - IsingReference16And32.Mean) <= 3 * error, $"crossing {c.Coupling}, reference {IsingReference16And32}");
    }

    /// <summary>The L = 16/32 Binder crossing of the 2D Ising model from the high-statistics run stated above.</summary>
    private static readonly Stats IsingReference16And32 = new(0.44086, 0.00014);

    /// <summary>
    /// The search whose window ends below the crossing (2D Ising L = 8/16, window [0.40, 0.43]) widens its window with
    /// --refine and finds the crossing; it used to narrow around an extrapolated estimate and lose it.
    /// </summary>
    [Fact]
    public void RefinementWidensAWindowThatEndsBeforeTheCrossing()
    {
        double betaC = LiteratureCriticalPoints.Of(2, 1)!.BetaUnit;
        var spec = new CriticalPointSpec
        {
            Family = "on", Components = 1, Dimension = 2, Sizes = [8, 16], Lower = 0.40, Upper = 0.43, Points = 4,
            Sweeps = 1_500, Thermalization = 100, Seed = 3, Refinements = 1,
        };
        var result = CriticalPointFinder.Study.Run(spec, In(_folder) with { Threads = 2 });
        foreach (var stage in result.Stages)
            output.WriteLine($"stage {stage.Stage} [{stage.Lower:G6}, {stage.Upper:G6}]: beta* = {stage.Coupling} ({stage.Crossings[0].Warning})");
        Assert.Equal(2, result.Stages.Count);
        Assert.Equal(+1, result.Stages[0].Crossings[0].Edge);
        Assert.Equal(spec.Lower, result.Stages[1].Lower);
        Assert.True(result.Stages[1].Upper > spec.Upper + 0.01, $"stage 1 window [{result.Stages[1].Lower}, {result.Stages[1].Upper}]");
        Assert.True(result.Found);
        var c = result.Crossings[0];
        Assert.True(Math.Abs(c.Coupling.Mean - betaC) <= 3 * c.Coupling.Error + Tolerances.IsingCrossingFiniteSize, $"crossing {c.Coupling}, beta_c {betaC}");
    }

    /// <summary>
    /// phi^4 at lambda = 0.022 (L = 16/32, kappa in [0.26, 0.28], CLI defaults plus one refinement): U(32) rises from 0.2
    /// to 0.65 over two grid spacings, and the old global fit reported no crossing. The finder must find the crossing the
    /// measured U show, within 3 errors of a fine scan (this finder on 9 couplings in [0.269, 0.273], 20000 sweeps x 4
    /// chains of Wolff, seed 29, tau_int(M^2) ~ 30 sweeps: kappa* = 0.27003 +- 0.00013, U* = 0.533 +- 0.009, chi2/dof 2.3
    /// with 2 dof; the measured U(16) - U(32) is +0.009 +- 0.006 at 0.27 and -0.024 +- 0.005 at 0.2705). Measured here:
    /// 0.2698 +- 0.0005. About a minute on two cores: slow.
    /// </summary>
    [SlowTheory]
    [Trait("Category", "Slow")]
    [InlineData(0.022)]
    public void WeakCouplingPhi4CrossingIsThatOfAFineScan(double lambda)
    {
        var spec = new CriticalPointSpec
        {
            Family = "phi4", Components = 1, Dimension = 2, Lambda = lambda, Sizes = [16, 32], Lower = 0.26, Upper = 0.28, Refinements = 1,
        };
        var result = CriticalPointFinder.Study.Run(spec, In(_folder) with { Threads = 2 });
        foreach (var stage in result.Stages)
            output.WriteLine($"stage {stage.Stage} [{stage.Lower:G6}, {stage.Upper:G6}]: kappa* = {stage.Coupling}, chi2/dof {stage.FitChiSquarePerDof:F2} ({stage.FitQuality})");
        Assert.True(result.Found);
        var c = result.Crossings[0];
        double error = Math.Sqrt(c.Coupling.Error * c.Coupling.Error + Phi4Reference.Error * Phi4Reference.Error);
        Assert.True(Math.Abs(c.Coupling.Mean - Phi4Reference.Mean) <= 3 * error, $"crossing {c.Coupling}, fine scan {Phi4Reference}");
    }

    /// <summary>The lambda = 0.022, L = 16/32 crossing from the fine scan stated above.</summary>
    private static readonly Stats Phi4Reference = new(0.27003, 0.00013);

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
        foreach (var stage in full.Stages)
            output.WriteLine($"stage {stage.Stage} [{stage.Lower:G6}, {stage.Upper:G6}]: beta* = {stage.Coupling} ({stage.Crossings[0].Warning})");
        // Stage 1 moved its window (narrowed, or widened when stage 0's sign change lay in an edge interval) and kept the
        // couplings that bracket stage 0's sign change.
        var (first, second) = (full.Stages[0].Crossings[0], full.Stages[1]);
        Assert.NotEqual((spec.Lower, spec.Upper), (second.Lower, second.Upper));
        Assert.True(second.Lower <= first.BracketLower && second.Upper >= first.BracketUpper, $"stage 1 [{second.Lower}, {second.Upper}]");
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
