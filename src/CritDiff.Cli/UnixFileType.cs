using System.Runtime.InteropServices;

namespace CritDiff.Cli;

/// <summary>The file type from POSIX stat(2) (.NET's FileAttributes do not tell a device or FIFO from a regular file).</summary>
internal static class UnixFileType
{
    private const uint TypeMask = 0xF000, Regular = 0x8000, Directory = 0x4000;

    /// <summary>True when the path exists (following links) and is neither a regular file nor a folder: a device, FIFO or socket.</summary>
    public static bool IsSpecial(string path)
    {
        if (OperatingSystem.IsWindows()) return false;
        int offset = ModeOffset();
        if (offset < 0) return false; // unknown layout: no check rather than a wrong one
        var buffer = new byte[512];
        if (Stat(path, buffer) != 0) return false; // does not exist (or cannot be read): the write reports it
        uint type = BitConverter.ToUInt32(buffer, offset) & TypeMask;
        return type is not (Regular or Directory);
    }

    /// <summary>Offset of st_mode in struct stat: glibc/musl x86-64 (after dev, ino, nlink) and the generic layout of arm64 (after dev, ino).</summary>
    private static int ModeOffset() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 when OperatingSystem.IsLinux() => 24,
        Architecture.Arm64 when OperatingSystem.IsLinux() => 16,
        Architecture.X64 or Architecture.Arm64 when OperatingSystem.IsMacOS() => 4, // st_dev is 32-bit, st_mode 16-bit next
        _ => -1,
    };

    // DllImport rather than LibraryImport: the source-generated stub needs unsafe code, which the project does not enable.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "stat", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Stat(string path, [Out] byte[] buffer);
#pragma warning restore SYSLIB1054
}
