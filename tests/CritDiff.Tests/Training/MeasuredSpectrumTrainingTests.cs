using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Training;
using Xunit.Abstractions;

namespace CritDiff.Tests.Training;

/// <summary>
/// Training on a measured spectrum G(k) instead of the exact C(k) (docs/science.md section 10: the population loss
/// of a linear translation-invariant network sees the data only through G, so section 6's per-mode theory holds
/// with C replaced by G).
/// </summary>
public class MeasuredSpectrumTrainingTests(ITestOutputHelper output)
{
    private const double Time = 0.1;

    private static TrainingProblem Problem(GaussianField field, string architecture) =>
        new(field, new VariancePreserving(), TimeGrid.Single(Time), Architecture.Parse(architecture));

    [Theory]
    [InlineData("one-layer", 1e-2)]
    [InlineData("two-layer", 1e-4)]
    public void TrainingOnAGaussianEnsembleEqualsTrainingOnTheExactSpectrumWithinErrors(string architecture, double eps)
    {
        // N exact samples give G(k) = C(k) (1 + O(1/sqrt N)). Population GD on G is a deterministic function
        // of G, so its step count can differ from the exact run's only through the sampling error of G.
        // Steps are set by the conditioning of S = a^2 G + b^2 (one layer: the rate is 0.5/S_max and the slow
        // modes relax like (1 - S_k/S_max)^n; two layers: the slowest mode starts at p0 = S_min/S_max), so
        // the theory run on the two corners of the 4-sigma error box that sharpen or soften it most, the zero
        // mode (S_max) at +-4 sigma and every other mode at -+4 sigma, bounds the steps of any spectrum in the
        // box; C lies in the box (MeasuredSpectrumTests), so the exact run's steps must lie between them.
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 8), 0.25);
        const int n = 4000;
        var measured = MeasuredSpectrum.Measure(field.Lattice, new ExactSampler(field).Sample(n, 2026), n, source: "exact samples");
        var exactProblem = Problem(field, architecture);
        var measuredProblem = exactProblem with { TargetSpectrum = measured };
        var config = new TrainingConfig { Eps = eps };
        var exact = SliceTrainer.Train(exactProblem, config, 0);
        var onData = SliceTrainer.Train(measuredProblem, config, 0);

        // The run on G follows the per-mode theory on G (the same checks as TheoryTests do on C).
        int depth = exactProblem.Architecture.Depth;
        var process = exactProblem.Process;
        var sMeasured = process.NoisedSpectrumTable(measured.Mean, Time);
        var sExact = process.NoisedSpectrumTable(field.SpectrumTable(), Time);
        var theory = Theory.PredictFullNetwork(sMeasured, depth, onData.LearningRate, onData.Moments!.InitialScale, eps, config.MaxSteps);
        Assert.Equal(theory.Steps, onData.Moments!.PredictedSteps);
        Assert.InRange(onData.Steps, theory.Steps!.Value - (depth - 1), theory.Steps.Value + (depth - 1));

        // Steps bounded by the error-box corners (auto rules: one layer eta = 0.5/S_max, init 0; two layers
        // eta = 0.25, init 1/S_max).
        int Corner(double sign)
        {
            var g = measured.Mean.Select((m, k) => m + (k == 0 ? sign : -sign) * Tolerances.StandardErrors * measured.Error[k]).ToArray();
            var s = process.NoisedSpectrumTable(g, Time);
            double sMax = s.Max();
            return depth == 1
                ? Theory.PredictFullNetwork(s, 1, 0.5 / sMax, 0, eps, config.MaxSteps).Steps!.Value
                : Theory.PredictFullNetwork(s, 2, 0.25, 1 / sMax, eps, config.MaxSteps).Steps!.Value;
        }
        int fewest = Corner(-1), most = Corner(+1);
        output.WriteLine($"{architecture}: exact {exact.Steps}, measured {onData.Steps}, box [{fewest}, {most}]");
        Assert.InRange(exact.Steps, fewest, most);
        Assert.InRange(onData.Steps, fewest, most);

        // Excess: the initial excesses agree within the propagated error of G; the network trained on G,
        // measured against the exact population, is at most (sqrt(r excess_G) + sqrt(mismatch))^2 (triangle
        // inequality in the S_C-weighted norm, r = max S_C/S_G), mismatch = (1/V) sum S_C (1/S_G - 1/S_C)^2
        // being the part no training on G can remove; and with N = 4000 that stays near eps x initial.
        var network = LinearMomentNetwork.Create(field.Lattice, exactProblem.Architecture);
        double excessVsExact = network.ScoreError(onData.Parameters, sExact);
        double ratio = sExact.Zip(sMeasured, (c, g) => c / g).Max();
        double mismatch = sExact.Zip(sMeasured, (c, g) => c * Math.Pow(1 / g - 1 / c, 2)).Average();
        double bound = Math.Pow(Math.Sqrt(ratio * onData.FinalExcess) + Math.Sqrt(mismatch), 2);
        output.WriteLine($"initial {exact.InitialExcess:G6} vs {onData.InitialExcess:G6}; final vs exact {excessVsExact:G4}, bound {bound:G4}, " +
                         $"mismatch {mismatch:G3}, exact run final {exact.FinalExcess:G4}");
        Assert.True(excessVsExact <= bound * (1 + 1e-12), $"{excessVsExact} > {bound}");
        // E mismatch ~ (1/V) sum_k (dS_k/S_k)^2 / S_k with (dS/S)^2 <= (dG/G)^2 = 1/N (pairs) or 2/N (self-conjugate modes):
        // at most 2/N times the excess of the zero start, (1/V) sum 1/S_k; 4/N leaves room for its fluctuation over ~34 modes.
        Assert.True(mismatch <= 4.0 / n * sExact.Average(c => 1 / c), $"mismatch {mismatch}");
        double initialError = InitialExcessError(field.Lattice, measured, sMeasured, onData.Moments!.InitialScale, depth);
        Assert.InRange(Math.Abs(onData.InitialExcess - exact.InitialExcess), 0, Tolerances.StandardErrors * initialError);
    }

    /// <summary>
    /// Linear propagation of G's errors into the initial excess (1/V) sum_k S_k (m0 + 1/S_k)^2 with m0 = -X:
    /// d/dS_k = (m0^2 - 1/S_k^2) / V, dS_k = a^2 dG_k, independent modes one per pair (k, -k) counted twice.
    /// </summary>
    private static double InitialExcessError(Lattice lattice, MeasuredSpectrum measured, double[] s, double initialScale, int depth)
    {
        double a2 = new VariancePreserving().SignalScale(Time) * new VariancePreserving().SignalScale(Time);
        double m0 = depth == 1 ? 0 : -initialScale;
        var modes = new HermitianModes(lattice);
        double variance = 0;
        void Add(int k, int multiplicity)
        {
            double derivative = multiplicity * (m0 * m0 - 1 / (s[k] * s[k])) / s.Length;
            variance += Math.Pow(derivative * a2 * measured.Error[k], 2);
        }
        foreach (int k in modes.Pairs) Add(k, 2);
        foreach (int k in modes.SelfConjugate) Add(k, 1);
        return Math.Sqrt(variance);
    }

    [Theory]
    [InlineData("one-layer", 1e-2)]
    [InlineData("two-layer", 1e-4)]
    public void PerModeTheoryPredictsTrainingOnAPowerLawSpectrum(string architecture, double eps)
    {
        // A critical-like non-Gaussian spectrum G(k) = (khat2 + 1/L^2)^-(1 - eta/2), eta = 1/4 (2D Ising),
        // regularised at k = 0 (chi = L^(2 - eta)): the trained excess history follows the per-mode recursion
        // on G, and the step count is the predicted one (one layer exactly; two layers within a step, as for
        // C in TheoryTests). The Gaussian field only gives the lattice: two different fields give the same run.
        var lattice = new Lattice(2, 8);
        const double eta = 0.25;
        var g = lattice.KHat2Table().Select(k2 => Math.Pow(k2 + 1.0 / 64, -(1 - eta / 2))).ToArray();
        var spectrum = MeasuredSpectrum.Exact(g, "power law");
        var problem = Problem(GaussianField.AtCorrelationLengthOverSize(lattice, 0.25), architecture) with { TargetSpectrum = spectrum };
        var config = new TrainingConfig { Eps = eps };
        var result = SliceTrainer.Train(problem, config, 0);
        var s = problem.Process.NoisedSpectrumTable(g, Time);
        var theory = Theory.PredictFullNetwork(s, problem.Architecture.Depth, result.LearningRate, result.Moments!.InitialScale, eps, config.MaxSteps);
        Assert.NotNull(theory.Steps);
        Assert.Equal(theory.Steps, result.Moments!.PredictedSteps);
        int slack = problem.Architecture.Depth - 1;
        Assert.InRange(result.Steps, theory.Steps!.Value - slack, theory.Steps.Value + slack);
        int common = Math.Min(result.History.Count, theory.ExcessHistory.Length);
        for (int i = 0; i < common; i++)
            Assert.Equal(theory.ExcessHistory[i], result.History[i].Excess, 1e-9 * theory.ExcessHistory[i]);

        var otherField = SliceTrainer.Train(problem with { Field = GaussianField.AtBeta(lattice, 1.3) }, config, 0);
        Assert.Equal(result.History.Select(h => h.Loss), otherField.History.Select(h => h.Loss));
        Assert.Equal(Math.Pow(1.0 / 64, -(1 - eta / 2)), problem.Susceptibility, Tolerances.ClosedForm * problem.Susceptibility);
    }

    [Fact]
    public void WithoutAMeasuredSpectrumNothingChanges()
    {
        // The exact spectrum given as a MeasuredSpectrum reproduces the field's run bit for bit, and fresh
        // empirical minibatches from it are the field's own (same spectrum table, same streams).
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 8), 0.25);
        var problem = Problem(field, "two-layer");
        var asMeasured = problem with { TargetSpectrum = MeasuredSpectrum.Exact(field.SpectrumTable(), "C(k)") };
        foreach (var config in new[] { new TrainingConfig(), new TrainingConfig { Mode = TrainingMode.Empirical, Optimizer = Optimizer.Parse("sgd"), MaxSteps = 300 } })
        {
            var a = SliceTrainer.Train(problem, config, 0);
            var b = SliceTrainer.Train(asMeasured, config, 0);
            Assert.Equal(a.History.Select(h => h.Loss), b.History.Select(h => h.Loss));
            Assert.Equal(a.Steps, b.Steps);
        }
    }
}
