using System.Diagnostics;

namespace CritDiff.Tests.Cli;

/// <summary>A full disk gives a clear message and leaves no half-written run folder (needs a 64 KiB tmpfs: root on Linux).</summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly string _mount = Directory.CreateTempSubdirectory("critdiff-tiny-").FullName;
    private readonly bool _mounted;

    public DiskFullTests() => _mounted = OperatingSystem.IsLinux() && Exec("mount", $"-t tmpfs -o size=64k tmpfs {_mount}");

    public void Dispose()
    {
        if (_mounted) Exec("umount", _mount);
        Directory.Delete(_mount, recursive: true);
    }

    private static bool Exec(string file, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    [RootOnLinuxFact]
    public void TrainOnAFullDiskExitsThreeAndRemovesTheRunFolder()
    {
        // Root on Linux can mount a tmpfs; if it could not, the test must fail rather than pass without checking anything.
        Assert.True(_mounted, $"could not mount a 64 KiB tmpfs on {_mount} as root");
        string run = Path.Combine(_mount, "run");
        var (code, _, error) = Cli.Run("train", "--d", "2", "--L", "32", "--xi", "2", "--slices", "8", "--out", run);
        Assert.True(code == 3, error);
        Assert.Contains("error: out of disk space", error);
        Assert.DoesNotContain("Exception", error);
        Assert.False(Directory.Exists(run), "the half-written run folder was left behind");
    }
}

/// <summary>A fact that needs root on Linux (to mount a tmpfs); elsewhere it is reported as skipped, not passed.</summary>
public sealed class RootOnLinuxFactAttribute : FactAttribute
{
    /// <summary>Skips unless running as root on Linux.</summary>
    public RootOnLinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            Skip = "needs root on Linux (mounts a 64 KiB tmpfs)";
    }
}
