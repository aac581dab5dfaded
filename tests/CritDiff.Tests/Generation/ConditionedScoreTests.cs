using CritDiff.Diffusion;
using CritDiff.Generation;
using CritDiff.Lattices;
using CritDiff.Statistics;
using CritDiff.Training;
using CritDiff.Tests.Training.TimeConditioned;

namespace CritDiff.Tests.Generation;

public sealed class ConditionedScoreTests
{
    private static readonly Lattice Square = new(2, 3);

    [Theory]
    [InlineData("vp", 0.3)]
    [InlineData("ve", 2.5)]
    public void ScoreIsTheNetworkOverB_AndItsTraceMatchesFiniteDifferences(string schedule, double t)
    {
        var process = ForwardProcess.Parse(schedule);
        var model = new PerSiteConditionedModel(Square, 2, 3);
        var rng = new RandomStream(5, 1);
        var parameters = model.CreateParameters().With((_, _) => 0.4 * rng.NextGaussian());
        var score = new ConditionedScore(model, parameters, process);
        const int count = 2;
        int width = model.ConfigurationLength;
        var x = new double[count * width];
        rng.FillGaussian(x);
        var s = new double[x.Length];
        score.Score(t, x, count, s);

        // The network sees c_in x, c_in = 1/sqrt(a^2 + b^2): 1 under VP, 1/sqrt(1 + t) under the b^2 = t VE.
        double b = Math.Sqrt(process.NoiseVariance(t)), cIn = schedule == "vp" ? 1 : 1 / Math.Sqrt(1 + t);
        Assert.Equal(cIn, ConditionedScoreMatching.InputScale(process, t), 1e-15);
        var (w1, w3) = model.Weights(parameters, Math.Log(b));
        for (int j = 0; j < x.Length; j++)
        {
            double u = cIn * x[j];
            Assert.Equal((w1 * u + w3 * u * u * u) / b, s[j], Tolerances.ClosedForm * Math.Max(1, Math.Abs(s[j])));
        }

        // The Jacobian-vector product (Hutchinson's and the coloured trace's primitive): c_in (w1 + 3 w3 u^2) v / b per value, u = c_in x.
        var tangent = new double[x.Length];
        rng.FillGaussian(tangent);
        var product = new double[x.Length];
        Assert.True(score.HasJacobianVectorProduct);
        score.JacobianVectorProduct(t, x, tangent, count, product);
        for (int j = 0; j < x.Length; j++)
        {
            double u = cIn * x[j], expected = cIn * (w1 + 3 * w3 * u * u) * tangent[j] / b;
            Assert.Equal(expected, product[j], Tolerances.ClosedForm * Math.Max(1, Math.Abs(expected)));
        }

        var trace = new double[count];
        score.Replica().JacobianTrace(t, x, count, trace);
        const double h = 1e-5;
        for (int c = 0; c < count; c++)
        {
            double fd = 0;
            for (int j = c * width; j < (c + 1) * width; j++)
            {
                double saved = x[j];
                var up = new double[x.Length];
                var down = new double[x.Length];
                x[j] = saved + h;
                score.Score(t, x, count, up);
                x[j] = saved - h;
                score.Score(t, x, count, down);
                x[j] = saved;
                fd += (up[j] - down[j]) / (2 * h);
            }
            // Central differences of a cubic: O(h^2) truncation, O(eps / h) rounding.
            Assert.Equal(fd, trace[c], 1e-7 * Math.Max(1, Math.Abs(fd)));
        }
    }
}
