namespace PxePowerShell.Engine.Tftp;

/// <summary>What a transfer made of a datagram.</summary>
internal enum TftpInputResult
{
    /// <summary>The datagram moved the transfer on (or ended it).</summary>
    Accepted,

    /// <summary>A valid but stale or duplicate datagram, ignored on purpose.</summary>
    Ignored,

    /// <summary>Not a valid TFTP packet for this transfer; dropped and counted.</summary>
    Malformed,
}
