using System.Text;
using CritDiff.Experiments;
using CritDiff.Persistence;

namespace CritDiff.Tests.Persistence;

public class NpyFileTests
{
    // Bytes written by NumPy 1.24.2: np.save(f, np.arange(6.).reshape(2, 3)) and np.save(f, np.arange(3, dtype='<f4')).
    private const string NumpyFloat64 =
        "934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000000000000000000000000f03f0000000000000040000000000000084000000000000010400000000000001440";
    private const string NumpyFloat32 =
        "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000803f00000040";

    [Fact]
    public void WritesTheSameBytesAsNumPy()
    {
        using var stream = new MemoryStream();
        NpyFile.Write(stream, [0.0, 1, 2, 3, 4, 5], [2, 3]);
        Assert.Equal(NumpyFloat64, Convert.ToHexStringLower(stream.ToArray()));
    }

    [Fact]
    public void ReadsNumPyFiles()
    {
        var a = NpyFile.Read(new MemoryStream(Convert.FromHexString(NumpyFloat64)));
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal([0.0, 1, 2, 3, 4, 5], a.Data);
        var b = NpyFile.Read(new MemoryStream(Convert.FromHexString(NumpyFloat32)));
        Assert.Equal([3], b.Shape);
        Assert.Equal([0.0, 1, 2], b.Data);
    }

    [Fact]
    public void RoundTripsThroughAFileWithHeaderPerSpecification()
    {
        string path = Path.Combine(Path.GetTempPath(), $"critdiff-npy-{Guid.NewGuid():N}.npy");
        try
        {
            var data = Enumerable.Range(0, 2 * 4 * 4 * 4).Select(i => Math.Sin(i) * 1e-300 + i * Math.PI).ToArray();
            NpyFile.Write(path, data, [2, 4, 4, 4]);
            var bytes = File.ReadAllBytes(path);
            // Format 1.0: magic, version 1.0, little-endian uint16 header length, header ending in '\n',
            // data start aligned to 64 bytes.
            Assert.Equal(0x93, bytes[0]);
            Assert.Equal("NUMPY", Encoding.ASCII.GetString(bytes, 1, 5));
            Assert.Equal(1, bytes[6]);
            int headerLength = bytes[8] | bytes[9] << 8;
            Assert.Equal(0, (10 + headerLength) % 64);
            string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
            Assert.EndsWith("\n", header);
            Assert.Contains("'shape': (2, 4, 4, 4)", header);
            Assert.Equal(10 + headerLength + 8 * data.Length, bytes.Length);
            var back = NpyFile.Read(path);
            Assert.Equal([2, 4, 4, 4], back.Shape);
            Assert.Equal(data, back.Data);
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + ".tmp-*"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadsVersionTwoHeaders()
    {
        string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
        header = header.PadRight(64 - 12 - 1) + "\n";
        using var stream = new MemoryStream();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0]);
        stream.Write(BitConverter.GetBytes((uint)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(BitConverter.GetBytes(1.5));
        stream.Write(BitConverter.GetBytes(-2.5));
        stream.Position = 0;
        var a = NpyFile.Read(stream);
        Assert.Equal([1.5, -2.5], a.Data);
    }

    [Theory]
    [InlineData("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", "dtype")]
    [InlineData("{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }", "Fortran")]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", "dtype")]
    public void RejectsUnsupportedArraysWithReason(string dict, string reason)
    {
        using var stream = new MemoryStream();
        string header = dict.PadRight(118 - 1) + "\n";
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0]);
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(new byte[8]);
        stream.Position = 0;
        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(stream));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void RejectsTruncatedAndForeignFiles()
    {
        var bytes = Convert.FromHexString(NumpyFloat64);
        Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(bytes[..^4])));
        Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(Encoding.ASCII.GetBytes("hello world, not npy"))));
    }
}
