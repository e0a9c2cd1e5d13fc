using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary>
/// epoll: an instance, registrations carrying a 64-bit tag, and the events a wait returns (read from a raw
/// buffer, because the layout of <c>struct epoll_event</c> depends on the architecture).
/// </summary>
internal static unsafe class Epoll
{
    public const int CtlAdd = 1;
    public const int CtlDel = 2;
    public const uint In = 0x001;
    public const uint Err = 0x008;
    public const uint Hup = 0x010;
    private const int Cloexec = 0x80000;   // EPOLL_CLOEXEC == O_CLOEXEC

    /// <summary>
    /// sizeof(struct epoll_event): the struct is packed (12 bytes) on x86 and x86-64 and naturally aligned
    /// (16 bytes) elsewhere, so events are read from a raw buffer at this stride.
    /// </summary>
    public static readonly int EventSize =
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;

    /// <summary>A close-on-exec epoll instance; throws <see cref="SocketException"/> when the kernel refuses.</summary>
    public static int Create()
    {
        int fd = LibC.EpollCreate1(Cloexec);
        return fd >= 0 ? fd : throw new SocketException(Marshal.GetLastPInvokeError());
    }

    /// <summary>epoll_ctl with an event of <paramref name="events"/> carrying <paramref name="data"/>; returns 0 or errno.</summary>
    public static int Control(int epfd, int op, int fd, uint events, ulong data)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = events;
        // epoll_data follows the 4-byte events field: at offset 4 when packed, 8 when aligned.
        *(ulong*)(ev + EventSize - 8) = data;
        return LibC.EpollCtl(epfd, op, fd, ev) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// epoll_wait into <paramref name="events"/> (room for <paramref name="maxEvents"/> of <see cref="EventSize"/>):
    /// the number of events, or -errno.
    /// </summary>
    public static int Wait(int epfd, byte* events, int maxEvents, int timeout)
    {
        int count = LibC.EpollWait(epfd, events, maxEvents, timeout);
        return count >= 0 ? count : -Marshal.GetLastPInvokeError();
    }

    /// <summary>Reads event <paramref name="index"/> from an epoll_wait buffer.</summary>
    public static ulong EventData(byte* events, int index, out uint flags)
    {
        byte* ev = events + (index * EventSize);
        flags = *(uint*)ev;
        return *(ulong*)(ev + EventSize - 8);
    }
}
