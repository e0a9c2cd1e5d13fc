using System.Net.Sockets;
using PxePowerShell.Engine.Tftp.Linux;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// The one place that picks how transfer sockets are read: io_uring threads on Linux, epoll threads where
/// io_uring is unavailable (old kernel, disabled by sysctl, filtered by a container's seccomp profile), async
/// loops elsewhere. The environment variable <c>PXEPOWERSHELL_TFTP_IO</c> (io_uring, epoll or async) overrides
/// the automatic choice, as an escape hatch and for comparisons. io_uring is used on 32-bit Linux (linux-arm) as on
/// 64-bit: the structs the kernel reads are declared with platform-sized fields (Interop/Linux: MsgHdr, IoVec).
/// </summary>
internal static class TftpDatagramReceiverFactory
{
    /// <summary>The environment variable that names the receiver when the options leave it to this factory.</summary>
    public const string EnvironmentVariable = "PXEPOWERSHELL_TFTP_IO";

    /// <summary>I/O threads by default: one per core, at most four.</summary>
    public static int DefaultThreads => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>
    /// The receiver <paramref name="mode"/> asks for, falling back to the next one down (io_uring, epoll,
    /// async) when the kernel refuses it.
    /// </summary>
    public static ITftpDatagramReceiver Create(TftpReceiveMode mode, int threads)
    {
        if (mode == TftpReceiveMode.Auto)
        {
            mode = ParseMode(Environment.GetEnvironmentVariable(EnvironmentVariable));
        }

        int count = threads > 0 ? Math.Min(threads, 64) : DefaultThreads;
        if (OperatingSystem.IsLinux())
        {
            if (mode is TftpReceiveMode.Auto or TftpReceiveMode.IoUring
                && TryStart(() => LinuxReceiveLoop.StartUring(count)) is { } uring)
            {
                return uring;
            }

            if (mode != TftpReceiveMode.Async && TryStart(() => LinuxReceiveLoop.StartEpoll(count)) is { } epoll)
            {
                return epoll;
            }
        }

        return new AsyncReceiveLoop();
    }

    /// <summary>The mode an environment value names; anything else (unset, empty, unknown) is <see cref="TftpReceiveMode.Auto"/>.</summary>
    internal static TftpReceiveMode ParseMode(string? value) =>
        value?.Trim().ToLowerInvariant() switch
        {
            "io_uring" or "iouring" or "uring" => TftpReceiveMode.IoUring,
            "epoll" => TftpReceiveMode.Epoll,
            "async" => TftpReceiveMode.Async,
            _ => TftpReceiveMode.Auto,
        };

    private static ITftpDatagramReceiver? TryStart(Func<ITftpDatagramReceiver> start)
    {
        try
        {
            return start();
        }
        catch (Exception ex) when (ex is SocketException or DllNotFoundException or EntryPointNotFoundException)
        {
            return null; // this kernel or libc refuses it: the next one down still works
        }
    }
}
