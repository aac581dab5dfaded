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

    /// <summary>
    /// Bytes a Gaussian-field chain holds per site while it runs: the field, its Fourier transform and the kernels' work
    /// buffers (momenta, gradients, FFT scratch). Measured with /usr/bin/time -v (peak RSS less the ~46 MB of an empty run):
    /// mcmc --d 3 --L 64 --xi 1 --chains 32 --sweeps 16 --thermalize 0 peaks at 0.53 GB for fa-hmc (58 bytes per site and
    /// chain, on 2 cores; 146 MB with 8 chains: the peak grows with all chains, not with those running) and 0.16 GB for heatbath; rounded up.
    /// </summary>
    public const double GaussianChainBytesPerSite = 64;

    /// <summary>
    /// Bytes a finite-n chain (O(n), phi^4) holds per value n V while it runs: the configuration, six scratch copies and
    /// the spectrum's FFT work. Measured: mcmc --model phi4 --n 3 --d 3 --L 32 --chains 32 --sweeps 16 peaks at 0.33 GB
    /// (wolff; 91 bytes per value and chain), --model on --n 3 heatbath at 0.26 GB (68); rounded up.
    /// </summary>
    public const double ModelChainBytesPerValue = 96;

    /// <summary>
    /// Refuses Monte Carlo runs that would not fit, before any chain starts: one chain of <paramref name="valuesPerChain"/>
    /// values at <paramref name="bytesPerValue"/> (too large alone: lower <paramref name="sizeOption"/>), then all
    /// <paramref name="chains"/> chains (peak RSS grows with the chain count even when fewer run at once: the per-site
    /// constants above are peaks divided by all chains) plus what each keeps after it finishes (<paramref name="keptPerChain"/>
    /// bytes: measured series, spectrum bins) and <paramref name="extra"/> bytes (stored configurations).
    /// </summary>
    public static void MonteCarlo(string sizeOption, string what, long valuesPerChain, double bytesPerValue, int chains,
        double keptPerChain, double extra = 0)
    {
        double chain = bytesPerValue * valuesPerChain;
        Memory(sizeOption, chain, $"one chain on {what}");
        Memory("--chains", chains * (chain + keptPerChain) + extra,
            $"{chains} chain(s) on {what} ({Gib(chain)} each, with their measured series{(extra > 0 ? " and the stored configurations" : "")})");
    }

    /// <summary>Threads a command will use: --threads, or all cores for -1.</summary>
    public static int Workers(int threads) => threads == -1 ? Environment.ProcessorCount : threads;

    private static string Gib(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):G3} GiB");
}
