namespace PxePowerShell.Engine.Tftp;

/// <summary>How a <see cref="TftpDownload"/> ended.</summary>
internal enum TftpDownloadStatus
{
    /// <summary>Still running.</summary>
    Running,

    /// <summary>The last (short) block arrived and was acknowledged.</summary>
    Completed,

    /// <summary>Stopped at <see cref="TftpClientOptions.MaxBytes"/>.</summary>
    Capped,

    /// <summary>The server sent an ERROR packet.</summary>
    ServerError,

    /// <summary>No answer at all to the read request.</summary>
    NoAnswer,

    /// <summary>The server answered, then fell silent.</summary>
    Stalled,

    /// <summary>The file ended at another size than the server announced (tsize).</summary>
    SizeMismatch,

    /// <summary>The socket failed (<see cref="TftpDownloadResult.ErrorMessage"/> says how).</summary>
    SocketError,
}
