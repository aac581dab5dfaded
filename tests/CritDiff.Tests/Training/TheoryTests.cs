using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Tests.Training;

public class TheoryTests
{
    private static TrainingProblem Problem(int l, string architecture, ParameterBasis basis = ParameterBasis.Kernel) =>
        new(GaussianField.AtCorrelationLengthOverSize(new Lattice(2, l), 0.25), new VariancePreserving(),
            TimeGrid.Single(0.1), Architecture.Parse(architecture), basis);

    [Fact]
    public void OneLayerRecursionIsTheGeometricClosedForm()
    {
        // e_k(n) = (1 - 2 eta S_k)^n e_k(0) with e_k(0) = 1/S_k from K = 0: excess(n) = (1/V) sum_k S_k e_k(n)^2.
        var s = Problem(8, "one-layer").Process.NoisedSpectrumTable(Problem(8, "one-layer").Field.SpectrumTable(), 0.1);
        double eta = 0.4 / s.Max();
        var prediction = Theory.PredictFullNetwork(s, 1, eta, 0, 1e-3, 10_000);
        for (int n = 0; n < prediction.ExcessHistory.Length; n += 7)
        {
            double expected = s.Sum(sk => sk * Math.Pow(Math.Pow(1 - 2 * eta * sk, n) / sk, 2)) / s.Length;
            Assert.Equal(expected, prediction.ExcessHistory[n], 1e-12 * expected);
        }
        Assert.NotNull(prediction.Steps);
        Assert.True(prediction.ExcessHistory[prediction.Steps!.Value] <= 1e-3 * prediction.InitialExcess);
        Assert.True(prediction.ExcessHistory[prediction.Steps.Value - 1] > 1e-3 * prediction.InitialExcess);
    }

    [Theory]
    [InlineData(ParameterBasis.Kernel)]
    [InlineData(ParameterBasis.Fourier)]
    public void OneLayerTrainingFollowsTheTheoryTrajectory(ParameterBasis basis)
    {
        // The trained network's whole excess history equals the recursion to 1e-10 relative, and the
        // measured step count equals the prediction exactly.
        var problem = Problem(8, "one-layer", basis);
        var result = SliceTrainer.Train(problem, new TrainingConfig(), 0);
        var s = problem.Process.NoisedSpectrumTable(problem.Field.SpectrumTable(), 0.1);
        double kernelRate = basis == ParameterBasis.Fourier ? result.LearningRate / 64 : result.LearningRate;
        var theory = Theory.PredictFullNetwork(s, 1, kernelRate, 0, 1e-2, 100_000);
        Assert.Equal(theory.Steps, result.Steps);
        Assert.Equal(theory.Steps, result.Moments!.PredictedSteps);
        Assert.Equal(theory.ExcessHistory.Length, result.History.Count);
        for (int n = 0; n < result.History.Count; n++)
            Assert.Equal(theory.ExcessHistory[n], result.History[n].Excess, 1e-10 * theory.ExcessHistory[n]);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void TwoLayerBalancedTrainingFollowsThePerModeRecursion(int l)
    {
        var problem = Problem(l, "two-layer");
        var result = SliceTrainer.Train(problem, new TrainingConfig { Eps = 1e-4 }, 0);
        var s = problem.Process.NoisedSpectrumTable(problem.Field.SpectrumTable(), 0.1);
        var theory = Theory.PredictFullNetwork(s, 2, result.LearningRate, result.Moments!.InitialScale, 1e-4, 100_000);
        Assert.NotNull(theory.Steps);
        Assert.InRange(result.Steps, theory.Steps!.Value - 1, theory.Steps.Value + 1);
        Assert.Equal(theory.Steps, result.Moments!.PredictedSteps);
        int common = Math.Min(result.History.Count, theory.ExcessHistory.Length);
        for (int n = 0; n < common; n++)
            Assert.Equal(theory.ExcessHistory[n], result.History[n].Excess, 1e-9 * theory.ExcessHistory[n]);
    }

    [Fact]
    public void TwoLayerSlowestModeFollowsTheLogisticLaw()
    {
        // One mode with S = 1 (exact optimum m = -1): p = -m obeys p' = 4 eta p (1 - p) in the small-eta
        // limit; the recursion's steps to 1 - p <= delta match (ln(1/p0) + ln(1/delta)) / (4 eta) within
        // the logistic law's O(1) offset (from reaching 1 - p <= delta instead of the excess criterion, a few steps).
        const double eta = 0.01, p0 = 1e-3, delta = 1e-2;
        double c = Math.Sqrt(p0), m1 = c, m2 = -c;
        int steps = 0;
        while (1 + m1 * m2 > delta)
        {
            double r = 2 * eta * (m1 * m2 + 1);
            (m1, m2) = (m1 - r * m2, m2 - r * m1);
            steps++;
        }
        double logistic = Theory.TwoLayerLogisticSteps(p0, 1, eta, delta);
        Assert.InRange(steps / logistic, 0.95, 1.05);
    }

    [Fact]
    public void PredictedStepsGrowLikeLSquaredForOneLayerAndSlowlyForTwoLayer()
    {
        // Claims C1 and C3 from theory alone (d = 2, xi/L = 1/4, t = 0.1, auto rates).
        int Predict(int l, int depth)
        {
            var p = Problem(l, "one-layer");
            var s = p.Process.NoisedSpectrumTable(p.Field.SpectrumTable(), 0.1);
            double sMax = s.Max();
            return depth == 1
                ? Theory.PredictFullNetwork(s, 1, 0.5 / sMax, 0, 1e-2, 1_000_000).Steps!.Value
                : Theory.PredictFullNetwork(s, 2, 0.25, 1 / sMax, 1e-2, 1_000_000).Steps!.Value;
        }
        double oneLayerRatio = (double)Predict(64, 1) / Predict(32, 1);
        Assert.InRange(oneLayerRatio, 3.2, 4.4); // ~ (64/32)^2 with finite-size corrections
        Assert.True(Predict(64, 2) - Predict(32, 2) <= 3); // ~ 2 ln 2 / (4 eta) ~ 1.4 more steps per doubling
    }
}
