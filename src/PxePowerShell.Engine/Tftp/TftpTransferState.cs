namespace PxePowerShell.Engine.Tftp;

/// <summary>Where a <see cref="TftpTransfer"/> is.</summary>
internal enum TftpTransferState
{
    /// <summary>Created; <see cref="TftpTransfer.Start"/> not called yet.</summary>
    Created,

    /// <summary>OACK sent, waiting for the client to take it (ACK 0 for reads, DATA 1 for writes).</summary>
    Negotiating,

    /// <summary>Moving data.</summary>
    Transferring,

    /// <summary>Every byte delivered (and, for writes, committed).</summary>
    Completed,

    /// <summary>Ended without delivering everything; see <see cref="TftpTransfer.Error"/>.</summary>
    Failed,
}
