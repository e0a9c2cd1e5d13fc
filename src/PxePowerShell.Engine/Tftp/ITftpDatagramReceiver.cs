namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// Delivers the datagrams that arrive on the transfer sockets to their <see cref="TftpSession"/>
/// (<see cref="TftpSession.OnDatagram"/>). One per server; chosen by <see cref="TftpDatagramReceiverFactory"/>.
/// </summary>
internal interface ITftpDatagramReceiver
{
    /// <summary>A short name for diagnostics and tests ("io_uring", "epoll", "async").</summary>
    string Kind { get; }

    /// <summary>
    /// Starts delivering the session's datagrams. Returns a task that completes once the receiver no longer
    /// touches the session (after it finished). Called once, after the transfer sent its first packet.
    /// </summary>
    Task Attach(TftpSession session);

    /// <summary>
    /// Stops delivering; called by the session when it finishes. Returns true when the receiver closes the socket
    /// itself once nothing of its own uses it any more (io_uring: the receive in flight is cancelled first);
    /// false when the session closes it now. Idempotent (false after the first call).
    /// </summary>
    bool Detach(TftpSession session);

    /// <summary>
    /// Takes an answer the session sends from the receiver's own thread, to hand it to the kernel with the rest
    /// of the batch; false (the default) when the session must send it itself, now.
    /// </summary>
    bool TryQueueSend(TftpSession session, ReadOnlySpan<byte> packet) => false;

    /// <summary>Stops the receiver after every session has finished and releases its threads and handles.</summary>
    Task StopAsync();
}
