using System.Diagnostics;

namespace CritDiff.Benchmarks;

/// <summary>Compiles and runs a single-file C reference under bench/c (gcc -O3 -march=native), as spin-updates does.</summary>
internal static class NativeReference
{
    /// <summary>
    /// Compiles bench/c/<paramref name="file"/> with gcc -O3 -march=native plus <paramref name="flags"/> into a temporary
    /// executable, linking <paramref name="libraries"/> (after the source, as the linker needs); null without gcc or the source.
    /// </summary>
    public static string? Compile(string file, string flags = "", string libraries = "")
    {
        string? source = Find(file);
        if (source is null) return null;
        string output = Path.Combine(Path.GetTempPath(), $"critdiff-{Path.GetFileNameWithoutExtension(file)}{flags.Replace(" ", "").Replace("-", "_")}-{Environment.ProcessId}");
        try
        {
            Run("gcc", $"-O3 -march=native {flags} -o \"{output}\" \"{source}\" {libraries} -lm");
            return output;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Console.WriteLine($"gcc failed: {e.Message}");
            return null;
        }
    }

    /// <summary>Runs a program and returns its standard output; throws on a non-zero exit.</summary>
    public static string Run(string file, string arguments)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}: {stderr}");
        return stdout;
    }

    /// <summary>The value of "name=value" in a line of key=value fields.</summary>
    public static string Field(string output, string name) =>
        output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Single(f => f.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    private static string? Find(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "bench", "c", file);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
