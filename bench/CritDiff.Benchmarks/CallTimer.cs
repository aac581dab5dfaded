using System.Diagnostics;

namespace CritDiff.Benchmarks;

/// <summary>Per-call timing shared by the step benchmarks (conv-step, unet-step).</summary>
internal static class CallTimer
{
    /// <summary>
    /// Medians over repeats of the wall and process CPU time per call (ms), each repeat calling for about
    /// <paramref name="seconds"/> after a warm-up of at least 0.5 s and two calls.
    /// </summary>
    public static (double Wall, double Cpu) PerCallMs(int repeats, double seconds, Action call)
    {
        var clock = Stopwatch.StartNew();
        int calls = 0;
        while (clock.Elapsed.TotalSeconds < 0.5 || calls < 2)
        {
            call();
            calls++;
        }
        int perRepeat = Math.Max(1, (int)(calls * seconds / clock.Elapsed.TotalSeconds));
        var wall = new double[repeats];
        var cpu = new double[repeats];
        using var process = Process.GetCurrentProcess();
        for (int r = 0; r < repeats; r++)
        {
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            clock.Restart();
            for (int i = 0; i < perRepeat; i++) call();
            wall[r] = clock.Elapsed.TotalMilliseconds / perRepeat;
            process.Refresh();
            cpu[r] = (process.TotalProcessorTime - cpuStart).TotalMilliseconds / perRepeat;
        }
        Array.Sort(wall);
        Array.Sort(cpu);
        return (wall[repeats / 2], cpu[repeats / 2]);
    }
}
