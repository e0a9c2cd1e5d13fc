using System.Net.Sockets;
using PxePowerShell.Engine.Tftp.Linux;

namespace PxePowerShell.Engine.Tftp;

/// <summary>The one place that picks how transfer sockets are read: epoll threads on Linux, async loops elsewhere.</summary>
internal static class TftpDatagramReceiverFactory
{
    /// <summary>I/O threads by default: one per core, at most four.</summary>
    public static int DefaultThreads => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>
    /// An <see cref="EpollReceiveLoop"/> on Linux unless <paramref name="forceAsync"/>; the
    /// <see cref="AsyncReceiveLoop"/> otherwise or when epoll cannot be set up.
    /// </summary>
    public static ITftpDatagramReceiver Create(bool forceAsync, int threads)
    {
        if (!forceAsync && OperatingSystem.IsLinux())
        {
            try
            {
                return EpollReceiveLoop.Start(threads > 0 ? Math.Min(threads, 64) : DefaultThreads);
            }
            catch (Exception ex) when (ex is SocketException or DllNotFoundException or EntryPointNotFoundException)
            {
                // No usable epoll (unusual libc, seccomp): the portable path still works.
            }
        }

        return new AsyncReceiveLoop();
    }
}
