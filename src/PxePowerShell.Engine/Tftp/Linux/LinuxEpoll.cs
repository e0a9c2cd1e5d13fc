using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Tftp.Linux;

/// <summary>
/// The few libc calls the TFTP epoll loop needs: epoll_create1/epoll_ctl/epoll_wait, an eventfd to wake the
/// loop, and read/write/close for that eventfd (the io_uring loop uses the eventfd calls and close too).
/// Linux only; callers check <see cref="OperatingSystem.IsLinux"/>.
/// </summary>
internal static unsafe partial class LinuxEpoll
{
    public const int EpollCloexec = 0x80000;   // EPOLL_CLOEXEC == O_CLOEXEC
    public const int EfdCloexec = 0x80000;     // EFD_CLOEXEC
    public const int EfdNonblock = 0x800;      // EFD_NONBLOCK
    public const int CtlAdd = 1;
    public const int CtlDel = 2;
    public const uint EpollIn = 0x001;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;
    public const int Eintr = 4;

    /// <summary>
    /// sizeof(struct epoll_event): the struct is packed (12 bytes) on x86 and x86-64 and naturally aligned
    /// (16 bytes) elsewhere, so events are read from a raw buffer at this stride.
    /// </summary>
    public static readonly int EventSize =
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initval, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>epoll_ctl with an event of <paramref name="events"/> carrying <paramref name="data"/>; returns 0 or errno.</summary>
    public static int Control(int epfd, int op, int fd, uint events, ulong data)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = events;
        // epoll_data follows the 4-byte events field: at offset 4 when packed, 8 when aligned.
        *(ulong*)(ev + EventSize - 8) = data;
        return EpollCtl(epfd, op, fd, ev) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Reads event <paramref name="index"/> from an epoll_wait buffer.</summary>
    public static ulong EventData(byte* events, int index, out uint flags)
    {
        byte* ev = events + (index * EventSize);
        flags = *(uint*)ev;
        return *(ulong*)(ev + EventSize - 8);
    }
}
