using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Tests.Dhcp6;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// Real sockets in the client namespace of a <see cref="Dhcp6Lab"/> (a client on 546, a relay agent on 547) and the
/// DHCPv6 messages the hostile tests send through them: OVMF's captured Solicit, Relay-forw around it, junk.
/// </summary>
internal static class Dhcp6Wire
{
    /// <summary>OVMF's PXEv6 Solicit (a boot client), as captured.</summary>
    public static byte[] Solicit { get; } = Dhcp6Vectors.Payloads("ovmf-pxev6-solicit.pcap")[0];

    /// <summary>A link-local peer-address, as a relay writes for a client on its link.</summary>
    public const string ClientLinkLocal = "fe80::5054:ff:fe12:3401";

    /// <summary>A UDP socket in the lab's client namespace bound to [::]:<paramref name="port"/>.</summary>
    public static Socket Socket(Dhcp6Lab lab, int port)
    {
        var socket = lab.Client.CreateClientSocket(AddressFamily.InterNetworkV6);
        socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        return socket;
    }

    /// <summary>The server's global address on port 547 (relays and clients may unicast to it).</summary>
    public static IPEndPoint Server(Dhcp6Lab lab) => new(IPAddress.Parse(lab.Prefix + "1"), 547);

    /// <summary><paramref name="message"/> with the transaction id <paramref name="xid"/>.</summary>
    public static byte[] WithXid(byte[] message, int xid)
    {
        var copy = (byte[])message.Clone();
        copy[1] = (byte)(xid >> 16);
        copy[2] = (byte)(xid >> 8);
        copy[3] = (byte)xid;
        return copy;
    }

    /// <summary>A Relay-forw around <paramref name="inner"/>.</summary>
    public static byte[] Relay(byte[] inner, byte hops = 0, string link = "::", string peer = ClientLinkLocal, params Dhcp6Option[] extra) =>
        new Dhcp6Message
        {
            MessageType = Dhcp6MessageType.RelayForward,
            HopCount = hops,
            LinkAddress = IPAddress.Parse(link),
            PeerAddress = IPAddress.Parse(peer),
            Options = [.. extra, new Dhcp6Option(Dhcp6OptionCode.RelayMessage, inner)],
        }.ToArray();

    /// <summary>The next datagram on <paramref name="socket"/>, or null after <paramref name="timeout"/>.</summary>
    public static async Task<byte[]?> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[65536];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.IPv6Any, 0), cts.Token);
            return buffer[..result.ReceivedBytes];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The client message inside a reply (through any number of Relay-repl), or null when it does not parse.</summary>
    public static Dhcp6Message? Innermost(byte[]? reply)
    {
        if (reply is null || !Dhcp6Message.TryParse(reply, out var m, out _))
        {
            return null;
        }

        while (m!.MessageType == Dhcp6MessageType.RelayReply && m.RelayedMessage is { } inner)
        {
            m = inner;
        }

        return m;
    }

    /// <summary>A datagram the codec refuses: random bytes, a short relay header, relays nested past the limit, an overrunning option.</summary>
    public static byte[] Malformed(Random random)
    {
        while (true)
        {
            byte[] d;
            switch (random.Next(4))
            {
                case 0:
                    d = new byte[random.Next(1, 600)];
                    random.NextBytes(d);
                    break;
                case 1:
                    d = Relay(Solicit)[..random.Next(4, 34)];
                    break;
                case 2:
                    d = Solicit;
                    for (int i = 0; i <= Dhcp6Message.MaxRelayDepth; i++)
                    {
                        d = Relay(d, (byte)i);
                    }

                    break;
                default:
                    d = Relay(Solicit);
                    d[36] = 0xff; // the relay-message option's length past the end
                    break;
            }

            if (!Dhcp6Message.TryParse(d, out _, out _))
            {
                return d;
            }
        }
    }
}
