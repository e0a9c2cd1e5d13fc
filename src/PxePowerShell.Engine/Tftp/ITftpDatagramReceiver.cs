namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// Delivers the datagrams that arrive on the transfer sockets to their <see cref="TftpSession"/>
/// (<see cref="TftpSession.OnDatagram"/>). One per server; chosen by <see cref="TftpDatagramReceiverFactory"/>.
/// </summary>
internal interface ITftpDatagramReceiver
{
    /// <summary>A short name for diagnostics and tests ("epoll", "async").</summary>
    string Kind { get; }

    /// <summary>
    /// Starts delivering the session's datagrams. Returns a task that completes once the receiver no longer
    /// touches the session (after it finished). Called once, after the transfer sent its first packet.
    /// </summary>
    Task Attach(TftpSession session);

    /// <summary>Stops delivering; called by the session when it finishes, before its socket is closed. Idempotent.</summary>
    void Detach(TftpSession session);

    /// <summary>Stops the receiver after every session has finished and releases its threads and handles.</summary>
    Task StopAsync();
}
