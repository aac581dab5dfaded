using System.Globalization;
using System.Numerics.Tensors;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;

namespace CritDiff.Benchmarks;

/// <summary>
/// Heat-bath site updates per second (one chain, one thread; and one chain per core) for d = 2, L = 256 and
/// d = 3, L = 64 at xi/L = 1/4, against a STREAM-like triad a = b + s c measured in the same run on arrays far
/// larger than the caches (24 bytes per element, write-allocate not counted, as STREAM does). The fraction
/// reported is (updates/s x 16 bytes) / triad bandwidth: the compulsory traffic of a sweep is one read and one
/// write of phi(x) per site (neighbours are reused from cache), so 1.0 would be a memory-bound sweep.
/// The sweep also draws one normal per site, so it is usually compute-bound when the field fits in cache.
/// </summary>
public static class HeatBathThroughput
{
    private const int TriadLength = 1 << 24; // 3 x 128 MiB
    private const int BytesPerUpdate = 16;

    public static void Run(int repeats)
    {
        int cores = Environment.ProcessorCount;
        double triad1 = Triad(repeats, 1), triadAll = Triad(repeats, cores);
        Console.WriteLine($"STREAM triad: {triad1 / 1e9:F2} GB/s (1 thread), {triadAll / 1e9:F2} GB/s ({cores} threads)");
        Console.WriteLine($"{"size",-12} {"threads",8} {"updates/s",14} {"x16 B / triad",14}");
        var results = new List<string>();
        foreach (var (d, l, sweeps) in new[] { (2, 256, 100), (3, 64, 25) })
        {
            var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(d, l), 0.25);
            var kernel = new HeatBath(field);
            foreach (int threads in cores > 1 ? new[] { 1, cores } : [1])
            {
                var states = Enumerable.Range(0, threads).Select(c => new ModelChain(field, 1, (ulong)c, 1)).ToArray();
                // Half a second of sweeps first, so the timed runs use tier-1 (optimised) code, not tier-0 or OSR.
                var warm = System.Diagnostics.Stopwatch.StartNew();
                while (warm.Elapsed.TotalSeconds < 0.5) kernel.Sweep(states[0]);
                double seconds = QuickModes.MedianSeconds(repeats, () =>
                    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
                    {
                        for (int s = 0; s < sweeps; s++) kernel.Sweep(states[c]);
                    }));
                double rate = (double)threads * sweeps * field.Lattice.SiteCount / seconds;
                double fraction = rate * BytesPerUpdate / (threads == 1 ? triad1 : triadAll);
                Console.WriteLine($"d={d} L={l,-6} {threads,8} {rate,14:E3} {fraction,14:F3}");
                results.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"d\": {d}, \"L\": {l}, \"threads\": {threads}, \"site_updates_per_second\": {rate:E4}, \"fraction_of_triad\": {fraction:F4}}}"));
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"mode\": \"heatbath-throughput\", \"triad_bytes_per_second\": {{\"1\": {triad1:E4}, \"{cores}\": {triadAll:E4}}}, " +
            $"\"bytes_per_update\": {BytesPerUpdate}, \"repeats\": {repeats}, \"results\": [{string.Join(", ", results)}]}}"));
    }

    /// <summary>Triad bandwidth a = b + s c in bytes/s (24 bytes per element), split into one chunk per thread.</summary>
    private static double Triad(int repeats, int threads)
    {
        var a = new double[TriadLength];
        var b = new double[TriadLength];
        var c = new double[TriadLength];
        Array.Fill(b, 1.0);
        Array.Fill(c, 2.0);
        int chunk = TriadLength / threads;
        double seconds = QuickModes.MedianSeconds(repeats, () =>
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                int start = t * chunk, length = t == threads - 1 ? TriadLength - start : chunk;
                TensorPrimitives.MultiplyAdd(c.AsSpan(start, length), 3.0, b.AsSpan(start, length), a.AsSpan(start, length));
            }));
        return 24.0 * TriadLength / seconds;
    }
}
