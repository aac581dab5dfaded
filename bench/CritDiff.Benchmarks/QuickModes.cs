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
        ["population-step"] = TrainingStepTimes.RunPopulation,
        ["generation-throughput"] = GenerationThroughput.Run,
        ["sampler-profile"] = SamplerProfile.Run,
        ["heatbath-throughput"] = HeatBathThroughput.Run,
        ["spin-updates"] = SpinUpdateThroughput.Run,
        ["conv-step"] = ConvStepTimes.Run,
        ["unet-step"] = UnetStepTimes.Run,
        ["fft"] = FftThroughput.Run,
        ["normals"] = NormalThroughput.Run,
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

    /// <summary>
    /// Median of <paramref name="repeats"/> timings (seconds) of <paramref name="action"/> after a warm-up of at least one
    /// call and 0.5 s, so that tiered compilation (with dynamic PGO) has moved the hot methods to optimized code.
    /// </summary>
    public static double MedianSeconds(int repeats, Action action)
    {
        var warm = Stopwatch.StartNew();
        do action();
        while (warm.Elapsed.TotalSeconds < 0.5);
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
