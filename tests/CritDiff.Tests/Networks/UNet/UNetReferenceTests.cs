using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Tests.Networks.UNet;

/// <summary>
/// The U-Net's forward pass against a direct transcription of the architecture (sums over sites and offsets written out
/// on lattice coordinates, no padded or wide layouts, no SIMD), on random parameters at non-zero conditioning values.
/// </summary>
public class UNetReferenceTests
{
    /// <summary>
    /// Sums in another order through 2 (2 levels + 1) + 2 random convolutions of gain ~ 2 each and phases up to 100 |c|:
    /// rounding differences of 1e-16 grow to ~1e-12 of the largest output (measured up to 3e-12); 1e-10 catches any wrong term.
    /// </summary>
    private const double Tolerance = 1e-10;

    [Theory]
    [InlineData("unet:5:2", 1, 8, 2)]
    [InlineData("unet:4:1", 2, 4, 1)]
    [InlineData("unet:6:2:odd", 2, 8, 1)]
    [InlineData("unet:3:1", 3, 4, 2)]
    public void ForwardMatchesADirectTranscriptionOfTheArchitecture(string name, int d, int l, int n)
    {
        var lattice = new Lattice(d, l);
        var spec = (UNetSpec)NetworkCatalog.Parse(name, lattice);
        var model = (UNetNetwork)spec.Create(lattice, n, 1);
        var p = model.CreateParameters();
        var rng = new RandomStream(17, 3);
        foreach (var layer in p.Layers)
        {
            rng.FillGaussian(layer);
            for (int i = 0; i < layer.Length; i++) layer[i] *= 0.5;
        }
        var x = NetworkContract.Gaussian(2 * model.ConfigurationLength, 31);
        double[] c = [0.7, -2.1];
        var output = new double[x.Length];
        model.Forward(p, x, c, 2, output);
        int size = model.ConfigurationLength;
        for (int b = 0; b < 2; b++)
        {
            var expected = Reference(model, p, x.AsSpan(b * size, size).ToArray(), c[b]);
            double largest = expected.Max(Math.Abs);
            for (int i = 0; i < size; i++)
                Assert.True(Math.Abs(expected[i] - output[b * size + i]) <= Tolerance * largest,
                    $"{name} d={d} n={n} sample {b} value {i}: {output[b * size + i]:R} against {expected[i]:R}");
        }
    }

    private static double[] Reference(UNetNetwork model, NetworkParameters p, double[] x, double c)
    {
        var spec = model.Spec;
        var layout = model.Layout;
        var w = p.Layers;
        double[] Bias(int index) => index < 0 ? [] : w[index];
        Func<double, double> act = spec.Odd ? Math.Tanh : v => v / (1 + Math.Exp(-v));
        int channels = spec.Channels, e = spec.EmbeddingSize, d = model.Lattice.Dimension;
        var phi = new double[e];
        for (int k = 0; k < e / 2; k++)
        {
            double frequency = Math.Exp(k * Math.Log(1000) / (e / 2 - 1)) / 10; // UNET-SPEC.md's w_k
            phi[k] = Math.Sin(frequency * c);
            phi[e / 2 + k] = Math.Cos(frequency * c);
        }
        var embedding = new double[channels];
        for (int j = 0; j < channels; j++)
        {
            double u = layout.EmbeddingBias < 0 ? 0 : w[layout.EmbeddingBias][j];
            for (int k = 0; k < e; k++) u += w[layout.EmbeddingWeights][j * e + k] * phi[k];
            embedding[j] = u / (1 + Math.Exp(-u));
        }

        double[][] Block(int block, double[][] h, int side)
        {
            int width = spec.Odd ? channels : 2 * channels;
            var film = new double[width];
            for (int r = 0; r < width; r++)
            {
                film[r] = spec.Odd ? 0 : w[layout.FilmBias(block)][r];
                for (int j = 0; j < channels; j++) film[r] += w[layout.FilmWeights(block)][r * channels + j] * embedding[j];
            }
            var z = Conv(Map(h, act), w[layout.Conv1Kernel(block)], Bias(layout.Conv1Bias(block)), channels, d, side);
            for (int o = 0; o < channels; o++)
                for (int s = 0; s < z[o].Length; s++) z[o][s] = (1 + film[o]) * z[o][s] + (spec.Odd ? 0 : film[channels + o]);
            var y = Conv(Map(z, act), w[layout.Conv2Kernel(block)], Bias(layout.Conv2Bias(block)), channels, d, side);
            return h.Select((ho, o) => ho.Select((v, s) => v + y[o][s]).ToArray()).ToArray();
        }

        int l0 = model.Lattice.Length, v0 = model.Lattice.SiteCount, n = model.Components;
        var input = Enumerable.Range(0, n).Select(a => x.AsSpan(a * v0, v0).ToArray()).ToArray();
        var hidden = Conv(input, w[layout.LiftKernel], Bias(layout.LiftBias), channels, d, l0);
        var skips = new double[spec.Levels][][];
        for (int level = 0; level < spec.Levels; level++)
        {
            hidden = Block(level, hidden, l0 >> level);
            skips[level] = hidden;
            hidden = hidden.Select(h => Pool(h, d, l0 >> level)).ToArray();
        }
        hidden = Block(spec.Levels, hidden, l0 >> spec.Levels);
        for (int level = spec.Levels - 1; level >= 0; level--)
        {
            var up = hidden.Select(h => Upsample(h, d, l0 >> level)).ToArray();
            hidden = Block(2 * spec.Levels - level, up.Select((u, o) => u.Select((v, s) => v + skips[level][o][s]).ToArray()).ToArray(),
                l0 >> level);
        }
        return Conv(Map(hidden, act), w[layout.OutputKernel], [], n, d, l0).SelectMany(a => a).ToArray();
    }

    private static double[][] Map(double[][] h, Func<double, double> f) => h.Select(a => a.Select(f).ToArray()).ToArray();

    /// <summary>out_o(x) = bias_o + sum_i sum_e K[o, i, e] in_i(x + e), offsets e in {-1, 0, 1}^d lexicographic (axis 0 slowest).</summary>
    private static double[][] Conv(double[][] input, double[] kernel, double[] bias, int outChannels, int d, int side)
    {
        var lattice = new Lattice(d, side);
        int offsets = (int)Math.Pow(3, d), inChannels = input.Length;
        var output = new double[outChannels][];
        var coordinates = new int[d];
        var shifted = new int[d];
        for (int o = 0; o < outChannels; o++)
        {
            output[o] = new double[lattice.SiteCount];
            for (int site = 0; site < lattice.SiteCount; site++)
            {
                lattice.Coordinates(site, coordinates);
                double sum = bias.Length > 0 ? bias[o] : 0;
                for (int e = 0; e < offsets; e++)
                {
                    for (int mu = d - 1, rest = e; mu >= 0; mu--, rest /= 3) shifted[mu] = (coordinates[mu] + rest % 3 - 1 + side) % side;
                    int neighbour = lattice.Index(shifted);
                    for (int i = 0; i < inChannels; i++) sum += kernel[(o * inChannels + i) * offsets + e] * input[i][neighbour];
                }
                output[o][site] = sum;
            }
        }
        return output;
    }

    private static double[] Pool(double[] fine, int d, int side)
    {
        var coarse = new Lattice(d, side / 2);
        var lattice = new Lattice(d, side);
        var result = new double[coarse.SiteCount];
        var coordinates = new int[d];
        for (int site = 0; site < lattice.SiteCount; site++)
        {
            lattice.Coordinates(site, coordinates);
            for (int mu = 0; mu < d; mu++) coordinates[mu] /= 2;
            result[coarse.Index(coordinates)] += fine[site] / (1 << d);
        }
        return result;
    }

    private static double[] Upsample(double[] coarseField, int d, int side)
    {
        var coarse = new Lattice(d, side / 2);
        var lattice = new Lattice(d, side);
        var result = new double[lattice.SiteCount];
        var coordinates = new int[d];
        for (int site = 0; site < lattice.SiteCount; site++)
        {
            lattice.Coordinates(site, coordinates);
            for (int mu = 0; mu < d; mu++) coordinates[mu] /= 2;
            result[site] = coarseField[coarse.Index(coordinates)];
        }
        return result;
    }
}
