using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>Collects the packets a transfer sends.</summary>
internal sealed class RecordingSink : ITftpPacketSink
{
    public List<byte[]> Packets { get; } = [];

    public void Send(ReadOnlySpan<byte> packet) => Packets.Add(packet.ToArray());

    public List<ushort> DataBlocks()
    {
        var blocks = new List<ushort>();
        foreach (var p in Packets)
        {
            if (TftpPacket.TryParseData(p, out ushort block, out _))
            {
                blocks.Add(block);
            }
        }

        return blocks;
    }

    public void Clear() => Packets.Clear();

    public static byte[] Ack(ushort block)
    {
        var b = new byte[4];
        TftpPacket.WriteAck(b, block);
        return b;
    }

    public static byte[] Error(TftpErrorCode code, string message)
    {
        var b = new byte[512];
        int n = TftpPacket.WriteError(b, code, message);
        return b[..n];
    }
}
