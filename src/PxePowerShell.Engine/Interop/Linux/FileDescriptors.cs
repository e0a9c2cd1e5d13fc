using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary>Opening a host file without blocking and asking an open descriptor what kind of file it is.</summary>
internal static unsafe class FileDescriptors
{
    /// <summary>S_IFMT: the file type bits of a mode.</summary>
    public const int TypeMask = 0xF000;
    public const int Fifo = 0x1000;
    public const int CharacterDevice = 0x2000;
    public const int Directory = 0x4000;
    public const int BlockDevice = 0x6000;
    public const int RegularFile = 0x8000;
    public const int Socket = 0xC000;

    private const int ReadOnly = 0;
    private const int NoControllingTty = 0x100;
    private const int Nonblock = 0x800;
    private const int Cloexec = 0x80000;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 0x1C;   // stx_mode in struct statx (the same on every architecture)
    private const int StatxSize = 256;

    /// <summary>
    /// <c>open(O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)</c>: a FIFO without a writer, a tty or a device cannot
    /// hold the caller. The handle, or null with the errno.
    /// </summary>
    public static SafeFileHandle? OpenForReading(string path, out int errno)
    {
        int fd = LibC.Open(path, ReadOnly | Nonblock | NoControllingTty | Cloexec);
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Closes a descriptor the engine opened itself (an epoll instance, an eventfd).</summary>
    public static void Close(int fd) => LibC.Close(fd);

    /// <summary>The S_IFMT bits of an open descriptor (statx on it), or -1.</summary>
    public static int FileType(SafeFileHandle handle)
    {
        byte* buffer = stackalloc byte[StatxSize];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (LibC.Statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, StatxType, buffer) != 0)
            {
                return -1;
            }

            return *(ushort*)(buffer + StatxModeOffset) & TypeMask;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}
