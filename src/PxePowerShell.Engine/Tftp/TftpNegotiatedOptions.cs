namespace PxePowerShell.Engine.Tftp;

/// <summary>What a transfer runs with after option negotiation.</summary>
/// <param name="BlockSize">Bytes per DATA block.</param>
/// <param name="WindowSize">Blocks sent before waiting for an ACK (1 = lock-step).</param>
/// <param name="Timeout">Retransmission timeout.</param>
/// <param name="TransferSize">The size answered or announced with tsize, or null.</param>
/// <param name="Acknowledged">The options to put in the OACK; empty when no OACK is sent.</param>
internal sealed record TftpNegotiatedOptions(int BlockSize, int WindowSize, TimeSpan Timeout, long? TransferSize, IReadOnlyList<TftpOption> Acknowledged)
{
    /// <summary>True when the server answers with an OACK.</summary>
    public bool SendOptionAck => Acknowledged.Count > 0;

    /// <summary>RFC 1350 defaults: 512-byte blocks, lock-step, no OACK.</summary>
    public static TftpNegotiatedOptions Defaults(TimeSpan timeout) => new(TftpPacket.DefaultBlockSize, 1, timeout, null, []);
}
