using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Persistence;
using CritDiff.Tests.MonteCarlo;

namespace CritDiff.Tests.Persistence;

/// <summary>
/// Atomic writes (issue 24): a failed write leaves the old target and no temporary file; a temporary file left by a writer
/// killed mid-write (kill -9: its PID is gone) is removed by the next write of the same target, and only then.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Above Linux's largest pid_max (2^22): never a live process.</summary>
    private const int DeadPid = 99_999_999;

    private string Touch(string name)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, "stale");
        return path;
    }

    [Fact]
    public void StaleTemporariesOfDeadWritersOfTheSameTargetAreRemovedOthersKept()
    {
        string target = Path.Combine(_folder, "e.npy");
        string dead = Touch($"e.npy.tmp-{DeadPid}-0123abcd"), deadShort = Touch($"e.npy.tmp-{DeadPid}");
        string live = Touch("e.npy.tmp-1-0123abcd"); // PID 1 (init) is always running
        string own = Touch($"e.npy.tmp-{Environment.ProcessId}-0123abcd"); // a write in progress in this process
        string otherTarget = Touch($"f.npy.tmp-{DeadPid}-0123abcd"), sideCar = Touch($"e.npy.json.tmp-{DeadPid}-0123abcd");
        string unparsable = Touch("e.npy.tmp-notapid");
        // With the writer's host: this host's dead writer is judged; another host's PIDs mean nothing here (a cluster node).
        string deadHere = Touch($"e.npy.tmp-{DeadPid}-0123abcd-{Environment.MachineName}");
        string otherHost = Touch($"e.npy.tmp-{DeadPid}-0123abcd-not-{Environment.MachineName}");
        Assert.Equal(3, AtomicFile.RemoveStaleTemporaries(target));
        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(deadShort));
        Assert.False(File.Exists(deadHere));
        Assert.All(new[] { live, own, otherTarget, sideCar, unparsable, otherHost }, f => Assert.True(File.Exists(f), f));
    }

    [Fact]
    public void RerunningAnEnsembleWriteRemovesTheTemporariesOfAKilledOne()
    {
        // The case: kill -9 during 'ensemble' left e.npy.tmp-PID-GUID (and possibly its side-car's) for good.
        string path = Path.Combine(_folder, "e.npy");
        string npy = Touch($"e.npy.tmp-{DeadPid}-{Guid.NewGuid():N}"), json = Touch($"e.npy.json.tmp-{DeadPid}-{Guid.NewGuid():N}");
        var ensemble = EnsembleGenerator.Generate(new TestKernels.IsingMetropolis(SpinModel.AtBetaUnit(new Lattice(2, 4), 1, 0.3)),
            new EnsembleSettings(4, 16, 16, Chains: 1, Seed: 4));
        EnsembleFile.Write(path, ensemble);
        Assert.False(File.Exists(npy));
        Assert.False(File.Exists(json));
        Assert.Equal(["e.npy", "e.npy.json"], Directory.GetFiles(_folder).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NpyAndTextWritesAlsoRemoveStaleTemporaries()
    {
        string npy = Touch($"a.npy.tmp-{DeadPid}"), text = Touch($"a.json.tmp-{DeadPid}");
        NpyFile.Write(Path.Combine(_folder, "a.npy"), [1.0, 2.0], [2]);
        Checkpoint.WriteAtomic(Path.Combine(_folder, "a.json"), "{}\n");
        Assert.False(File.Exists(npy));
        Assert.False(File.Exists(text));
    }

    [Fact]
    public void AFailedWriteKeepsTheOldTargetAndLeavesNoTemporary()
    {
        string path = Path.Combine(_folder, "t.txt");
        File.WriteAllText(path, "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("No space left on device");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["t.txt"], Directory.GetFiles(_folder).Select(f => Path.GetFileName(f)!));
    }
}
