namespace PxePowerShell.Engine.Tftp;

/// <summary>Where a <see cref="TftpTransfer"/> puts the packets it decides to send (a socket, or a list in tests).</summary>
public interface ITftpPacketSink
{
    /// <summary>Sends one datagram to the transfer's peer. The span is only valid during the call.</summary>
    void Send(ReadOnlySpan<byte> packet);
}
