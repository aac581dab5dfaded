using System.Numerics;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Tests.Networks;
using CritDiff.Training;

namespace CritDiff.Tests.Training;

public class DenoisingScoreMatchingTests
{
    /// <summary>
    /// The sample gradient and the moment gradient are the same sums taken in real space and in Fourier space (Parseval):
    /// they differ by the rounding of O(V log V) FFT operations, far below this relative bound.
    /// </summary>
    private const double SameSums = 1e-10;

    [Theory]
    [InlineData("one-layer", 1)]
    [InlineData("two-layer", 1)]
    [InlineData("two-layer-local:1", 2)]
    [InlineData("layers:local:1,full", 2)]
    public void GradientEqualsTheMomentGradientOfTheSameBatch(string architecture, int n)
    {
        const int count = 5;
        const double t = 0.2;
        var lattice = new Lattice(2, 4);
        var field = GaussianField.FreeField(lattice, 0.5);
        var process = new VariancePreserving();
        var model = new LinearScoreModel(lattice, n, Architecture.Parse(architecture));
        var p = NetworkTestCases.RandomParameters(model.Network, 0.5, 3);
        var x0 = new double[count * model.ConfigurationLength];
        var z = new double[x0.Length];
        var rng = new RandomStream(5, 0);
        new GaussianSource(lattice, n, field.SpectrumTable()).Draw(x0, count, ref rng);
        rng.FillGaussian(z);

        var dsm = new DenoisingScoreMatching(model, process, t);
        var gradient = model.CreateParameters();
        double loss = dsm.LossAndGradient(p, x0, z, count, gradient);

        var moments = Moments(lattice, x0, z, count * n, process.SignalScale(t), Math.Sqrt(process.NoiseVariance(t)));
        var expected = model.CreateParameters();
        double expectedLoss = model.Network.LossAndGradient(p, moments, expected);
        Assert.Equal(expectedLoss, loss, SameSums * expectedLoss);
        Assert.Equal(loss, dsm.Loss(p, x0, z, count));
        double scale = expected.Norm();
        for (int j = 0; j < expected.Layers.Length; j++)
            for (int i = 0; i < expected.Layers[j].Length; i++)
                Assert.True(Math.Abs(expected.Layers[j][i] - gradient.Layers[j][i]) <= SameSums * scale,
                    $"layer {j} entry {i}: moments {expected.Layers[j][i]}, samples {gradient.Layers[j][i]}");
    }

    [Fact]
    public void DenseGradientEqualsTheMatrixMomentGradientOfTheSameBatch()
    {
        // Real-space moments A = mean x_t x_t^T, X = mean x_t z^T / b over the F = count n fields.
        const int count = 4, n = 2;
        const double t = 0.2;
        var lattice = new Lattice(1, 6);
        var process = new VariancePreserving();
        var model = new LinearScoreModel(lattice, n, Architecture.Parse("dense"));
        var p = NetworkTestCases.RandomParameters(model.Network, 0.3, 4);
        var x0 = new double[count * model.ConfigurationLength];
        var z = new double[x0.Length];
        var rng = new RandomStream(6, 0);
        rng.FillGaussian(x0);
        rng.FillGaussian(z);
        double a = process.SignalScale(t), b = Math.Sqrt(process.NoiseVariance(t));
        int v = lattice.SiteCount, fields = count * n;
        var signal = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(v, v);
        var cross = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(v, v);
        double noise = 0;
        for (int f = 0; f < fields; f++)
            for (int x = 0; x < v; x++)
            {
                double xt = a * x0[f * v + x] + b * z[f * v + x];
                noise += z[f * v + x] * z[f * v + x];
                for (int y = 0; y < v; y++)
                {
                    signal[x, y] += xt * (a * x0[f * v + y] + b * z[f * v + y]) / fields;
                    cross[x, y] += xt * z[f * v + y] / (b * fields);
                }
            }
        var expected = model.CreateParameters();
        double expectedLoss = model.Network.LossAndGradient(p, new MatrixMoments(signal, cross, noise / (fields * v * b * b)), expected);
        var gradient = model.CreateParameters();
        double loss = new DenoisingScoreMatching(model, process, t).LossAndGradient(p, x0, z, count, gradient);
        Assert.Equal(expectedLoss, loss, SameSums * expectedLoss);
        double scale = expected.Norm();
        for (int i = 0; i < expected.Layers[0].Length; i++)
            Assert.True(Math.Abs(expected.Layers[0][i] - gradient.Layers[0][i]) <= SameSums * scale);
    }

    /// <summary>
    /// Per-mode batch moments of F one-component fields: Signal = mean |x~_t|^2, Cross = mean x~_t conj(z~) / b,
    /// NoiseTerm = sum |z|^2 / (F V b^2), so that (1/V) sum_k [Signal |m|^2 + 2 Re(m Cross)] + NoiseTerm is the batch loss.
    /// </summary>
    private static ModeMoments Moments(Lattice lattice, double[] x0, double[] z, int fields, double a, double b)
    {
        int v = lattice.SiteCount;
        var fourier = new FourierTransform(lattice);
        var signal = new double[v];
        var cross = new Complex[v];
        var xt = new Complex[v];
        var zt = new Complex[v];
        double noise = 0;
        for (int f = 0; f < fields; f++)
        {
            for (int x = 0; x < v; x++)
            {
                xt[x] = a * x0[f * v + x] + b * z[f * v + x];
                zt[x] = z[f * v + x];
                noise += z[f * v + x] * z[f * v + x];
            }
            fourier.Forward(xt);
            fourier.Forward(zt);
            for (int k = 0; k < v; k++)
            {
                signal[k] += (xt[k] * Complex.Conjugate(xt[k])).Real / fields;
                cross[k] += xt[k] * Complex.Conjugate(zt[k]) / (b * fields);
            }
        }
        return new ModeMoments(signal, cross, noise / (fields * v * b * b));
    }

    [Fact]
    public void LossOfTheExactScoreAveragesToTheExactOptimum()
    {
        // The exact score -x/S in the Fourier basis (m = -1/S(k, t), a real even multiplier), on exact samples of a
        // free field with n = 2: the mean of independent batch losses is the exact optimum (1/V) sum_k (1/b^2 - 1/S)
        // within Tolerances.StandardErrors standard errors.
        const double t = 0.1;
        const int count = 8, batches = 400;
        var lattice = new Lattice(2, 4);
        var field = GaussianField.FreeField(lattice, 0.3);
        var process = new VariancePreserving();
        var noised = process.NoisedSpectrumTable(field.SpectrumTable(), t);
        var model = new LinearScoreModel(lattice, 2, Architecture.Parse("one-layer"), ParameterBasis.Fourier);
        var p = model.CreateParameters();
        for (int k = 0; k < noised.Length; k++) p.Layers[0][k] = -1 / noised[k];
        var source = new GaussianSource(lattice, 2, field.SpectrumTable());
        var dsm = new DenoisingScoreMatching(model, process, t);
        var x0 = new double[count * model.ConfigurationLength];
        var z = new double[x0.Length];
        var rng = new RandomStream(21, 0);
        var losses = new double[batches];
        for (int i = 0; i < batches; i++)
        {
            source.Draw(x0, count, ref rng);
            rng.FillGaussian(z);
            losses[i] = dsm.Loss(p, x0, z, count);
        }
        double mean = losses.Average();
        double error = Math.Sqrt(losses.Sum(l => (l - mean) * (l - mean)) / (batches - 1) / batches);
        double exact = LinearMomentNetwork.ExactOptimumLoss(noised, process.NoiseVariance(t));
        Assert.True(Math.Abs(mean - exact) <= Tolerances.StandardErrors * error,
            $"mean {mean} +- {error}, exact optimum {exact}");
    }
}
