using System.Globalization;
using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.Benchmarks;

/// <summary>
/// Exact-sampler throughput (samples/s) for d = 2, L = 256 and d = 3, L = 64 (xi/L = 1/4), batches of
/// 64, with one thread and with all threads; medians over repeats. Compare with bench/numpy/sampler.py.
/// </summary>
public static class SamplerThroughput
{
    public const int Batch = 64;

    public static void Run(int repeats)
    {
        Console.WriteLine($"{"size",-12} {"threads",8} {"samples/s",12}");
        var results = new List<string>();
        foreach (var (d, l) in new[] { (2, 256), (3, 64) })
        {
            var sampler = new ExactSampler(GaussianField.AtCorrelationLengthOverSize(new Lattice(d, l), 0.25));
            var buffer = new double[Batch * sampler.Field.Lattice.SiteCount];
            foreach (int threads in new[] { 1, Environment.ProcessorCount })
            {
                ulong seed = 1;
                double seconds = QuickModes.MedianSeconds(repeats, () => sampler.Sample(buffer, Batch, seed++, 0, threads));
                double rate = Batch / seconds;
                Console.WriteLine($"d={d} L={l,-6} {threads,8} {rate,12:F1}");
                results.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"d\": {d}, \"L\": {l}, \"threads\": {threads}, \"samples_per_second\": {rate:F2}}}"));
            }
        }
        Console.WriteLine("{\"implementation\": \"critdiff\", \"batch\": " + Batch + ", \"repeats\": " + repeats +
                          ", \"results\": [" + string.Join(", ", results) + "]}");
    }
}
