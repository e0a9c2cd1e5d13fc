using System.Buffers.Binary;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>Datagrams that look almost right but are never valid DHCP or TFTP requests (checked with the codecs).</summary>
internal static class Garbage
{
    /// <summary>A malformed datagram for a DHCP port: random bytes, short headers, a header with a broken option area.</summary>
    public static byte[] Dhcp(Random random)
    {
        while (true)
        {
            byte[] d;
            switch (random.Next(3))
            {
                case 0:
                    d = new byte[random.Next(1, 600)];
                    random.NextBytes(d);
                    break;
                case 1:
                    d = new byte[random.Next(1, 240)]; // shorter than a BOOTP header
                    random.NextBytes(d);
                    d[0] = 1;
                    break;
                default:
                    // A plausible BOOTREQUEST whose option area overruns the datagram.
                    d = new byte[240 + random.Next(3, 40)];
                    d[0] = 1;
                    d[1] = 1;
                    d[2] = 6;
                    BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(236), 0x63825363);
                    d[240] = 53;
                    d[241] = 255;
                    break;
            }

            if (!DhcpMessage.TryParse(d, out _, out _))
            {
                return d;
            }
        }
    }

    /// <summary>A malformed datagram for the TFTP port: random bytes, unterminated requests, DATA/ACK to the request port.</summary>
    public static byte[] Tftp(Random random)
    {
        while (true)
        {
            byte[] d;
            switch (random.Next(3))
            {
                case 0:
                    d = new byte[random.Next(1, 600)];
                    random.NextBytes(d);
                    break;
                case 1:
                    // An RRQ whose file name never ends.
                    d = new byte[random.Next(3, 300)];
                    d[1] = 1;
                    for (int i = 2; i < d.Length; i++)
                    {
                        d[i] = (byte)random.Next('a', 'z' + 1);
                    }

                    break;
                default:
                    d = new byte[4 + random.Next(0, 512)];
                    d[1] = (byte)random.Next(3, 7); // DATA, ACK, ERROR, OACK: not requests
                    break;
            }

            if (!TftpPacket.TryParseRequest(d, out _, out _))
            {
                return d;
            }
        }
    }
}
