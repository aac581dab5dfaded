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

    [RootOnLinuxFact]
    public void CriticalWithJobsFailingOnAFullDiskExitsThreeNotOne()
    {
        // The job files are written inside parallel jobs, whose failures come wrapped in an AggregateException.
        Assert.True(_mounted, $"could not mount a 64 KiB tmpfs on {_mount} as root");
        FillLeaving(4096); // one page: config.json fits, the first job file does not
        string run = Path.Combine(_mount, "critical");
        var (code, _, error) = Cli.Run("critical", "--model", "on", "--d", "2", "--L", "4,6", "--lower", "0.4", "--upper", "0.5", "--points", "3",
            "--sweeps", "16", "--thermalize", "0", "--chains", "1", "--threads", "1", "--out", run);
        Assert.True(code == 3, error);
        Assert.Contains("error: out of disk space", error);
        Assert.DoesNotContain("Exception", error);
        Assert.True(File.Exists(Path.Combine(run, "config.json")), "the disk filled before the jobs: the test checks nothing");
        Assert.Empty(Directory.GetFiles(run, "*.tmp-*", SearchOption.AllDirectories));
    }

    [RootOnLinuxFact]
    public void ScalingWhoseFiguresDoNotFitLeavesNoTruncatedFigure()
    {
        // The job and the CSV tables fit in 64 KiB, a 1440 x 960 PNG does not: it used to be left truncated.
        Assert.True(_mounted, $"could not mount a 64 KiB tmpfs on {_mount} as root");
        string run = Path.Combine(_mount, "scaling");
        var (code, _, error) = Cli.Run("scaling", "--d", "2", "--xi-over-L", "0.25", "--L", "6", "--arch", "one-layer", "--budget", "2",
            "--gen-slices", "2", "--out", run);
        Assert.True(code == 3, error);
        Assert.Contains("error: out of disk space", error);
        Assert.True(File.Exists(Path.Combine(run, "rows.csv")), "the disk filled before the figures: the test checks nothing");
        foreach (string png in Directory.GetFiles(run, "*.png"))
        {
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 12 && System.Text.Encoding.ASCII.GetString(bytes, bytes.Length - 8, 4) == "IEND", $"{png} is truncated");
        }
        foreach (string svg in Directory.GetFiles(run, "*.svg"))
            Assert.EndsWith("</svg>", File.ReadAllText(svg).TrimEnd(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(run, "*.tmp-*", SearchOption.AllDirectories));
    }

    /// <summary>Fills the tmpfs with one file, then gives back <paramref name="bytes"/>.</summary>
    private void FillLeaving(int bytes)
    {
        using var filler = new FileStream(Path.Combine(_mount, "filler"), FileMode.Create);
        var page = new byte[4096];
        try
        {
            while (true) filler.Write(page);
        }
        catch (IOException)
        {
            // full
        }
        filler.SetLength(Math.Max(0, filler.Length / 4096 * 4096 - bytes));
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
