namespace PxePowerShell.Engine.Tftp;

/// <summary>How a <see cref="TftpServer"/> reads its transfer sockets (<see cref="TftpDatagramReceiverFactory"/>).</summary>
internal enum TftpReceiveMode
{
    /// <summary>io_uring on Linux, else epoll on Linux, else async loops; <c>PXEPOWERSHELL_TFTP_IO</c> can name one.</summary>
    Auto,

    /// <summary>io_uring threads that batch a round's sends and receives into one system call (Linux 5.6+).</summary>
    IoUring,

    /// <summary>epoll threads: one recvfrom and one sendto per datagram (Linux).</summary>
    Epoll,

    /// <summary>One async receive loop per session (every platform).</summary>
    Async,
}
