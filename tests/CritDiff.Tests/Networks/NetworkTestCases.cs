using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Tests.Networks;

/// <summary>Shared fixtures: a small critical-ish field, a VP time, random parameters.</summary>
internal static class NetworkTestCases
{
    public static readonly string[] Architectures =
        ["one-layer", "two-layer", "one-layer-local:1", "two-layer-local:1", "deep:3", "deep-local:3:1", "layers:local:1,full", "dense"];

    public static GaussianField Field(int d = 2, int l = 6) =>
        GaussianField.AtCorrelationLengthOverSize(new Lattice(d, l), 0.25);

    public static (double[] Spectrum, double NoiseVariance) Noised(GaussianField field, double t = 0.3)
    {
        var process = new VariancePreserving();
        return (process.NoisedSpectrumTable(field.SpectrumTable(), t), process.NoiseVariance(t));
    }

    /// <summary>Parameters with every entry ~ N(0, scale^2), deterministic in the seed.</summary>
    /// <summary>Population moments with Cross = 1 stored explicitly: the same loss, through the general (full-spectrum) path.</summary>
    public static ModeMoments ExplicitCross(double[] noisedSpectrum, double noiseVariance) =>
        new(noisedSpectrum, Enumerable.Repeat(System.Numerics.Complex.One, noisedSpectrum.Length).ToArray(), 1 / noiseVariance);

    public static NetworkParameters RandomParameters(LinearMomentNetwork network, double scale, ulong seed)
    {
        var p = network.CreateParameters();
        var rng = new RandomStream(seed, 0);
        foreach (var layer in p.Layers)
            for (int i = 0; i < layer.Length; i++) layer[i] = scale * rng.NextGaussian();
        return p;
    }

    /// <summary>Random parameters for a Fourier-basis network that are the multipliers of real kernels.</summary>
    public static NetworkParameters RandomFourierParameters(LinearMomentNetwork fourier, LinearMomentNetwork kernel, double scale, ulong seed)
    {
        var kernelParameters = RandomParameters(kernel, scale, seed);
        var p = fourier.CreateParameters();
        var conv = (LinearConvolutionNetwork)kernel;
        int v = kernel.Lattice.SiteCount;
        for (int j = 0; j < p.Layers.Length; j++)
        {
            var m = conv.LayerMultiplier(kernelParameters, j);
            for (int k = 0; k < v; k++)
            {
                p.Layers[j][k] = m[k].Real;
                p.Layers[j][v + k] = m[k].Imaginary;
            }
        }
        return p;
    }
}
