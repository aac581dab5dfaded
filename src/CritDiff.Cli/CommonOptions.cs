using System.CommandLine;
using CritDiff.Networks;

namespace CritDiff.Cli;

/// <summary>Options every command has: --json and --seed.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json")
    {
        Description = "Print one JSON object with the results on stdout (logs and progress go to stderr).",
    };

    public static Option<ulong> Seed() => new("--seed")
    {
        Description = "Random seed (unsigned 64-bit). The same seed and inputs give bit-identical results for any thread count.",
        DefaultValueFactory = _ => 1UL,
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Worker threads (default: all cores). Results do not depend on it.",
        DefaultValueFactory = _ => -1,
    };

    /// <summary>--start of the training commands (see <see cref="NetworkStart"/>).</summary>
    public static Option<string> Start() => new("--start")
    {
        Description = "Start of training: balanced (K_1 = c delta, K_D = -c delta), unbalanced[:R] (first layer x R, last / R; R > 0, default 2) " +
                      "or random:S (balanced plus normal noise of relative size S >= 0, kernel basis only).",
        DefaultValueFactory = _ => "balanced",
    };

    /// <summary>Parses --start; a bad value is a usage error naming the accepted forms.</summary>
    public static NetworkStart ParseStart(string text)
    {
        try
        {
            return NetworkStart.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--start: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>
    /// Refuses, unless <paramref name="condition"/> holds, the first of <paramref name="options"/> the user gave explicitly
    /// (a default is not "given"): a usage error "--X <paramref name="why"/>", so an option the chosen mode or algorithm
    /// does not use is never silently ignored. <paramref name="why"/> reads like "applies only with ...; drop it or ...".
    /// </summary>
    public static void RefuseUnless(ParseResult result, bool condition, string why, params Option[] options)
    {
        if (condition) return;
        foreach (var option in options)
            if (result.GetResult(option) is { Implicit: false })
                throw new UsageException($"{option.Name} {why}");
    }

    /// <summary>Checks --threads: -1 (all) or >= 1.</summary>
    public static int CheckThreads(int threads) =>
        threads == -1 || threads >= 1 ? threads : throw new UsageException($"--threads must be >= 1 (got {threads})");

    /// <summary>Throws unless the file can be created in its folder (checked before long work starts).</summary>
    public static string CheckWritableFile(string option, string path)
    {
        CheckNotEmpty(option, path, "file");
        string full = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder))
            throw new UsageException($"{option}: cannot write to '{path}' (folder does not exist)");
        if (Directory.Exists(full))
            throw new UsageException($"{option}: '{path}' is a folder; give a file name");
        CheckRegularOrNew(option, full, path);
        string probe = Path.Combine(folder, $".critdiff-probe-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot write to '{path}' ({e.Message.TrimEnd('.')})");
        }
        return full;
    }

    /// <summary>
    /// Throws unless the path is new or an existing regular file: writing replaces the file, which would turn a device
    /// (/dev/null, /dev/full), a pipe or a socket into a regular file.
    /// </summary>
    public static void CheckRegularOrNew(string option, string full, string shown)
    {
        if (UnixFileType.IsSpecial(full))
            throw new UsageException($"{option}: '{shown}' is not a regular file (a device, pipe or socket); give a new path or a regular file");
    }

    private static void CheckNotEmpty(string option, string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UsageException($"{option} needs a {what} path (got an empty one)");
    }

    /// <summary>
    /// Creates the folder (and parents) or throws a usage error naming the option. Folders it creates are removed again
    /// if the command is refused (<see cref="CreatedFolders"/>).
    /// </summary>
    public static string CheckWritableFolder(string option, string path)
    {
        CheckNotEmpty(option, path, "folder");
        try
        {
            var info = CreatedFolders.Create(path);
            string probe = Path.Combine(info.FullName, $".critdiff-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return info.FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"{option}: cannot write to folder '{path}' ({e.Message.TrimEnd('.')})");
        }
    }
}
