using System.Globalization;
using CritDiff.Lattices;
using CritDiff.Networks;

namespace CritDiff.Cli;

/// <summary>
/// Up-front limits on requests that would exhaust memory or run for days: a memory estimate against
/// <see cref="MemoryBytes"/> and documented caps on counts. Each refusal is a usage error (exit 2)
/// naming the option, the estimate and the limit.
/// </summary>
internal static class Limits
{
    /// <summary>Memory a single command may plan to hold: 8 GiB.</summary>
    public const long MemoryBytes = 8L << 30;

    /// <summary>Most time slices a network is trained on (train, scaling, generate).</summary>
    public const int MaxSlices = 10_000;

    /// <summary>Most seeds per job (scaling, stability).</summary>
    public const int MaxSeeds = 10_000;

    /// <summary>Most Monte Carlo chains.</summary>
    public const int MaxChains = 4_096;

    /// <summary>Most measured or thermalisation sweeps per chain.</summary>
    public const int MaxSweeps = 100_000_000;

    /// <summary>Most optimizer steps per slice (--max-steps, --budget).</summary>
    public const int MaxSteps = 100_000_000;

    /// <summary>Most samples per minibatch.</summary>
    public const int MaxBatch = 1_000_000;

    /// <summary>Most reverse steps K in generation.</summary>
    public const int MaxReverseSteps = 1_000_000;

    /// <summary>Smallest relative tolerance of the stability bisection (below ~1e-15 it cannot terminate in doubles).</summary>
    public const double MinTolerance = 1e-6;

    /// <summary>Throws unless <paramref name="value"/> lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static int Count(string option, int value, int min, int max) =>
        value >= min && value <= max ? value
            : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{option} must be in {min}..{max} (got {value})"));

    /// <summary>Throws when the estimated memory (bytes) is above <see cref="MemoryBytes"/>.</summary>
    public static void Memory(string option, double bytes, string what)
    {
        if (bytes > MemoryBytes)
            throw new UsageException(
                $"{option}: {what} needs about {Gib(bytes)} of memory, above the limit of {Gib(MemoryBytes)}; lower {option}");
    }

    /// <summary>
    /// Refuses training runs of a linear architecture that would not fit, before anything is allocated. The estimate
    /// (bytes): model tables, ~20 doubles per site; each slice's parameters with gradient and two optimizer moments,
    /// 32 bytes each; work buffers of the slices trained at once, ~16 doubles per site and layer (measured: deep:4 at
    /// V = 2^20 peaks at 0.64 GB for one slice, one-layer at 0.15 GB); the loss history, 32 bytes per step and slice,
    /// doubled for the list's growth. <paramref name="sizeOption"/> is the option to lower when a single slice is too
    /// large (--arch, --L); <paramref name="concurrent"/> the slices trained at once.
    /// </summary>
    public static void Training(string sizeOption, Architecture architecture, Lattice lattice, int slices, int concurrent, int maxSteps, string stepsOption = "--max-steps")
    {
        Memory(stepsOption, 64.0 * maxSteps * slices, $"the loss history of {slices} slice(s) x {maxSteps} steps");
        double sites = lattice.SiteCount;
        double parameters = architecture.Layers.Sum(l => (double)l.ParameterCount(lattice));
        double Bytes(int n) => 160 * sites + 32 * parameters * n + 128 * sites * architecture.Depth * Math.Min(n, Math.Max(1, concurrent));
        Memory(sizeOption, Bytes(1), $"training one slice of {architecture.Name} on {lattice} ({parameters:G3} parameters, with gradients, optimizer moments and work buffers)");
        Memory("--slices", Bytes(slices),
            $"training {slices} slice(s) of {architecture.Name} on {lattice} ({parameters:G3} parameters per slice, with gradients, optimizer moments and work buffers)");
    }

    /// <summary>Threads a command will use: --threads, or all cores for -1.</summary>
    public static int Workers(int threads) => threads == -1 ? Environment.ProcessorCount : threads;

    private static string Gib(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):G3} GiB");
}
