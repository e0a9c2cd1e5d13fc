using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PxePowerShell.Engine.Files;

/// <summary>
/// Opens a host file for reading only when it is a regular file, without ever blocking: on Linux the file is opened
/// with O_NONBLOCK (a FIFO with no writer would otherwise block open(2) for good) and the opened descriptor's type is
/// checked with statx(2) before anything reads it, so a FIFO, a device or a socket swapped in at any moment is refused.
/// Elsewhere (no FIFOs in a Windows file system) it is a plain <see cref="File.OpenHandle"/>.
/// </summary>
internal static partial class HostFileOpen
{
    private const int ONonBlock = 0x800;     // O_NONBLOCK (x86-64, arm64)
    private const int ONoCtty = 0x100;       // O_NOCTTY
    private const int OCloExec = 0x80000;    // O_CLOEXEC
    private const int AtEmptyPath = 0x1000;  // AT_EMPTY_PATH
    private const uint StatxType = 0x1;      // STATX_TYPE
    private const int StatxSize = 256;       // sizeof(struct statx)
    private const int StatxModeOffset = 28;  // offsetof(struct statx, stx_mode), the same on every architecture
    private const int TypeMask = 0xF000;     // S_IFMT
    private const int RegularFile = 0x8000;  // S_IFREG
    private const int Enoent = 2, Enotdir = 20, Eloop = 40;

    /// <summary>
    /// Opens <paramref name="path"/> for reading. Returns <see cref="BootFileStatus.Ok"/> and the handle, or a refusal
    /// with its reason (not found, not readable, or not a regular file).
    /// </summary>
    public static BootFileStatus OpenRegularFile(string path, out SafeFileHandle? handle, out string? reason)
    {
        handle = null;
        reason = null;
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                return BootFileStatus.Ok;
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return BootFileStatus.NotFound;
            }
            catch (UnauthorizedAccessException)
            {
                reason = "the file is not readable";
                return BootFileStatus.AccessDenied;
            }
            catch (IOException ex)
            {
                reason = ex.Message;
                return BootFileStatus.AccessDenied;
            }
        }

        int fd = Open(path, ONonBlock | ONoCtty | OCloExec);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Enoent or Enotdir)
            {
                return BootFileStatus.NotFound;
            }

            reason = errno == Eloop ? "the path holds a looping link" : $"the file is not readable ({Marshal.GetPInvokeErrorMessage(errno)})";
            return BootFileStatus.AccessDenied;
        }

        var opened = new SafeFileHandle(fd, ownsHandle: true);
        int type = FileType(fd);
        if (type != RegularFile)
        {
            opened.Dispose();
            reason = $"not a regular file ({Describe(type)}): only regular files are served";
            return BootFileStatus.AccessDenied;
        }

        handle = opened;
        return BootFileStatus.Ok;
    }

    private static unsafe int FileType(int fd)
    {
        byte* buffer = stackalloc byte[StatxSize];
        if (Statx(fd, string.Empty, AtEmptyPath, StatxType, buffer) != 0)
        {
            return -1;
        }

        return *(ushort*)(buffer + StatxModeOffset) & TypeMask;
    }

    private static string Describe(int type) => type switch
    {
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xC000 => "a socket",
        0x4000 => "a directory",
        _ => "its type could not be read",
    };

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
