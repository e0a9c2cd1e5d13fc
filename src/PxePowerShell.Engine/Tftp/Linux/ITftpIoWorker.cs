namespace PxePowerShell.Engine.Tftp.Linux;

/// <summary>One I/O thread of a <see cref="LinuxReceiveLoop"/>: <see cref="UringWorker"/> or <see cref="EpollWorker"/>.</summary>
internal interface ITftpIoWorker
{
    /// <summary>Sessions attached and not yet detached.</summary>
    int Registered { get; }

    /// <summary>Completes when the thread has exited and released its descriptors.</summary>
    Task Stopped { get; }

    /// <summary>
    /// Starts reading the session's socket; returns a task that completes once the worker no longer touches the
    /// session, or null when refused (stopping, or the session already finished).
    /// </summary>
    Task? Add(TftpSession session);

    /// <summary>Stops reading the session's socket; true when the worker closes the socket later itself. Idempotent.</summary>
    bool Remove(TftpSession session);

    /// <summary>
    /// Queues an answer to be handed to the kernel with the rest of the batch instead of sending it now; only on
    /// the worker's own thread, and only by workers that batch. False: the caller sends it itself.
    /// </summary>
    bool TryQueueSend(TftpSession session, ReadOnlySpan<byte> packet) => false;

    /// <summary>Tells the thread to exit; it closes its descriptors on the way out.</summary>
    void RequestStop();
}
