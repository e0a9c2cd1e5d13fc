using System.Buffers.Binary;

namespace PxePowerShell.Engine.Tests.Dhcp6;

/// <summary>
/// DHCPv6 payloads of the captures kept beside the tests (Dhcp6/Vectors): classic pcap, Ethernet, IPv6 without
/// extension headers, UDP. <c>ovmf-pxev6-solicit.pcap</c> is OVMF (edk2, Debian's ovmf package) starting
/// "PXE over IPv6" on virtio-net with IPv4 PXE turned off, captured with tshark on the guest's tap: four Solicits
/// (the retransmissions) with no server on the link.
/// </summary>
internal static class Dhcp6Vectors
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Dhcp6", "Vectors", name);

    public static IReadOnlyList<byte[]> Payloads(string name)
    {
        var data = File.ReadAllBytes(PathOf(name));
        Assert.Equal(0xa1b2c3d4u, BinaryPrimitives.ReadUInt32LittleEndian(data));
        var list = new List<byte[]>();
        int pos = 24;
        while (pos + 16 <= data.Length)
        {
            int caplen = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos + 8));
            var frame = data.AsSpan(pos + 16, caplen);
            pos += 16 + caplen;
            if (BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x86dd || frame[14 + 6] != 17)
            {
                continue;
            }

            var udp = frame[(14 + 40)..];
            int length = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
            list.Add(udp[8..length].ToArray());
        }

        return list;
    }
}
