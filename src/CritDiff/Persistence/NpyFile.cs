using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CritDiff.Persistence;

/// <summary>An array read from a NumPy <c>.npy</c> file: its shape and float64 values in C order.</summary>
public sealed record NpyArray(int[] Shape, double[] Data);

/// <summary>
/// NumPy <c>.npy</c> reading and writing (format versions 1.0, 2.0 and 3.0 read; 1.0 written, 2.0 when
/// the header needs more than 65535 bytes). Writes little-endian float64 in C order
/// (<c>'descr': '&lt;f8'</c>); reads <c>&lt;f8</c>, and <c>&lt;f4</c> widened to float64.
/// Writes are atomic: a temporary file in the same folder, then a rename.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes <paramref name="data"/> with <paramref name="shape"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ReadOnlySpan<double> data, ReadOnlySpan<int> shape)
    {
        long expected = 1;
        foreach (int n in shape)
        {
            if (n < 0) throw new ArgumentException("shape entries must be >= 0", nameof(shape));
            expected *= n;
        }
        if (expected != data.Length)
            throw new ArgumentException($"shape holds {expected} values but data has {data.Length}", nameof(data));
        string temporary = AtomicFile.TemporaryPath(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Write(stream, data, shape);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Writes the .npy bytes to a stream.</summary>
    public static void Write(Stream stream, ReadOnlySpan<double> data, ReadOnlySpan<int> shape)
    {
        string shapeText = shape.Length switch
        {
            0 => "()",
            1 => $"({shape[0]},)",
            _ => "(" + string.Join(", ", shape.ToArray()) + ")",
        };
        string dict = $"{{'descr': '<f8', 'fortran_order': False, 'shape': {shapeText}, }}";
        // Total of magic (6) + version (2) + length field (2 or 4) + header is a multiple of 64.
        int major = dict.Length + 1 + 10 > 65535 ? 2 : 1;
        int prefix = 6 + 2 + (major == 1 ? 2 : 4);
        int headerLength = (prefix + dict.Length + 1 + 63) / 64 * 64 - prefix;
        string header = dict.PadRight(headerLength - 1) + "\n";
        stream.Write(Magic);
        stream.WriteByte((byte)major);
        stream.WriteByte(0);
        Span<byte> length = stackalloc byte[4];
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)headerLength);
            stream.Write(length[..2]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)headerLength);
            stream.Write(length);
        }
        stream.Write(Encoding.ASCII.GetBytes(header));
        var buffer = new byte[8 * 8192];
        for (int start = 0; start < data.Length; start += 8192)
        {
            int n = Math.Min(8192, data.Length - start);
            for (int i = 0; i < n; i++)
                BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(8 * i), data[start + i]);
            stream.Write(buffer, 0, 8 * n);
        }
    }

    /// <summary>Reads a .npy file; throws <see cref="InvalidDataException"/> with a readable reason if it is not one we can use.</summary>
    public static NpyArray Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Read(stream);
    }

    /// <summary>Reads .npy bytes from a stream.</summary>
    public static NpyArray Read(Stream stream)
    {
        var head = new byte[8];
        ReadExactly(stream, head);
        if (!head.AsSpan(0, 6).SequenceEqual(Magic)) throw new InvalidDataException("not a .npy file (bad magic string)");
        int major = head[6];
        if (major is < 1 or > 3) throw new InvalidDataException($"unsupported .npy format version {major}.{head[7]}");
        var lengthBytes = new byte[major == 1 ? 2 : 4];
        ReadExactly(stream, lengthBytes);
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes)
            : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (headerLength > 1 << 24) throw new InvalidDataException("implausible .npy header length");
        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes);
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);

        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
            throw new InvalidDataException("malformed .npy header: " + header.Trim());
        if (fortran.Groups[1].Value == "True")
            throw new InvalidDataException("Fortran-ordered arrays are not supported: save with np.ascontiguousarray");
        string dtype = descr.Groups[1].Value;
        int itemSize = dtype switch
        {
            "<f8" => 8,
            "<f4" => 4,
            _ => throw new InvalidDataException($"unsupported dtype '{dtype}': need little-endian float64 ('<f8') or float32 ('<f4')"),
        };
        int[] shape = ParseShape(shapeMatch.Groups[1].Value);
        long count = 1;
        foreach (int n in shape) count *= n; // ParseShape bounds the product by Array.MaxLength
        long bytes = count * itemSize;
        // A header may claim more than the file holds: refuse before allocating for it.
        if (stream.CanSeek && stream.Length - stream.Position < bytes)
            throw new InvalidDataException($"truncated .npy file: the header's shape ({string.Join(", ", shape)}) needs {bytes} data bytes, the file holds {stream.Length - stream.Position}");
        var data = new double[count];
        var buffer = new byte[8 * 8192];
        for (long start = 0; start < count; start += 8192)
        {
            int n = (int)Math.Min(8192, count - start);
            var chunk = buffer.AsSpan(0, n * itemSize);
            try
            {
                stream.ReadExactly(chunk);
            }
            catch (EndOfStreamException)
            {
                throw new InvalidDataException("truncated .npy file");
            }
            for (int i = 0; i < n; i++)
                data[start + i] = itemSize == 8
                    ? BinaryPrimitives.ReadDoubleLittleEndian(chunk[(8 * i)..])
                    : BinaryPrimitives.ReadSingleLittleEndian(chunk[(4 * i)..]);
        }
        return new NpyArray(shape, data);
    }

    /// <summary>
    /// The dimensions of a header's shape tuple: whole numbers in 0..int.MaxValue whose product is at most
    /// <see cref="Array.MaxLength"/>; anything else (a negative or huge dimension, an overflowing product) throws
    /// <see cref="InvalidDataException"/> quoting the shape.
    /// </summary>
    private static int[] ParseShape(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[parts.Length];
        double product = 1;
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i].TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
                throw new InvalidDataException($"malformed .npy shape ({text.Trim()}): dimension {i} ('{parts[i]}') must be a whole number in 0..{int.MaxValue}");
            product *= shape[i];
        }
        if (product > Array.MaxLength)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"array too large: shape ({text.Trim()}) holds {product:G4} values, more than the {Array.MaxLength} one array can hold"));
        return shape;
    }

    private static void ReadExactly(Stream stream, byte[] buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("truncated .npy file");
        }
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
