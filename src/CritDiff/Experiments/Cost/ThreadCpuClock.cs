using System.Globalization;

namespace CritDiff.Experiments;

/// <summary>
/// CPU seconds of the calling thread, where the system reports them (Linux: the first field of /proc/thread-self/schedstat,
/// nanoseconds on a CPU, updated at least every scheduler tick, 4 ms at HZ = 250). On a shared machine wall time counts the
/// time other processes held the core; the thread's CPU time does not, and on a quiet machine the two agree for a loop that
/// runs on one thread without waiting.
/// </summary>
internal static class ThreadCpuClock
{
    private const string Path = "/proc/thread-self/schedstat";

    /// <summary>The calling thread's CPU seconds so far, or null where they cannot be read.</summary>
    public static double? Seconds()
    {
        try
        {
            string text = File.ReadAllText(Path);
            int end = text.IndexOf(' ', StringComparison.Ordinal);
            return end > 0 && long.TryParse(text.AsSpan(0, end), NumberStyles.None, CultureInfo.InvariantCulture, out long ns) ? ns * 1e-9 : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }
}
