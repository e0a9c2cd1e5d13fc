using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary>
/// Every libc function the engine calls, declared once. Argument types follow the C ABI of the process:
/// <c>long</c>, <c>size_t</c> and <c>ssize_t</c> are <see cref="nint"/>/<see cref="nuint"/> (32 bits on
/// 32-bit ARM, 64 on 64-bit systems). Linux only: callers check <see cref="OperatingSystem.IsLinux"/>; the named
/// wrappers (<see cref="Epoll"/>, <see cref="EventFd"/>, <see cref="IoUring"/>, <see cref="FileDescriptors"/>)
/// are what the rest of the engine uses.
/// </summary>
internal static unsafe partial class LibC
{
    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initval, int flags);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeout);

    /// <summary>recvmmsg(2): up to <paramref name="count"/> datagrams in one call (<paramref name="timeout"/>: a struct timespec, or null).</summary>
    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMmsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    /// <summary>sendmmsg(2): up to <paramref name="count"/> datagrams in one call; returns how many left.</summary>
    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMmsg(int fd, MMsgHdr* messages, uint count, int flags);

    /// <summary>mmap64: the offset is 64 bits wide on every architecture (glibc's 32-bit mmap takes a 32-bit off_t).</summary>
    [LibraryImport("libc", EntryPoint = "mmap64", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    /// <summary><c>long syscall(long number, ...)</c>: for the system calls libc has no wrapper for (io_uring).</summary>
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial nint Syscall(nint number, nint a, nint b, nint c, nint d, nint e, nint f);
}
