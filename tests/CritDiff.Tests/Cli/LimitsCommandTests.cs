namespace CritDiff.Tests.Cli;

/// <summary>Requests that would exhaust memory or run for days exit 2 up front, naming the option and the limit.</summary>
public sealed class LimitsCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-limits-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string> Oversized => new()
    {
        { "sample --d 2 --L 16384 --xi 2 --n 1 --out OUT/a.npy", "above the limit of 8 GiB" },
        { "sample --d 2 --L 1024 --xi 2 --n 2000 --out OUT/a.npy", "--n: N = 2000 configurations" },
        { "train --d 2 --L 8 --xi 2 --slices 100000000", "--slices must be in 1..10000" },
        { "train --d 2 --L 8 --xi 2 --max-steps 2000000000", "--max-steps must be in 1..100000000" },
        { "train --d 2 --L 8 --xi 2 --arch deep:100000", "D <= 64" },
        { "train --d 2 --L 8 --xi 2 --mode empirical --batch 2000000000", "--batch must be in 1..1000000" },
        { "train --d 2 --L 512 --xi 2 --mode empirical --batch 1000000", "--batch: a minibatch" },
        { "train --d 2 --L 20 --xi 2 --arch dense", "V <= 256" },
        { "mcmc --d 2 --L 8 --xi 2 --sweeps 2000000000", "--sweeps must be in 16..100000000" },
        { "mcmc --d 2 --L 8 --xi 2 --chains 100000000", "--chains must be in 1..4096" },
        { "mcmc --d 2 --L 8 --xi 2 --chains 4096 --sweeps 100000000", "--sweeps: 4096 chain(s)" },
        { "scaling --d 2 --L 8 --xi 2 --seeds 1000000000 --out OUT/s", "--seeds must be in 1..10000" },
        { "scaling --d 2 --L 8 --xi 2 --slices 100000000 --out OUT/s", "--slices must be in 1..10000" },
        { "generate --exact-score --d 2 --L 8 --xi 2 --n 2000000000", "--n: N x V" },
        { "generate --exact-score --d 2 --L 64 --xi 2 --n 500000", "--n: N = 500000 samples" },
        { "generate --exact-score --d 2 --L 8 --xi 2 --steps 2000000000", "--steps must be in 1..1000000" },
        { "stability --d 2 --L 8 --xi 2 --tolerance 1e-17 --out OUT/s.json", "--tolerance must be in [1e-6, 1]" },
    };

    [Theory]
    [MemberData(nameof(Oversized))]
    public void OversizedRequestExitsTwoUpFront(string line, string expected) =>
        Cli.AssertRefused(line.Replace("OUT", _folder, StringComparison.Ordinal).Split(' '), expected);

    [Fact]
    public void TrainWithoutTimeOrSlicesTrainsOneSliceAtScalingsDefaultTime()
    {
        var (code, output, error) = Cli.Run("train", "--d", "2", "--L", "8", "--xi", "2", "--json");
        Assert.True(code == 0, error);
        var slices = System.Text.Json.Nodes.JsonNode.Parse(output)!["slices"]!.AsArray();
        Assert.Single(slices);
        Assert.Equal(0.1, slices[0]!["t"]!.GetValue<double>());
        var (_, help, _) = Cli.Run("train", "--help");
        Assert.Contains("Default 0.1 unless --slices", help);
    }

    public static TheoryData<string, string> IgnoredOrMalformed => new()
    {
        { "generate --model /nonexistent-critdiff-model --schedule ve", "--schedule applies only with --exact-score" },
        { "generate --model /nonexistent-critdiff-model --slices 8", "--slices applies only with --exact-score" },
        { "generate --exact-score --d 2 --L 8 --xi 2 --arch two-layer", "--arch applies only with --train-budget" },
        { "scaling --d 2 --L 8 --xi 2 --arch one-layer,,two-layer --out OUT/s", "--arch has an empty item" },
        { "scaling --d 2 --L 8 --xi 2 --arch one-layer,one-layer --out OUT/s", "--arch lists an architecture twice" },
        { "scaling --d 2 --L 8,,16 --xi 2 --out OUT/s", "--L has an empty item" },
        { "scaling --d 2 --L 8 --xi 2 --optimizer sgd --out OUT/s", "--optimizer sgd needs --mode empirical" },
        { "scaling --d 2 --L 8 --xi 2 --t-min -1 --out OUT/s", "--t-min must" },
        { "scaling --d 2 --L 8 --xi 2 --t -1 --out OUT/s", "--t must" },
        { "scaling --d 2 --L 8 --xi 2 --arch one-layer-local:4 --out OUT/s", "--arch one-layer-local:4 at L = 8" },
        { "model --d 2 --L 8 --beta 1e-300", "--beta must be in [1e-4, 1e200] (got 1e-300)" },
        { "model --d 2 --L 8 --mass2 1e-320", "--mass2 must be in [1e-250, 1e4] (got 9.99989e-321)" },
        { "model --d 2 --L 8 --mass2 1e20", "--mass2 must be in [1e-250, 1e4] (got 1e+20)" },
        { "scaling --d 2 --L 4,8 --beta 1e-300 --out /tmp/critdiff-never-written", "--beta must be in [1e-4, 1e200] (got 1e-300)" },
        { "stability --d 2 --L 4,8 --mass2 1e20", "--mass2 must be in [1e-250, 1e4] (got 1e+20)" },
        { "sample --d 2 --L 8 --xi 1e-3 --n 2 --out OUT/a.npy", "--xi must be in [1e-2, 1e125] (got 0.001)" },
    };

    [Theory]
    [MemberData(nameof(IgnoredOrMalformed))]
    public void IgnoredOptionsAndMalformedListsExitTwo(string line, string expected) => OversizedRequestExitsTwoUpFront(line, expected);

    [Theory]
    [InlineData("/dev/null")]
    [InlineData("/dev/full")]
    [InlineData("FIFO")]
    public void OutNamingADeviceOrPipeExitsTwoAndLeavesItAlone(string target)
    {
        if (OperatingSystem.IsWindows()) return;
        string path = target == "FIFO" ? Path.Combine(_folder, "pipe.npy") : target;
        if (target == "FIFO")
        {
            using var mkfifo = System.Diagnostics.Process.Start("mkfifo", path);
            mkfifo.WaitForExit();
        }
        if (!File.Exists(path)) return; // no such device in this sandbox
        Assert.True(UnixFileTypeIsSpecial(path));
        OversizedRequestExitsTwoUpFront($"sample --d 2 --L 4 --xi 1 --n 2 --out {path}", "is not a regular file");
        OversizedRequestExitsTwoUpFront($"generate --exact-score --d 2 --L 4 --xi 1 --n 2 --out {path}", "is not a regular file");
        Assert.True(UnixFileTypeIsSpecial(path)); // still a device or pipe
    }

    [Fact]
    public void OutNamingARegularFileOrNewPathIsAccepted()
    {
        string existing = Path.Combine(_folder, "old.npy");
        File.WriteAllText(existing, "x");
        Assert.Equal(0, Cli.Run("sample", "--d", "2", "--L", "4", "--xi", "1", "--n", "2", "--out", existing).Code);
        Assert.Equal(0, Cli.Run("sample", "--d", "2", "--L", "4", "--xi", "1", "--n", "2", "--out", Path.Combine(_folder, "new.npy")).Code);
        Assert.False(UnixFileTypeIsSpecial(existing));
    }

    private static bool UnixFileTypeIsSpecial(string path) => CritDiff.Cli.UnixFileType.IsSpecial(path);
}
