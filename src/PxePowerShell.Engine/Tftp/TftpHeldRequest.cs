using System.Net.Sockets;

namespace PxePowerShell.Engine.Tftp;

/// <summary>A repeated request held while its end point's transfer ran, to serve once that transfer ended by the client's ERROR.</summary>
/// <param name="Datagram">The request as received.</param>
/// <param name="PacketInformation">Where it arrived (destination address, interface).</param>
internal sealed record TftpHeldRequest(byte[] Datagram, IPPacketInformation PacketInformation);
