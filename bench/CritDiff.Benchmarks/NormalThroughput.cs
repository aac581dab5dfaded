using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CritDiff.Statistics;

namespace CritDiff.Benchmarks;

/// <summary>
/// Nanoseconds per bulk standard normal (<see cref="GaussianBlocks.Fill(ref RandomStream, Span{double}, int)"/>) at
/// 1024 (the generation block) and 65536 per fill (NORMAL_SIZES=a,b,... to choose), for each vector width this
/// machine has and for the previous four-lane generator (<see cref="GaussianBlocksOld"/>); all are timed alternately
/// in one process (median of the repeats after a 0.5 s warm-up), so their ratios are robust to machine noise.
/// </summary>
public static class NormalThroughput
{
    public static void Run(int repeats)
    {
        Console.WriteLine($"Vector512 accelerated: {Vector512.IsHardwareAccelerated}, AVX-512F: {Avx512F.IsSupported}, AVX2: {Avx2.IsSupported}");
        var variants = new (string Name, Action<Memory<double>> Fill)[]
        {
            ("old-4lane", m => { var r = new RandomStream(1, 2); GaussianBlocksOld.Fill(ref r, m.Span); }),
            ("512", m => { var r = new RandomStream(1, 2); GaussianBlocks.Fill(ref r, m.Span, 512); }),
            ("256", m => { var r = new RandomStream(1, 2); GaussianBlocks.Fill(ref r, m.Span, 256); }),
            ("scalar", m => { var r = new RandomStream(1, 2); GaussianBlocks.Fill(ref r, m.Span, 0); }),
        };
        foreach (int size in (Environment.GetEnvironmentVariable("NORMAL_SIZES") ?? "1024,65536").Split(',').Select(int.Parse))
        {
            var buffer = new double[size];
            int fills = (1 << 22) / size;
            void Time(Action<Memory<double>> fill) { for (int f = 0; f < fills; f++) fill(buffer); }
            var times = new double[variants.Length][];
            for (int v = 0; v < variants.Length; v++)
            {
                times[v] = new double[repeats];
                var warm = Stopwatch.StartNew();
                do Time(variants[v].Fill);
                while (warm.Elapsed.TotalSeconds < 0.5);
            }
            for (int r = 0; r < repeats; r++)
                for (int v = 0; v < variants.Length; v++)
                {
                    var clock = Stopwatch.StartNew();
                    Time(variants[v].Fill);
                    times[v][r] = clock.Elapsed.TotalSeconds * 1e9 / (fills * (double)size);
                }
            foreach (var t in times) Array.Sort(t);
            for (int v = 0; v < variants.Length; v++)
                Console.WriteLine($"size {size,6} {variants[v].Name,-10} {times[v][repeats / 2],7:F3} ns/normal  old/this {times[0][repeats / 2] / times[v][repeats / 2],5:F2}");
        }
    }
}
