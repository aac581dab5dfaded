using CritDiff.Reporting;

namespace CritDiff.Tests; // as FigureTests: CritDiff.Tests.Reporting would hide CritDiff.Reporting in other test files

/// <summary>
/// Figures are written atomically (issue 24): a write that fails half-way (a full disk) leaves the earlier PNG and SVG
/// untouched, or none, and no temporary file; never a truncated image.
/// </summary>
public sealed class FigureAtomicWriteTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-figure-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Figure Make()
    {
        var figure = new Figure("steps", "L", "steps", logX: true, logY: true);
        figure.Add([8.0, 16, 32], [10.0, 40, 160], "a", 0);
        return figure;
    }

    /// <summary>A stream that accepts <paramref name="limit"/> bytes, then fails as a full disk does.</summary>
    private sealed class FullDisk(Stream inner, int limit) : Stream
    {
        private int _written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            int room = Math.Max(0, limit - _written);
            inner.Write(buffer, offset, Math.Min(room, count));
            _written += Math.Min(room, count);
            if (count > room) throw new IOException("No space left on device");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AFailedSaveLeavesTheOldFilesOrNoneAndNoTemporary(bool earlier)
    {
        if (earlier)
        {
            File.WriteAllText(Path.Combine(_folder, "steps.png"), "old png");
            File.WriteAllText(Path.Combine(_folder, "steps.svg"), "old svg");
        }
        Assert.Throws<IOException>(() => Make().Save(_folder, "steps", s => new FullDisk(s, 100)));
        var left = Directory.GetFiles(_folder).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();
        if (earlier)
        {
            Assert.Equal(["steps.png", "steps.svg"], left);
            Assert.Equal("old png", File.ReadAllText(Path.Combine(_folder, "steps.png")));
            Assert.Equal("old svg", File.ReadAllText(Path.Combine(_folder, "steps.svg")));
        }
        else Assert.Empty(left);
    }

    [Fact]
    public void TheSvgFailingLeavesACompletePngAndTheOldSvg()
    {
        File.WriteAllText(Path.Combine(_folder, "steps.svg"), "old svg");
        int files = 0;
        Assert.Throws<IOException>(() => Make().Save(_folder, "steps", s => ++files == 1 ? s : new FullDisk(s, 100)));
        var png = File.ReadAllBytes(Path.Combine(_folder, "steps.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal("IEND", System.Text.Encoding.ASCII.GetString(png, png.Length - 8, 4)); // the last chunk: not truncated
        Assert.Equal("old svg", File.ReadAllText(Path.Combine(_folder, "steps.svg")));
        Assert.Equal(2, Directory.GetFiles(_folder).Length);
    }

    [Fact]
    public void ASuccessfulSaveWritesBothFilesWhole()
    {
        Assert.Equal("steps.png", Make().Save(_folder, "steps"));
        Assert.Contains("</svg>", File.ReadAllText(Path.Combine(_folder, "steps.svg")));
        Assert.Equal(2, Directory.GetFiles(_folder).Length);
    }
}
