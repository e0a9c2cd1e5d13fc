namespace PxePowerShell.Engine.Tftp;

/// <summary>What <see cref="TftpRequestTable{TOwner}.Admit"/> made of a request.</summary>
internal enum TftpRequestVerdict
{
    /// <summary>No transfer runs for the end point: serve the request.</summary>
    New,

    /// <summary>The same request as the end point's running transfer: not answered, held (counted as a duplicate).</summary>
    Repeated,

    /// <summary>A different request from the end point: its old transfer was removed (end it silently); serve this one.</summary>
    Replaces,
}
