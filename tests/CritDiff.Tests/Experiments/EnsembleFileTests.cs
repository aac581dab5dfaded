using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Persistence;
using CritDiff.Tests.MonteCarlo;

namespace CritDiff.Tests.Experiments;

/// <summary>
/// Ensemble files: the .npy shape is [N, L..L] for n = 1 and [N, n, L..L] for n > 1 (checked with the plain .npy reader),
/// the side-car carries model, algorithm, seed, spacing, tau_int and observables, mismatches are refused, and a writer that
/// throws half-way leaves nothing behind.
/// </summary>
public sealed class EnsembleFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-ensemble-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Ensemble Ising(int count = 24) =>
        EnsembleGenerator.Generate(new TestKernels.IsingMetropolis(SpinModel.AtBetaUnit(new Lattice(2, 4), 1, 0.3)),
            new EnsembleSettings(count, 50, 200, Chains: 2, Seed: 4));

    private static Ensemble Heisenberg(int count = 10) =>
        EnsembleGenerator.Generate(new TestKernels.SpinMetropolis(SpinModel.AtBetaUnit(new Lattice(3, 2), 3, 0.5)),
            new EnsembleSettings(count, 50, 100, Chains: 3, Seed: 5));

    [Fact]
    public void OneComponentRoundTripHasShapeNLL()
    {
        var ensemble = Ising();
        string path = Path.Combine(_folder, "ising.npy");
        EnsembleFile.Write(path, ensemble);
        Assert.Equal([24, 4, 4], NpyFile.Read(path).Shape);
        var data = EnsembleFile.Read(path);
        Assert.Equal(ensemble.Configurations, data.Configurations);
        Assert.Equal((24, 1, new Lattice(2, 4)), (data.Count, data.Components, data.Lattice));
        var json = JsonNode.Parse(File.ReadAllText(path + ".json"))!;
        Assert.Equal("critdiff-ensemble", (string?)json["format"]);
        Assert.Equal("on", (string?)json["model"]!["kind"]);
        Assert.Equal(1, (int?)json["model"]!["n"]);
        Assert.Equal(2, (int?)json["model"]!["d"]);
        Assert.Equal(4, (int?)json["model"]!["L"]);
        Assert.Equal(0.3, (double?)json["model"]!["beta_unit"]);
        Assert.Equal("test-ising-metropolis", (string?)json["algo"]);
        Assert.Equal(4UL, (ulong?)json["seed"]);
        Assert.Equal("ising.npy", (string?)json["npy"]);
        Assert.Equal([24, 4, 4], json["shape"]!.AsArray().Select(x => (int)x!).ToArray());
        // The documented spacing rule, recomputed from the side-car's own tau_int values.
        double tau = Math.Max((double)json["tau_int"]!["magnetisation_squared"]!["value"]!, (double)json["tau_int"]!["energy"]!["value"]!);
        Assert.Equal((int)Math.Max(1, Math.Ceiling(2 * tau)), (int)json["spacing"]!);
        foreach (string name in new[] { "magnetisation", "susceptibility", "binder", "xi2", "energy" })
            Assert.NotNull(json["observables"]![name]!["value"]);
        data.CheckModel(SpinModel.AtBetaUnit(new Lattice(2, 4), 1, 0.3));
    }

    [Fact]
    public void ManyComponentRoundTripHasShapeNnLLL()
    {
        var ensemble = Heisenberg();
        string path = Path.Combine(_folder, "o3.npy");
        EnsembleFile.Write(path, ensemble);
        Assert.Equal([10, 3, 2, 2, 2], NpyFile.Read(path).Shape);
        var data = EnsembleFile.Read(path);
        Assert.Equal(ensemble.Configurations, data.Configurations);
        Assert.Equal(3, data.Components);
        var model = data.Model!.Build();
        Assert.Equal(ensemble.Model, model);
        // Component-major: configuration 1, component 2, site 5 sits at [1, 2, x] of the array.
        Assert.Equal(ensemble.Configurations[1 * 24 + 2 * 8 + 5], data.Configuration(1)[2 * 8 + 5]);
        var bare = EnsembleFile.ReadBare(path, 3);
        Assert.Equal((10, 3), (bare.Count, bare.Components));
    }

    [Fact]
    public void MismatchedModelIsRefused()
    {
        string path = Path.Combine(_folder, "ising.npy");
        EnsembleFile.Write(path, Ising());
        var data = EnsembleFile.Read(path);
        var lattice = new Lattice(2, 4);
        Assert.Throws<InvalidDataException>(() => data.CheckModel(SpinModel.AtBetaUnit(lattice, 1, 0.31)));
        Assert.Throws<InvalidDataException>(() => data.CheckModel(SpinModel.AtBetaUnit(new Lattice(2, 8), 1, 0.3)));
        Assert.Throws<InvalidDataException>(() => data.CheckModel(SpinModel.AtBetaUnit(lattice, 2, 0.3)));
        Assert.Throws<InvalidDataException>(() => data.CheckModel(new Phi4Model(lattice, 1, 0.15, 1)));
    }

    [Fact]
    public void ArrayThatIsNotTheSideCarsIsRefused()
    {
        string path = Path.Combine(_folder, "ising.npy");
        EnsembleFile.Write(path, Ising());
        NpyFile.Write(path, new double[24 * 16], [24, 16]); // same values count, other shape, no new side-car
        Assert.Throws<InvalidDataException>(() => EnsembleFile.Read(path));
        var e = Assert.Throws<InvalidDataException>(() => EnsembleFile.Read(path, verifyChecksum: false));
        Assert.Contains("shape", e.Message, StringComparison.Ordinal);
        File.Delete(path + ".json");
        Assert.Throws<InvalidDataException>(() => EnsembleFile.Read(path));
    }

    [Fact]
    public void WriterThatThrowsLeavesNothingAndKeepsTheOldEnsemble()
    {
        string path = Path.Combine(_folder, "ising.npy");
        var bigger = Ising(200);
        var sideCar = EnsembleSideCar.Of(bigger);
        Assert.Throws<IOException>(() => EnsembleFile.Write(path, sideCar, bigger.Configurations, s => new FailingStream(s, 1000)));
        Assert.Empty(Directory.GetFiles(_folder));

        var old = Ising();
        EnsembleFile.Write(path, old);
        Assert.Throws<IOException>(() => EnsembleFile.Write(path, sideCar, bigger.Configurations, s => new FailingStream(s, 1000)));
        Assert.Equal(2, Directory.GetFiles(_folder).Length); // ising.npy and ising.npy.json, no temporaries
        Assert.Equal(old.Configurations, EnsembleFile.Read(path).Configurations);
    }

    [Fact]
    public void InterpretsBothLayouts()
    {
        Assert.Equal((5, 1, new Lattice(2, 8)), EnsembleFile.Interpret([5, 8, 8], 2));
        Assert.Equal((5, 3, new Lattice(2, 8)), EnsembleFile.Interpret([5, 3, 8, 8], 2));
        Assert.Equal((5, 1, new Lattice(3, 3)), EnsembleFile.Interpret([5, 3, 3, 3], 3));
        Assert.Throws<InvalidDataException>(() => EnsembleFile.Interpret([5, 8, 4], 2));
        Assert.Throws<InvalidDataException>(() => EnsembleFile.Interpret([5, 8], 2));
    }

    [Fact]
    public void GeneratorIsThreadIndependentAndSplitsCountOverChains()
    {
        var model = SpinModel.AtBetaUnit(new Lattice(2, 4), 1, 0.3);
        var one = EnsembleGenerator.Generate(new TestKernels.IsingMetropolis(model), new EnsembleSettings(7, 10, 32, Chains: 3, Seed: 1, Threads: 1));
        var many = EnsembleGenerator.Generate(new TestKernels.IsingMetropolis(model), new EnsembleSettings(7, 10, 32, Chains: 3, Seed: 1, Threads: 3));
        Assert.Equal(one.Configurations, many.Configurations);
        Assert.Equal(7 * 16, one.Configurations.Length);
        Assert.Equal([3, 2, 2], Enumerable.Range(0, 3).Select(one.Settings.CountOf).ToArray());
    }

    /// <summary>A write-only stream that throws after <c>limit</c> bytes (a full disk, a kill).</summary>
    private sealed class FailingStream(Stream inner, long limit) : Stream
    {
        private long _written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_written + count > limit) throw new IOException("disk full (test)");
            inner.Write(buffer, offset, count);
            _written += count;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > limit) throw new IOException("disk full (test)");
            inner.Write(buffer);
            _written += buffer.Length;
        }
    }
}
