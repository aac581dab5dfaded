using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Training;
using MathNet.Numerics.LinearAlgebra;

namespace CritDiff.Tests.Networks;

public class PopulationLossTests
{
    public static TheoryData<string> Architectures => new(NetworkTestCases.Architectures);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void GradientMatchesCentralFiniteDifferences(string name)
    {
        var field = NetworkTestCases.Field(2, 5);
        var (s, b2) = NetworkTestCases.Noised(field);
        var network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse(name));
        var p = NetworkTestCases.RandomParameters(network, 0.3, 1);
        var moments = ModeMoments.Population(s, b2);
        var gradient = network.CreateParameters();
        network.LossAndGradient(p, moments, gradient);
        AssertFiniteDifferences(network, p, moments, gradient);
    }

    [Theory]
    [InlineData("one-layer", 1, 8)]
    [InlineData("one-layer", 2, 6)]
    [InlineData("one-layer", 2, 5)]
    [InlineData("one-layer", 3, 4)]
    [InlineData("two-layer", 2, 6)]
    [InlineData("deep:3", 2, 5)]
    [InlineData("two-layer-local:4", 2, 11)] // range 4: through the FFT (no window), kernel scattered to its support
    [InlineData("layers:local:4,full", 2, 10)]
    [InlineData("one-layer-local:4", 1, 9)] // range 4 at L = 9: the support is every site, in site order
    public void HalfSpectrumPathEqualsTheFullSpectrumPath(string name, int d, int l)
    {
        // Population moments take the half-spectrum path; the same moments with Cross = 1 stored explicitly take the
        // full-spectrum path. Loss and gradient must agree, and the loss must equal Loss(). The two paths differ only by
        // rounding in FFTs of at most a few hundred points (relative error ~ 1e-15 log V), so 1e-12 leaves a wide margin.
        var field = NetworkTestCases.Field(d, l);
        var (s, b2) = NetworkTestCases.Noised(field);
        var network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse(name));
        var p = NetworkTestCases.RandomParameters(network, 0.3, 5);
        var population = ModeMoments.Population(s, b2);
        var explicitCross = NetworkTestCases.ExplicitCross(s, b2);
        var half = network.CreateParameters();
        var full = network.CreateParameters();
        double halfLoss = network.LossAndGradient(p, population, half);
        double fullLoss = network.LossAndGradient(p, explicitCross, full);
        Assert.Equal(fullLoss, halfLoss, 1e-12 * Math.Abs(fullLoss));
        Assert.Equal(network.Loss(p, population), halfLoss, 1e-12 * Math.Abs(fullLoss));
        double norm = full.Norm();
        for (int j = 0; j < p.Layers.Length; j++)
            for (int i = 0; i < p.Layers[j].Length; i++)
                Assert.True(Math.Abs(half.Layers[j][i] - full.Layers[j][i]) <= 1e-12 * norm,
                    $"layer {j} entry {i}: half {half.Layers[j][i]}, full {full.Layers[j][i]}");
    }

    [Theory]
    [InlineData("one-layer", 2, 6)]
    [InlineData("two-layer-local:1", 2, 8)]
    [InlineData("layers:local:1,full", 1, 9)]
    [InlineData("dense", 1, 6)]
    public void LossAndScoreErrorAreTheTwoCallsBitForBit(string name, int d, int l)
    {
        // The trainer's fused call must not change a single bit of what it records (minibatch moments for the loss, as
        // in empirical training, where the loss is the population one but Cross is explicit here).
        var field = NetworkTestCases.Field(d, l);
        var (s, b2) = NetworkTestCases.Noised(field);
        var network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse(name));
        var p = NetworkTestCases.RandomParameters(network, 0.3, 4);
        var moments = network is DenseNetwork
            ? ModeMoments.Population(s, b2) // the dense network takes population moments only
            : NetworkTestCases.ExplicitCross(s, b2);
        var (loss, error) = network.LossAndScoreError(p, moments, s);
        Assert.Equal(network.Loss(p, moments), loss);
        Assert.Equal(network.ScoreError(p, s), error);
    }

    [Theory]
    [InlineData("one-layer", 2, 6)]
    [InlineData("one-layer", 2, 5)]
    [InlineData("one-layer", 3, 4)]
    [InlineData("one-layer-local:1", 1, 7)]
    [InlineData("two-layer-local:4", 2, 9)]
    [InlineData("layers:local:1,full", 2, 6)]
    public void ApplyIsTheCircularConvolutionOfTheKernels(string name, int d, int l)
    {
        // s(x) = sum_y K(y) x(x - y) per layer, by direct summation over each layer's support. Values are O(1) and the
        // transforms round at ~1e-15 log V, so 1e-12 absolute is rounding with a wide margin.
        var lattice = new Lattice(d, l);
        var network = (LinearConvolutionNetwork)LinearMomentNetwork.Create(lattice, Architecture.Parse(name));
        var p = NetworkTestCases.RandomParameters(network, 0.3, 8);
        int v = lattice.SiteCount;
        var rng = new RandomStream(3, 1);
        var field = new double[v];
        rng.FillGaussian(field);
        var score = new double[v];
        network.Apply(p, field, score);
        var expected = (double[])field.Clone();
        var x = new int[d];
        var y = new int[d];
        for (int j = 0; j < p.Layers.Length; j++)
        {
            var offsets = network.SupportOffsets(j);
            var next = new double[v];
            for (int site = 0; site < v; site++)
            {
                lattice.Coordinates(site, x);
                double sum = 0;
                for (int i = 0; i < offsets.Count; i++)
                {
                    lattice.Coordinates(offsets[i], y);
                    for (int mu = 0; mu < d; mu++) y[mu] = ((x[mu] - y[mu]) % l + l) % l;
                    sum += p.Layers[j][i] * expected[lattice.Index(y)];
                }
                next[site] = sum;
            }
            expected = next;
        }
        for (int site = 0; site < v; site++) Assert.Equal(expected[site], score[site], 1e-12);
    }

    [Fact]
    public void UnevenSignalIsHandledExactlyByTheHalfSpectrumPath()
    {
        // S(k) != S(-k) (not the spectrum of a real field, but allowed): the half path symmetrises S, which is exact
        // for real kernels. Checked against Loss (full spectrum) and central finite differences.
        var field = NetworkTestCases.Field(2, 6);
        var (s, b2) = NetworkTestCases.Noised(field);
        var uneven = (double[])s.Clone();
        uneven[1] *= 1.5; // k = (0, 1); -k = (0, 5) keeps its value
        uneven[9] *= 0.7; // k = (1, 3) in the Nyquist column; -k = (5, 3) keeps its value
        var network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse("one-layer"));
        var p = NetworkTestCases.RandomParameters(network, 0.3, 6);
        var moments = ModeMoments.Population(uneven, b2);
        var gradient = network.CreateParameters();
        Assert.Equal(network.Loss(p, moments), network.LossAndGradient(p, moments, gradient), 1e-12);
        AssertFiniteDifferences(network, p, moments, gradient);
    }

    [Fact]
    public void FourierBasisGradientMatchesFiniteDifferences()
    {
        var field = NetworkTestCases.Field(2, 4);
        var (s, b2) = NetworkTestCases.Noised(field);
        var architecture = Architecture.Parse("two-layer");
        var fourier = LinearMomentNetwork.Create(field.Lattice, architecture, ParameterBasis.Fourier);
        var kernel = LinearMomentNetwork.Create(field.Lattice, architecture);
        var p = NetworkTestCases.RandomFourierParameters(fourier, kernel, 0.3, 2);
        var moments = ModeMoments.Population(s, b2);
        var gradient = fourier.CreateParameters();
        fourier.LossAndGradient(p, moments, gradient);
        AssertFiniteDifferences(fourier, p, moments, gradient);
        Assert.Equal(kernel.Loss(NetworkTestCases.RandomParameters(kernel, 0.3, 2), moments), fourier.Loss(p, moments), 1e-12);
    }

    private static void AssertFiniteDifferences(LinearMomentNetwork network, NetworkParameters p, LossMoments moments, NetworkParameters gradient)
    {
        // Central differences with h = 1e-5 on a polynomial loss of degree 2D: truncation O(h^2) ~ 1e-10,
        // rounding ~ 1e-16 / h ~ 1e-11, so 1e-6 relative to the gradient norm has a wide margin.
        const double h = 1e-5;
        double norm = gradient.Norm();
        for (int j = 0; j < p.Layers.Length; j++)
            for (int i = 0; i < p.Layers[j].Length; i += Math.Max(1, p.Layers[j].Length / 40))
            {
                double saved = p.Layers[j][i];
                p.Layers[j][i] = saved + h;
                double up = network.Loss(p, moments);
                p.Layers[j][i] = saved - h;
                double down = network.Loss(p, moments);
                p.Layers[j][i] = saved;
                double numeric = (up - down) / (2 * h);
                Assert.True(Math.Abs(numeric - gradient.Layers[j][i]) <= 1e-6 * norm,
                    $"layer {j} entry {i}: analytic {gradient.Layers[j][i]}, numeric {numeric}");
            }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void PopulationLossIsTheMeanOfEmpiricalLosses(string name)
    {
        // The empirical minibatch loss is an unbiased estimate of the population loss: average many
        // independent batches and compare within 4 standard errors.
        var field = NetworkTestCases.Field(2, 4);
        var process = new VariancePreserving();
        const double t = 0.2;
        var (s, b2) = NetworkTestCases.Noised(field, t);
        var architecture = Architecture.Parse(name);
        var network = LinearMomentNetwork.Create(field.Lattice, architecture);
        var p = NetworkTestCases.RandomParameters(network, 0.3, 3);
        var batches = architecture.IsDense
            ? Minibatches.RealSpace(field.Lattice, process, t, 4, field, null, 0)
            : Minibatches.FreshFourier(field, process, t, 4);
        var rng = new RandomStream(5, 0);
        var losses = new double[architecture.IsDense ? 1500 : 4000];
        for (int i = 0; i < losses.Length; i++) losses[i] = network.Loss(p, batches.Draw(ref rng));
        var mean = Stats.FromSamples(losses);
        double exact = network.Loss(p, ModeMoments.Population(s, b2));
        Assert.InRange(Math.Abs(mean.StandardScore(exact)), 0, Tolerances.StandardErrors);
    }

    [Fact]
    public void EmpiricalLossFromFourierMomentsEqualsDirectRealSpaceLoss()
    {
        // Independent reference: apply the local two-layer network by explicit real-space convolution
        // to a data set and sum || s(x_t) + z/b ||^2 with the same noise the minibatch drew.
        var field = NetworkTestCases.Field(2, 5);
        var lattice = field.Lattice;
        int v = lattice.SiteCount;
        var process = new VariancePreserving();
        const double t = 0.4;
        double a = process.SignalScale(t), b = Math.Sqrt(process.NoiseVariance(t));
        var network = (LinearConvolutionNetwork)LinearMomentNetwork.Create(lattice, Architecture.Parse("two-layer-local:1"));
        var p = NetworkTestCases.RandomParameters(network, 0.5, 4);
        var data = new ExactSampler(field).Sample(3, 8);

        // One configuration in the data set: the batch must use it; reconstruct the noise from the moments
        // is not possible, so instead compare the expectation over noise, which for fixed x_0 is
        // (1/V) [ ||s(a x0)||^2 + b^2 E||s(z)||^2 + 2 E s(z).z ] + 1/b^2 ... computed in real space below.
        var batches = Minibatches.FromData(lattice, process, t, 1, data.AsSpan(0, v).ToArray(), 1);
        var rng = new RandomStream(6, 0);
        var losses = new double[6000];
        for (int i = 0; i < losses.Length; i++) losses[i] = network.Loss(p, batches.Draw(ref rng));
        var mean = Stats.FromSamples(losses);

        // Real-space reference: s(y) = K2 * (K1 * y) as an explicit V x V matrix M; then
        // E_z (1/V)||M(a x0 + b z) + z/b||^2 = (1/V)[ a^2 ||M x0||^2 + b^2 tr(M M^T) + 2 tr M + V/b^2 ].
        var matrix = Matrix<double>.Build.Dense(v, v);
        var unit = new double[v];
        var column = new double[v];
        for (int y = 0; y < v; y++)
        {
            Array.Clear(unit);
            unit[y] = 1;
            ConvolveLocal(lattice, network, p, unit, column);
            for (int x = 0; x < v; x++) matrix[x, y] = column[x];
        }
        var x0 = Vector<double>.Build.DenseOfArray(data.AsSpan(0, v).ToArray());
        var mx0 = matrix * x0;
        double expected = (a * a * mx0.DotProduct(mx0) + b * b * matrix.TransposeAndMultiply(matrix).Trace()
            + 2 * matrix.Trace() + v / (b * b)) / v;
        Assert.InRange(Math.Abs(mean.StandardScore(expected)), 0, Tolerances.StandardErrors);

        // And the network's Apply is the same real-space map.
        var applied = new double[v];
        network.Apply(p, data.AsSpan(0, v), applied);
        for (int x = 0; x < v; x++) Assert.Equal(mx0[x], applied[x], 1e-12);
    }

    /// <summary>s = K2 * (K1 * y) by direct sums over the kernels' offsets: (K * y)(x) = sum_o K(o) y(x - o).</summary>
    private static void ConvolveLocal(Lattice lattice, LinearConvolutionNetwork network, NetworkParameters p, double[] input, double[] output)
    {
        int v = lattice.SiteCount;
        var current = (double[])input.Clone();
        var xc = new int[lattice.Dimension];
        var oc = new int[lattice.Dimension];
        for (int j = 0; j < p.Layers.Length; j++)
        {
            var next = new double[v];
            var offsets = network.SupportOffsets(j);
            for (int x = 0; x < v; x++)
            {
                lattice.Coordinates(x, xc);
                for (int i = 0; i < offsets.Count; i++)
                {
                    lattice.Coordinates(offsets[i], oc);
                    for (int mu = 0; mu < oc.Length; mu++) oc[mu] = xc[mu] - oc[mu];
                    next[x] += p.Layers[j][i] * current[lattice.Index(oc)];
                }
            }
            current = next;
        }
        current.CopyTo(output, 0);
    }

    [Theory]
    [InlineData(2, 6, 0.05)]
    [InlineData(3, 4, 1.0)]
    public void ExactOptimumIsMinusInverseSpectrumWithClosedFormLoss(int d, int l, double t)
    {
        var field = NetworkTestCases.Field(d, l);
        var (s, b2) = NetworkTestCases.Noised(field, t);
        var network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse("one-layer"), ParameterBasis.Fourier);
        var p = network.CreateParameters();
        for (int k = 0; k < s.Length; k++) p.Layers[0][k] = -1 / s[k];
        var gradient = network.CreateParameters();
        double loss = network.LossAndGradient(p, ModeMoments.Population(s, b2), gradient);
        Assert.True(gradient.Norm() < 1e-13 * Math.Sqrt(s.Length));
        Assert.Equal(LinearMomentNetwork.ExactOptimumLoss(s, b2), loss, Tolerances.ClosedForm * Math.Abs(loss));
        Assert.Equal(0, network.ScoreError(p, s), 1e-14);
    }

    [Fact]
    public void LocalOptimumEqualsDenseLeastSquares()
    {
        // Brute force: the loss restricted to window kernels is K^T G K + 2 K(0) + 1/b^2 with
        // G_ij = E[x_t(-y_i) x_t(-y_j)] from the dense real-space covariance of x_t; minimise by a dense solve.
        var field = NetworkTestCases.Field(2, 6);
        var (s, b2) = NetworkTestCases.Noised(field, 0.1);
        var lattice = field.Lattice;
        var layer = new ConvolutionLayer(1);
        var offsets = layer.SupportOffsets(lattice);
        var dense = (DenseNetwork)LinearMomentNetwork.Create(lattice, Architecture.Parse("dense"));
        var covariance = dense.CirculantCovariance(s);
        var g = Matrix<double>.Build.Dense(offsets.Length, offsets.Length,
            (i, j) => covariance[lattice.NegatedMode(offsets[i]), lattice.NegatedMode(offsets[j])]);
        var rhs = Vector<double>.Build.Dense(offsets.Length);
        rhs[0] = -1;
        var expected = g.Solve(rhs);
        var kernel = ArchitectureOptimum.LocalKernel(lattice, layer, s);
        for (int i = 0; i < kernel.Length; i++) Assert.Equal(expected[i], kernel[i], 1e-11);

        // The network at that kernel reaches the reported optimum loss, and the gradient vanishes there.
        var network = LinearMomentNetwork.Create(lattice, Architecture.Parse("one-layer-local:1"));
        var p = network.CreateParameters();
        kernel.CopyTo(p.Layers[0], 0);
        var gradient = network.CreateParameters();
        double loss = network.LossAndGradient(p, ModeMoments.Population(s, b2), gradient);
        Assert.Equal(ArchitectureOptimum.Loss(lattice, Architecture.Parse("one-layer-local:1"), s, b2)!.Value, loss, 1e-12);
        Assert.True(gradient.Norm() < 1e-10);
        Assert.True(network.ScoreError(p, s) > 1e-6); // a local kernel cannot be exact at t > 0
    }

    [Fact]
    public void DenseOptimumIsMinusInverseCovariance()
    {
        var field = NetworkTestCases.Field(2, 4);
        var (s, b2) = NetworkTestCases.Noised(field, 0.2);
        var network = (DenseNetwork)LinearMomentNetwork.Create(field.Lattice, Architecture.Parse("dense"));
        var inverse = -network.CirculantCovariance(s).Inverse();
        var p = network.CreateParameters();
        int v = field.Lattice.SiteCount;
        for (int x = 0; x < v; x++)
            for (int y = 0; y < v; y++) p.Layers[0][x * v + y] = inverse[x, y];
        var gradient = network.CreateParameters();
        double loss = network.LossAndGradient(p, ModeMoments.Population(s, b2), gradient);
        Assert.True(gradient.Norm() < 1e-12);
        Assert.Equal(LinearMomentNetwork.ExactOptimumLoss(s, b2), loss, 1e-12);
        Assert.Equal(0, network.ScoreError(p, s), 1e-12);
        // and -S^{-1} as a matrix is the convolution with multiplier -1/S.
        var conv = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse("one-layer"), ParameterBasis.Fourier);
        var q = conv.CreateParameters();
        for (int k = 0; k < v; k++) q.Layers[0][k] = -1 / s[k];
        var x0 = new double[v];
        x0[3] = 1;
        var viaDense = new double[v];
        var viaConv = new double[v];
        network.Apply(p, x0, viaDense);
        conv.Apply(q, x0, viaConv);
        for (int x = 0; x < v; x++) Assert.Equal(viaDense[x], viaConv[x], 1e-12);
    }

    [Theory]
    [InlineData("one-layer", 36L)]
    [InlineData("two-layer", 72L)]
    [InlineData("one-layer-local:1", 9L)]
    [InlineData("two-layer-local:2", 50L)]
    [InlineData("deep:3", 108L)]
    [InlineData("deep-local:4:1", 36L)]
    [InlineData("layers:local:1,full", 45L)]
    [InlineData("dense", 1296L)]
    public void ParameterCountsAreExact(string name, long expected) =>
        Assert.Equal(expected, Architecture.Parse(name).ParameterCount(new Lattice(2, 6)));

    [Theory]
    [InlineData("three-layer")]
    [InlineData("deep:0")]
    [InlineData("one-layer-local:-1")]
    [InlineData("deep-local:2")]
    [InlineData("layers:full,dense")]
    public void RejectsUnknownArchitectures(string name) =>
        Assert.Throws<FormatException>(() => Architecture.Parse(name));

    [Fact]
    public void RejectsWindowsWiderThanTheLattice() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            LinearMomentNetwork.Create(new Lattice(2, 4), Architecture.Parse("one-layer-local:2")));
}
