using System.Diagnostics;

namespace CritDiff.Tests.Launcher;

/// <summary>
/// The ./critdiff launcher under concurrent first use (issue 13: SLURM array tasks starting together on a fresh
/// checkout). A fake `dotnet` on PATH stands in for the real build (seconds instead of a minute): it fails, as
/// MSBuild does with MSB4018, when another build into the same folder is running, and counts the builds.
/// </summary>
public sealed class LauncherConcurrencyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-launcher-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string FakeDotnet = """
        #!/usr/bin/env bash
        if [ "$1" = build ] || [ "$1" = publish ]; then
          if ! mkdir "$FAKE_STATE/building" 2>/dev/null; then echo "error MSB4018: file in use" >&2; exit 1; fi
          while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done
          sleep 1
          mkdir -p "$out" && echo dll > "$out/critdiff.dll"
          echo build >> "$FAKE_STATE/builds"
          rmdir "$FAKE_STATE/building"
          exit 0
        fi
        echo "ran $*"
        """;

    [Fact]
    public async Task ThreeLaunchersStartedTogetherBuildOnceAndAllRun()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/flock")) return; // the launcher is a bash script for Linux clusters
        string root = Path.Combine(_folder, "repo"), bin = Path.Combine(_folder, "bin"), state = Path.Combine(_folder, "state");
        foreach (string d in new[] { Path.Combine(root, "src", "CritDiff.Cli"), bin, state }) Directory.CreateDirectory(d);
        File.Copy(Path.Combine(RepositoryFiles.Root(), "critdiff"), Path.Combine(root, "critdiff"));
        File.WriteAllText(Path.Combine(root, "src", "CritDiff.Cli", "Program.cs"), "// fake source\n");
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(root, "Directory.Packages.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(bin, "dotnet"), FakeDotnet.Replace("\r", ""));
        File.SetUnixFileMode(Path.Combine(bin, "dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(Path.Combine(root, "critdiff"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var launchers = Enumerable.Range(0, 3).Select(i =>
        {
            var start = new ProcessStartInfo("bash", [Path.Combine(root, "critdiff"), "--task", i.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
            start.Environment["FAKE_STATE"] = state;
            return Process.Start(start)!;
        }).ToArray();
        var outputs = launchers.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToArray();
        foreach (var p in launchers) Assert.True(p.WaitForExit(60_000), "launcher hung");
        for (int i = 0; i < 3; i++)
        {
            Assert.True(launchers[i].ExitCode == 0, await outputs[i].Err);
            Assert.Contains($"ran {Path.Combine(root, ".build", "cli", "critdiff.dll")} --task {i}", await outputs[i].Out);
        }
        Assert.Single(File.ReadAllLines(Path.Combine(state, "builds"))); // one build; the others waited for it
    }

}
