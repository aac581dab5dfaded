using System.Diagnostics;

namespace CritDiff.Tests.Launcher;

/// <summary>
/// The ./critdiff launcher: concurrent first use (issue 13: SLURM array tasks starting together on a fresh checkout), one
/// native build per kind of CPU and the portable build where the native one fails (issue 14). A fake `dotnet` on PATH
/// stands in for the real build (seconds instead of a minute): it fails, as MSBuild does with MSB4018, when another build
/// into the same folder is running, counts the builds, and writes a native executable or a .dll as asked; a fake
/// `clang` makes the native build possible whatever compilers the machine has.
/// </summary>
public sealed class LauncherConcurrencyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-launcher-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string FakeDotnet = """
        #!/usr/bin/env bash
        if [ "$1" = build ] || [ "$1" = publish ]; then
          if ! mkdir "$FAKE_STATE/building" 2>/dev/null; then echo "error MSB4018: file in use" >&2; exit 1; fi
          native=no
          while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; [ "$1" = -p:PublishAot=true ] && native=yes; shift; done
          sleep 1
          if [ $native = yes ] && [ -n "${FAKE_NATIVE_FAILS:-}" ]; then rmdir "$FAKE_STATE/building"; echo "error: no ILCompiler" >&2; exit 1; fi
          mkdir -p "$out"
          if [ $native = yes ]; then
            printf '#!/usr/bin/env bash\necho "native ran $0 $*"\n' > "$out/critdiff" && chmod +x "$out/critdiff"
          else
            echo dll > "$out/critdiff.dll"
          fi
          echo "build $native" >> "$FAKE_STATE/builds"
          rmdir "$FAKE_STATE/building"
          exit 0
        fi
        echo "ran $*"
        """;

    private string _root = "", _bin = "", _state = "";

    /// <summary>A repository with the real launcher and fake sources, the fake dotnet and clang, and a state folder.</summary>
    private void Prepare()
    {
        _root = Path.Combine(_folder, "repo");
        _bin = Path.Combine(_folder, "bin");
        _state = Path.Combine(_folder, "state");
        foreach (string d in new[] { Path.Combine(_root, "src", "CritDiff.Cli"), _bin, _state }) Directory.CreateDirectory(d);
        File.Copy(Path.Combine(RepositoryFiles.Root(), "critdiff"), Path.Combine(_root, "critdiff"));
        File.WriteAllText(Path.Combine(_root, "src", "CritDiff.Cli", "Program.cs"), "// fake source\n");
        File.WriteAllText(Path.Combine(_root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(_root, "Directory.Packages.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(_bin, "dotnet"), FakeDotnet.Replace("\r", ""));
        File.WriteAllText(Path.Combine(_bin, "clang"), "#!/usr/bin/env bash\nexit 0\n");
        foreach (string f in new[] { Path.Combine(_bin, "dotnet"), Path.Combine(_bin, "clang"), Path.Combine(_root, "critdiff") })
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(_root, "critdiff"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PATH"] = _bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["FAKE_STATE"] = _state;
        foreach (var (k, v) in environment) start.Environment[k] = v;
        return Process.Start(start)!;
    }

    /// <summary>Runs the launcher to the end: exit code, stdout, stderr.</summary>
    private (int Code, string Out, string Err) Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var p = Start(environment, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "launcher hung");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private string CpuInfo(string name, string flags)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, $"processor\t: 0\nvendor_id\t: Fake\nflags\t\t: {flags}\nbugs\t\t:\n\nprocessor\t: 1\nflags\t\t: {flags}\n");
        return path;
    }

    private string[] Builds() => File.ReadAllLines(Path.Combine(_state, "builds"));

    private static bool LauncherRuns => OperatingSystem.IsLinux() && File.Exists("/usr/bin/flock"); // a bash script for Linux clusters

    [Fact]
    public async Task ThreeLaunchersStartedTogetherBuildOnceAndAllRun()
    {
        if (!LauncherRuns) return;
        Prepare();
        var launchers = Enumerable.Range(0, 3)
            .Select(i => Start(new Dictionary<string, string>(), "--task", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var outputs = launchers.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToArray();
        foreach (var p in launchers) Assert.True(p.WaitForExit(60_000), "launcher hung");
        for (int i = 0; i < 3; i++)
        {
            Assert.True(launchers[i].ExitCode == 0, await outputs[i].Err);
            Assert.Contains($"native ran {Path.Combine(_root, ".build", "cpu-0", "bin", "critdiff")} --task {i}", await outputs[i].Out);
        }
        Assert.Equal(["build yes"], Builds()); // one build; the others waited for it
    }

    [Fact]
    public void EachKindOfCpuGetsItsOwnBuildAndReusesIt()
    {
        if (!LauncherRuns) return;
        Prepare();
        var older = new Dictionary<string, string> { ["CRITDIFF_CPUINFO"] = CpuInfo("older", "fpu sse2 avx2") };
        var newer = new Dictionary<string, string> { ["CRITDIFF_CPUINFO"] = CpuInfo("newer", "fpu sse2 avx2 avx512f") };
        var first = Run(older, "a");
        Assert.True(first.Code == 0, first.Err);
        Assert.Contains($"native ran {Path.Combine(_root, ".build", "cpu-0", "bin", "critdiff")} a", first.Out);
        var second = Run(newer, "b");
        Assert.True(second.Code == 0, second.Err);
        Assert.Contains($"native ran {Path.Combine(_root, ".build", "cpu-1", "bin", "critdiff")} b", second.Out);
        var again = Run(older, "c");
        Assert.Contains($"native ran {Path.Combine(_root, ".build", "cpu-0", "bin", "critdiff")} c", again.Out);
        Assert.Equal("", again.Err); // no build message
        Assert.Equal(["build yes", "build yes"], Builds());
        Assert.Equal("fpu sse2 avx2 avx512f", File.ReadAllText(Path.Combine(_root, ".build", "cpu-1", "cpu")).TrimEnd('\n'));
        // A build whose executable is gone is made again, in its folder.
        Directory.Delete(Path.Combine(_root, ".build", "cpu-0", "bin"), recursive: true);
        Assert.Contains($"native ran {Path.Combine(_root, ".build", "cpu-0", "bin", "critdiff")} d", Run(older, "d").Out);
        Assert.Equal(["build yes", "build yes", "build yes"], Builds());
    }

    [Fact]
    public void AFailedNativeBuildFallsBackToThePortableOneAndTheJitSettingAsksForIt()
    {
        if (!LauncherRuns) return;
        Prepare();
        var cpu = CpuInfo("cpu", "fpu sse2");
        var failed = Run(new Dictionary<string, string> { ["CRITDIFF_CPUINFO"] = cpu, ["FAKE_NATIVE_FAILS"] = "1" }, "x");
        Assert.True(failed.Code == 0, failed.Err);
        Assert.Contains("the native build failed", failed.Err);
        Assert.Contains($"ran {Path.Combine(_root, ".build", "cpu-0", "bin", "critdiff.dll")} x", failed.Out);
        Assert.Equal(["build no"], Builds()); // the failed native build wrote nothing
        // Asked again for the native kind: the portable build stands (no retry on every run).
        Assert.Equal("", Run(new Dictionary<string, string> { ["CRITDIFF_CPUINFO"] = cpu }, "y").Err);
        // The other kind asked for: rebuilt as that kind, in the same CPU folder.
        var jit = Run(new Dictionary<string, string> { ["CRITDIFF_CPUINFO"] = cpu, ["CRITDIFF_BUILD"] = "jit" }, "z");
        Assert.True(jit.Code == 0, jit.Err);
        Assert.Contains($"ran {Path.Combine(_root, ".build", "cpu-0", "bin", "critdiff.dll")} z", jit.Out);
        Assert.Equal(["build no", "build no"], Builds());
        var bad = Run(new Dictionary<string, string> { ["CRITDIFF_BUILD"] = "fast" }, "w");
        Assert.Equal(2, bad.Code);
        Assert.Contains("CRITDIFF_BUILD must be native or jit", bad.Err);
    }
}
