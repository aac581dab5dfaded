using System.Diagnostics;
using CritDiff.Experiments;

namespace CritDiff.Tests.Experiments.Cost;

/// <summary>The thread CPU clock the sweep timing reads: present on Linux, advancing while the thread computes, never ahead of the wall clock.</summary>
public sealed class ThreadCpuClockTests
{
    [Fact]
    public void AdvancesWithWorkAndNotFasterThanWallTime()
    {
        if (!OperatingSystem.IsLinux()) return;
        double start = ThreadCpuClock.Seconds()!.Value;
        var wall = Stopwatch.StartNew();
        double x = 0, now;
        // Spin until the clock has moved by at least three scheduler ticks of 4 ms (or give up after 10 s of wall time on a busy machine).
        do
        {
            for (int i = 0; i < 100_000; i++) x += Math.Sqrt(i + x);
            now = ThreadCpuClock.Seconds()!.Value;
        }
        while (now - start < 0.012 && wall.Elapsed.TotalSeconds < 10);
        Assert.True(x > 0);
        Assert.True(now - start >= 0.012, $"CPU clock moved {now - start} s in {wall.Elapsed.TotalSeconds} s");
        // Tick accounting can be up to one tick ahead of the moment it is read at.
        Assert.True(now - start <= wall.Elapsed.TotalSeconds + 0.01, $"CPU {now - start} s > wall {wall.Elapsed.TotalSeconds} s");
    }
}
