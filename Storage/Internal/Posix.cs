using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ActorPager.Storage.Internal;

/// <summary>The few POSIX calls .NET does not expose: fsync of a directory, and SEEK_DATA to tell holes.</summary>
internal static partial class Posix
{
    /// <summary>open(2) flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC on Linux.</summary>
    private const int OpenDirectoryFlags = 0x0 | 0x10000 | 0x80000;

    /// <summary>lseek(2) whence SEEK_DATA on Linux.</summary>
    private const int SeekData = 3;

    /// <summary>errno ENXIO: no data at or after the offset.</summary>
    private const int ENXIO = 6;

    /// <summary>True where these calls are known to work (Linux).</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>
    /// fsync(2) on a directory, so that a file or directory created in it survives a machine crash
    /// (the entry lives in the directory, not in the file; fsync of the file alone does not
    /// persist it on every file system).
    /// </summary>
    /// <returns>Null on success or where unsupported; otherwise why it failed.</returns>
    public static string? SyncDirectory(string path)
    {
        if (!Supported)
        {
            return null;
        }

        int fd = Open(path, OpenDirectoryFlags);
        if (fd < 0)
        {
            return $"open directory '{path}': errno {Marshal.GetLastPInvokeError()}";
        }

        try
        {
            return FSync(fd) == 0 ? null : $"fsync directory '{path}': errno {Marshal.GetLastPInvokeError()}";
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Whether [offset, end) of a file holds no data: lseek(SEEK_DATA) finds none before end.
    /// Answers false where the file system cannot tell (EINVAL) or on other systems, so a store
    /// never calls written data a hole.
    /// </summary>
    public static bool IsHole(SafeFileHandle handle, long offset, long end)
    {
        if (!Supported)
        {
            return false;
        }

        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            long data = LSeek((int)handle.DangerousGetHandle(), offset, SeekData);
            if (data < 0)
            {
                return Marshal.GetLastPInvokeError() == ENXIO;
            }

            return data >= end;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>open(2).</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    /// <summary>fsync(2).</summary>
    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    /// <summary>close(2).</summary>
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>lseek(2), 64-bit offsets.</summary>
    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long LSeek(int fd, long offset, int whence);
}
