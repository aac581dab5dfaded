using System.Diagnostics;
using System.Globalization;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;

namespace CritDiff.Benchmarks;

/// <summary>
/// Ising (O(1)) Metropolis sweeps and Wolff cluster updates at the critical point, in site updates per second (one
/// chain, one thread), for d = 2, L = 256 and d = 3, L = 64, against the single-threaded C reference
/// bench/c/spin_updates.c doing the same updates on the same data layout with the same generator, compiled with
/// gcc -O3 -march=native and run in the same process run. Prints both rates and the ratio C rate / C# rate (the
/// goal is at most 1.5), then one JSON line. Without gcc or the C file only the C# rates are printed.
/// </summary>
public static class SpinUpdateThroughput
{
    private const double SecondsPerRepeat = 0.5;

    public static void Run(int repeats)
    {
        string? reference = CompileReference();
        Console.WriteLine(reference is null ? "C reference: not available (needs gcc and bench/c/spin_updates.c)" : $"C reference: {reference}");
        Console.WriteLine($"{"kernel",-11} {"size",-10} {"C# updates/s",14} {"C updates/s",14} {"C/C#",7}");
        var results = new List<string>();
        foreach (var (d, l) in new[] { (2, 256), (3, 64) })
            foreach (string name in new[] { "metropolis", "wolff" })
            {
                double managed = ManagedRate(name, d, l, repeats);
                double? native = reference is null ? null : NativeRate(reference, name, d, l, repeats);
                double? ratio = native / managed;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-11} d={d} L={l,-4} {managed,14:E3} {native?.ToString("E3", CultureInfo.InvariantCulture) ?? "-",14} {ratio?.ToString("F2", CultureInfo.InvariantCulture) ?? "-",7}"));
                results.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"kernel\": \"{name}\", \"d\": {d}, \"L\": {l}, \"csharp_updates_per_second\": {managed:E4}, " +
                    $"\"c_updates_per_second\": {(native is { } c ? c.ToString("E4", CultureInfo.InvariantCulture) : "null")}, " +
                    $"\"c_over_csharp\": {(ratio is { } r ? r.ToString("F3", CultureInfo.InvariantCulture) : "null")}}}"));
            }
        if (reference is not null) File.Delete(reference);
        Console.WriteLine($"{{\"mode\": \"spin-updates\", \"repeats\": {repeats}, \"results\": [{string.Join(", ", results)}]}}");
    }

    /// <summary>Median over repeats of site updates per second of the library kernel, after 0.5 s of warm-up (tier-1 code, critical state).</summary>
    private static double ManagedRate(string name, int d, int l, int repeats)
    {
        var model = SpinModel.AtCriticalPoint(new Lattice(d, l), 1);
        var kernel = ModelKernels.Create(name, model);
        var chain = new ModelChain(model, 1, 0, kernel.DefaultStepSize);
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 0.5) kernel.Sweep(chain);
        var rates = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            long before = chain.SiteUpdates;
            var clock = Stopwatch.StartNew();
            do kernel.Sweep(chain); while (clock.Elapsed.TotalSeconds < SecondsPerRepeat);
            rates[r] = (chain.SiteUpdates - before) / clock.Elapsed.TotalSeconds;
        }
        Array.Sort(rates);
        return rates[repeats / 2];
    }

    /// <summary>Median over repeats of the C program's rate (each run warms up for 0.5 s itself).</summary>
    private static double NativeRate(string executable, string name, int d, int l, int repeats)
    {
        var rates = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            string output = NativeReference.Run(executable, string.Create(CultureInfo.InvariantCulture, $"{name} {d} {l} {SecondsPerRepeat} {r + 1}"));
            rates[r] = double.Parse(NativeReference.Field(output, "rate"), CultureInfo.InvariantCulture);
        }
        Array.Sort(rates);
        return rates[repeats / 2];
    }

    /// <summary>Compiles bench/c/spin_updates.c with gcc into a temporary folder; null without gcc or the source.</summary>
    private static string? CompileReference() => NativeReference.Compile("spin_updates.c");
}
