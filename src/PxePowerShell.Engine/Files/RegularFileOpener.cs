using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PxePowerShell.Engine.Files;

/// <summary>
/// Opens a host file for reading only when it is a regular file, without ever blocking: on Linux the open is
/// <c>open(O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)</c> (a FIFO without a writer, a tty or a device cannot hold the
/// caller), then <c>statx</c> on the opened descriptor refuses anything that is not a regular file (FIFOs, sockets,
/// character and block devices) before a byte is read. O_NONBLOCK has no effect on reads of a regular file.
/// Elsewhere the file's attributes are checked before a normal open.
/// </summary>
internal static partial class RegularFileOpener
{
    private const int ORdOnly = 0;
    private const int ONoctty = 0x100;
    private const int ONonblock = 0x800;
    private const int OCloexec = 0x80000;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 0x1C;   // stx_mode in struct statx (the same on every architecture)
    private const int StatxSize = 256;
    private const int SIfmt = 0xF000;
    private const int SIfreg = 0x8000;
    private const int SIfdir = 0x4000;
    private const int Enoent = 2;
    private const int Eacces = 13;
    private const int Enotdir = 20;
    private const int Eloop = 40;

    /// <summary>
    /// Opens <paramref name="path"/>; on success the handle, else a status and reason (not found, a directory, or
    /// refused as not a regular file or not readable).
    /// </summary>
    public static BootFileStatus Open(string path, out SafeFileHandle? handle, out string? reason)
    {
        handle = null;
        reason = null;
        if (!OperatingSystem.IsLinux())
        {
            return OpenPortable(path, out handle, out reason);
        }

        int fd = OpenFile(path, ORdOnly | ONonblock | ONoctty | OCloexec);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            (var status, reason) = errno switch
            {
                Enoent or Enotdir => (BootFileStatus.NotFound, "file not found"),
                Eacces => (BootFileStatus.AccessDenied, "the file is not readable"),
                Eloop => (BootFileStatus.AccessDenied, "the path holds a looping link"),
                _ => (BootFileStatus.AccessDenied, $"the file cannot be opened (errno {errno})"),
            };
            return status;
        }

        var opened = new SafeFileHandle(fd, ownsHandle: true);
        int type = FileType(opened);
        if (type == SIfreg)
        {
            handle = opened;
            return BootFileStatus.Ok;
        }

        opened.Dispose();
        if (type == SIfdir)
        {
            reason = "the path is a directory";
            return BootFileStatus.IsDirectory;
        }

        reason = $"not a regular file ({Describe(type)}): only regular files are served";
        return BootFileStatus.AccessDenied;
    }

    private static string Describe(int type) => type switch
    {
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => "its type could not be read",
    };

    /// <summary>The S_IFMT bits of an open descriptor, or -1.</summary>
    private static unsafe int FileType(SafeFileHandle handle)
    {
        byte* buffer = stackalloc byte[StatxSize];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (Statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, StatxType, buffer) != 0)
            {
                return -1;
            }

            return *(ushort*)(buffer + ModeOffset) & SIfmt;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static BootFileStatus OpenPortable(string path, out SafeFileHandle? handle, out string? reason)
    {
        handle = null;
        reason = null;
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            reason = Directory.Exists(path) ? "the path is a directory" : "file not found";
            return Directory.Exists(path) ? BootFileStatus.IsDirectory : BootFileStatus.NotFound;
        }

        if ((info.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) != 0)
        {
            reason = "not a regular file (a FIFO, socket or device is never served)";
            return BootFileStatus.AccessDenied;
        }

        handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return BootFileStatus.Ok;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
