using System.Diagnostics;
using System.Globalization;

namespace CritDiff.Benchmarks;

/// <summary>Registry of quick timing modes: name -> action(repeats). Add a mode by adding a line to <see cref="Modes"/>.</summary>
public static class QuickModes
{
    private static readonly Dictionary<string, Action<int>> Modes = new()
    {
        ["sampler-throughput"] = SamplerThroughput.Run,
        ["training-step"] = TrainingStepTimes.Run,
        ["generation-throughput"] = GenerationThroughput.Run,
        ["sampler-profile"] = SamplerProfile.Run,
        ["heatbath-throughput"] = HeatBathThroughput.Run,
        ["spin-updates"] = SpinUpdateThroughput.Run,
        ["conv-step"] = ConvStepTimes.Run,
        ["fft"] = FftThroughput.Run,
    };

    public static bool TryRun(string[] args)
    {
        if (!Modes.TryGetValue(args[0], out var run)) return false;
        int repeats = 7;
        for (int i = 1; i + 1 < args.Length; i++)
            if (args[i] == "--repeats") repeats = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
        run(repeats);
        return true;
    }

    /// <summary>Median of <paramref name="repeats"/> timings (seconds) of <paramref name="action"/> after one warm-up.</summary>
    public static double MedianSeconds(int repeats, Action action)
    {
        action();
        var times = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[r] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[repeats / 2];
    }
}
