using System.Globalization;
using System.Numerics;
using CritDiff.Lattices;
using CritDiff.Statistics;
using MathNet.Numerics.IntegralTransforms;

namespace CritDiff.Benchmarks;

/// <summary>
/// Quick mode "sampler-profile": where one exact-sampler pair's time goes, on one thread (d = 2, L = 256 and
/// d = 3, L = 64): V complex normals drawn one pair at a time (as the sampler does), one unitary inverse
/// d-dimensional FFT, and the same number of Math.NET 1-D transforms on one contiguous line (the FFT's
/// arithmetic without the strided gathers). Medians over repeats after one warm-up call.
/// </summary>
public static class SamplerProfile
{
    public static void Run(int repeats)
    {
        Console.WriteLine($"{"size",-12} {"normals ms",12} {"FFT ms",10} {"1-D calls ms",14}");
        foreach (var (d, l) in new[] { (2, 256), (3, 64) })
        {
            var lattice = new Lattice(d, l);
            int v = lattice.SiteCount;
            var field = new Complex[v];
            var fourier = new FourierTransform(lattice);
            ulong seed = 1;
            double normals = QuickModes.MedianSeconds(repeats, () =>
            {
                var rng = new RandomStream(seed++, 0);
                for (int k = 0; k < v; k++)
                {
                    var (a, b) = rng.NextGaussianPair();
                    field[k] = new Complex(a, b);
                }
            });
            double fft = QuickModes.MedianSeconds(repeats, () => fourier.Inverse(field));
            var line = new Complex[l];
            int lines = d * v / l;
            double lineOnly = QuickModes.MedianSeconds(repeats, () =>
            {
                for (int i = 0; i < lines; i++) Fourier.Inverse(line, FourierOptions.Default);
            });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"d={d} L={l,-6} {1e3 * normals,12:F3} {1e3 * fft,10:F3} {1e3 * lineOnly,14:F3}"));
        }
    }
}
