using System.Diagnostics;
using System.Globalization;

namespace CritDiff.Persistence;

/// <summary>
/// Atomic file writes: the bytes go to a temporary file in the target's folder, named <c>{target}.tmp-{PID}-{GUID}-{host}</c>,
/// which is renamed over the target once complete and deleted if the write fails, so a reader (or a full disk) never
/// sees a half-written target. A process killed mid-write (kill -9) cannot delete its temporary file; the next write of
/// the same target does: it removes every <c>{target}.tmp-{PID}[-...]</c> of this host whose PID is not a live process
/// (a file written from another host, e.g. another node of a cluster sharing the folder, is never judged by local PIDs).
/// </summary>
public static class AtomicFile
{
    /// <summary>The marker between a target's name and the writer's PID in a temporary file's name.</summary>
    public const string TemporaryMarker = ".tmp-";

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        writer.Write(text);
    });

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>
    /// Writes through <paramref name="write"/> into a fresh temporary file beside <paramref name="path"/>, flushes it (a
    /// full disk fails here, before the rename) and renames it over <paramref name="path"/>; on any failure the temporary file is deleted and the target left as it was.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string temporary = TemporaryPath(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush();
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>
    /// A new temporary name for <paramref name="path"/> in its folder (<c>{path}.tmp-{PID}-{GUID}-{host}</c>), after removing the
    /// stale temporary files of earlier, dead writers of the same target (<see cref="RemoveStaleTemporaries"/>).
    /// </summary>
    public static string TemporaryPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RemoveStaleTemporaries(path);
        return string.Create(CultureInfo.InvariantCulture, $"{path}{TemporaryMarker}{Environment.ProcessId}-{Guid.NewGuid():N}-{Environment.MachineName}");
    }

    /// <summary>
    /// Deletes <c>{path}.tmp-{PID}</c>, <c>{path}.tmp-{PID}-{GUID}</c> and <c>{path}.tmp-{PID}-{GUID}-{this host}</c> in the
    /// target's folder whose PID is neither this process nor any other live process (a writer killed mid-write); returns
    /// how many it deleted. Files of live writers, of other hosts, of other targets and names that do not parse are left
    /// alone; a file that cannot be deleted is skipped.
    /// </summary>
    public static int RemoveStaleTemporaries(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(full);
        string prefix = Path.GetFileName(full) + TemporaryMarker;
        if (folder is null || !Directory.Exists(folder)) return 0;
        int removed = 0;
        // The pattern lets the file system filter (a jobs/ folder can hold thousands of files, each written atomically);
        // names with wildcard characters fall back to the whole folder, and the exact prefix is checked below anyway.
        string pattern = prefix.AsSpan().IndexOfAny('*', '?') < 0 ? prefix + "*" : "*";
        foreach (string file in Directory.EnumerateFiles(folder, pattern))
        {
            string name = Path.GetFileName(file);
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            // {PID}, {PID}-{GUID} (written before the host was added: taken as this host's) or {PID}-{GUID}-{host}.
            string[] parts = name[prefix.Length..].Split('-', 3);
            if (parts.Length == 3 && parts[2] != Environment.MachineName) continue;
            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || IsLive(pid)) continue;
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's file or already gone: not ours to insist on.
            }
        }
        return removed;
    }

    /// <summary>True for this process and for any PID the system reports as running.</summary>
    private static bool IsLive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        if (pid <= 0) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false; // not running, or exited
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return true; // cannot tell (another user's process): leave its file alone
        }
    }
}
