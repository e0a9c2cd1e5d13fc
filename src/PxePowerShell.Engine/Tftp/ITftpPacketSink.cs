namespace PxePowerShell.Engine.Tftp;

/// <summary>Where a <see cref="TftpTransfer"/> puts the packets it decides to send (a socket, or a list in tests).</summary>
internal interface ITftpPacketSink
{
    /// <summary>Sends one datagram to the transfer's peer. The span is only valid during the call.</summary>
    void Send(ReadOnlySpan<byte> packet);

    /// <summary>
    /// Sends consecutive datagrams laid out back to back, each <paramref name="segmentSize"/> bytes except the
    /// last, which may be shorter. A socket sink can hand the whole run to the kernel at once (UDP GSO);
    /// the default sends them one by one.
    /// </summary>
    void SendSegments(ReadOnlySpan<byte> packets, int segmentSize)
    {
        for (int offset = 0; offset < packets.Length; offset += segmentSize)
        {
            Send(packets.Slice(offset, Math.Min(segmentSize, packets.Length - offset)));
        }
    }
}
