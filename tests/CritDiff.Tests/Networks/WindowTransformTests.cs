using System.Numerics;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Tests.Networks;

public class WindowTransformTests
{
    [Theory]
    [InlineData(1, 7, 2)]
    [InlineData(2, 6, 1)]
    [InlineData(2, 5, 0)]
    [InlineData(2, 8, 3)]
    [InlineData(3, 4, 1)]
    public void MultiplierAndGradientEqualTheFftForms(int d, int l, int r)
    {
        // Reference: m = sqrt(V) DFT[K scattered on the lattice], g(y) = Re sqrt(V) IDFT[G](y).
        var lattice = new Lattice(d, l);
        int v = lattice.SiteCount;
        var offsets = new ConvolutionLayer(r).SupportOffsets(lattice);
        var fourier = new FourierTransform(lattice);
        var window = new WindowTransform(lattice, r);
        var rng = new RandomStream(11, (ulong)(d * 100 + l * 10 + r));

        var kernel = new double[offsets.Length];
        rng.FillGaussian(kernel);
        var expected = new Complex[v];
        for (int i = 0; i < offsets.Length; i++) expected[offsets[i]] = kernel[i];
        fourier.Forward(expected);
        var multiplier = new Complex[v];
        window.Multiplier(kernel, multiplier);
        double scale = Math.Sqrt(v), norm = 0, error = 0;
        for (int k = 0; k < v; k++)
        {
            norm += (scale * expected[k]).Magnitude * (scale * expected[k]).Magnitude;
            error += (multiplier[k] - scale * expected[k]).Magnitude * (multiplier[k] - scale * expected[k]).Magnitude;
        }
        Assert.True(Math.Sqrt(error) <= Tolerances.Fourier * Math.Sqrt(norm), $"multiplier error {Math.Sqrt(error / norm)}");

        var spectrum = new Complex[v];
        for (int k = 0; k < v; k++) spectrum[k] = new Complex(rng.NextGaussian(), rng.NextGaussian());
        var gradient = new double[offsets.Length];
        window.Gradient(spectrum, gradient);
        var inverse = (Complex[])spectrum.Clone();
        fourier.Inverse(inverse);
        double gradientNorm = Math.Sqrt(spectrum.Sum(c => c.Magnitude * c.Magnitude));
        for (int i = 0; i < offsets.Length; i++)
            Assert.True(Math.Abs(gradient[i] - scale * inverse[offsets[i]].Real) <= Tolerances.Fourier * gradientNorm,
                $"gradient entry {i}: {gradient[i]} against {scale * inverse[offsets[i]].Real}");
    }
}
