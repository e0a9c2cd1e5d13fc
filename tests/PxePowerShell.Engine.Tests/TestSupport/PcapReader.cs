using System.Buffers.Binary;
using System.Net;

namespace PxePowerShell.Engine.Tests.TestSupport;

/// <summary>One UDP datagram from a capture.</summary>
public sealed record UdpDatagram(int Index, string SourceMac, IPEndPoint Source, IPEndPoint Destination, byte[] Payload);

/// <summary>
/// A tiny reader for classic pcap files (Ethernet or Linux cooked captures, optional 802.1Q tag) that yields
/// the UDP payloads of IPv4 packets. Enough for the shared test captures; not a general dissector.
/// </summary>
public static class PcapReader
{
    /// <summary>The shared test data directory (../shared/testdata from the repository).</summary>
    public static string TestDataDirectory
    {
        get
        {
            foreach (var candidate in new[] { Environment.GetEnvironmentVariable("PXE_TESTDATA"), "/work/shared/testdata" })
            {
                if (candidate is not null && Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            // Walk up from the test binary looking for shared/testdata next to the repository.
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var path = Path.Combine(dir.FullName, "shared", "testdata");
                if (Directory.Exists(path))
                {
                    return path;
                }
            }

            throw new DirectoryNotFoundException("shared/testdata not found; set PXE_TESTDATA");
        }
    }

    /// <summary>The path of a capture in shared/testdata/pcap.</summary>
    public static string PcapPath(string name) => Path.Combine(TestDataDirectory, "pcap", name);

    /// <summary>Reads the UDP datagrams of a capture in shared/testdata/pcap.</summary>
    public static IReadOnlyList<UdpDatagram> ReadUdp(string name) => ReadUdpFile(PcapPath(name));

    /// <summary>Reads the UDP datagrams of a pcap file.</summary>
    public static IReadOnlyList<UdpDatagram> ReadUdpFile(string path)
    {
        var data = File.ReadAllBytes(path);
        var result = new List<UdpDatagram>();
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(data);
        bool little = magic is 0xa1b2c3d4 or 0xa1b23c4d;
        if (!little && magic is not (0xd4c3b2a1 or 0x4d3cb2a1))
        {
            throw new InvalidDataException($"{path} is not a classic pcap file");
        }

        uint U32(int at) => little ? BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at)) : BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
        uint linkType = U32(20);
        int pos = 24;
        int index = 0;
        while (pos + 16 <= data.Length)
        {
            int caplen = (int)U32(pos + 8);
            pos += 16;
            if (pos + caplen > data.Length)
            {
                break;
            }

            var frame = data.AsSpan(pos, caplen);
            pos += caplen;
            index++;
            int l3;
            string mac;
            ushort etherType;
            if (linkType == 1)
            {
                mac = Convert.ToHexString(frame.Slice(6, 6)).ToLowerInvariant();
                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
                l3 = 14;
                if (etherType == 0x8100)
                {
                    etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
                    l3 = 18;
                }
            }
            else if (linkType == 113)
            {
                mac = Convert.ToHexString(frame.Slice(6, 6)).ToLowerInvariant();
                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[14..]);
                l3 = 16;
            }
            else
            {
                throw new InvalidDataException($"link type {linkType} is not supported");
            }

            if (etherType != 0x0800 || frame.Length < l3 + 20)
            {
                continue;
            }

            var ip = frame[l3..];
            int ihl = (ip[0] & 0x0f) * 4;
            if (ip[9] != 17 || ip.Length < ihl + 8)
            {
                continue;
            }

            var src = new IPAddress(ip.Slice(12, 4));
            var dst = new IPAddress(ip.Slice(16, 4));
            var udp = ip[ihl..];
            int udpLength = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(udp[4..]), udp.Length);
            mac = string.Join('-', Enumerable.Range(0, 6).Select(i => mac.Substring(i * 2, 2)));
            result.Add(new UdpDatagram(
                index,
                mac,
                new IPEndPoint(src, BinaryPrimitives.ReadUInt16BigEndian(udp)),
                new IPEndPoint(dst, BinaryPrimitives.ReadUInt16BigEndian(udp[2..])),
                udp[8..udpLength].ToArray()));
        }

        return result;
    }
}
