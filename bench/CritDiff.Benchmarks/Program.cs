using BenchmarkDotNet.Running;

namespace CritDiff.Benchmarks;

/// <summary>
/// Entry point. "quick" modes print medians over repeats as a table and one JSON line, for side-by-side
/// comparisons with the NumPy and PyTorch scripts under bench/; anything else goes to BenchmarkDotNet
/// (e.g. <c>-- --filter '*Sampler*'</c>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && QuickModes.TryRun(args)) return 0;
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
