namespace PxePowerShell.Engine.Tftp;

/// <summary>The end of a TFTP download.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Bytes">The bytes received (and handed on) in order.</param>
/// <param name="BlockSize">The block size in use (512 unless the server acknowledged blksize).</param>
/// <param name="AnnouncedSize">The size the server announced (tsize), if it did.</param>
/// <param name="ErrorCode">The server's error code for <see cref="TftpDownloadStatus.ServerError"/>.</param>
/// <param name="ErrorMessage">The server's error message, or the socket's.</param>
internal sealed record TftpDownloadResult(TftpDownloadStatus Status, long Bytes, int BlockSize, long? AnnouncedSize, TftpErrorCode? ErrorCode = null, string? ErrorMessage = null)
{
    /// <summary>True when the file arrived whole or up to <see cref="TftpClientOptions.MaxBytes"/>.</summary>
    public bool Succeeded => Status is TftpDownloadStatus.Completed or TftpDownloadStatus.Capped;
}
