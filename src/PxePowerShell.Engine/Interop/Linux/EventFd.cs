using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary>An eventfd that wakes a thread sleeping in epoll_wait or io_uring_enter: created, signalled and drained (closed by <see cref="FileDescriptors.Close"/>).</summary>
internal static unsafe class EventFd
{
    private const int Cloexec = 0x80000;   // EFD_CLOEXEC
    private const int Nonblock = 0x800;    // EFD_NONBLOCK

    /// <summary>A non-blocking, close-on-exec eventfd; throws <see cref="SocketException"/> when the kernel refuses.</summary>
    public static int Create()
    {
        int fd = LibC.EventFd(0, Cloexec | Nonblock);
        return fd >= 0 ? fd : throw new SocketException(Marshal.GetLastPInvokeError());
    }

    /// <summary>Makes it readable (wakes the waiter).</summary>
    public static void Signal(int fd)
    {
        ulong one = 1;
        LibC.Write(fd, &one, sizeof(ulong));
    }

    /// <summary>Reads the counter back to zero (non-blocking).</summary>
    public static void Drain(int fd)
    {
        ulong value;
        LibC.Read(fd, &value, sizeof(ulong));
    }
}
