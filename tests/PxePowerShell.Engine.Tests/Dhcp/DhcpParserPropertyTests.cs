using System.Net;
using FsCheck.Xunit;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>Fuzz-style properties: random and mutated real datagrams never make the parser or the responders throw.</summary>
public sealed class DhcpParserPropertyTests
{
    private static readonly byte[][] Real = Directory.GetFiles(Path.Combine(PcapReader.TestDataDirectory, "pcap"), "*.pcap")
        .SelectMany(PcapReader.ReadUdpFile)
        .Where(d => d.Destination.Port is 67 or 68 or 4011)
        .Select(d => d.Payload)
        .ToArray();

    private static readonly ProxyDhcpResponder Proxy = new(new PxeBootOptions { HttpBootUrl = "http://{server}/", BootFiles = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.Bios] = "undionly.kpxe" } });

    [Property(MaxTest = 2000)]
    public bool Random_bytes_never_throw(byte[] data)
    {
        Exercise(data ?? []);
        return true;
    }

    [Property(MaxTest = 2000)]
    public bool Random_bytes_behind_a_valid_header_never_throw(byte[] tail, byte op)
    {
        var data = new byte[240 + (tail?.Length ?? 0)];
        data[0] = (byte)(1 + (op % 2));
        data[2] = 6;
        data[236] = 99; data[237] = 130; data[238] = 83; data[239] = 99;
        tail?.CopyTo(data, 240);
        Exercise(data);
        return true;
    }

    [Property(MaxTest = 3000)]
    public bool Mutated_real_packets_never_throw(int which, int[] positions, byte[] values, int cut)
    {
        var original = Real[(int)((uint)which % (uint)Real.Length)];
        var data = (byte[])original.Clone();
        if (positions is not null && values is not null)
        {
            for (int i = 0; i < Math.Min(positions.Length, values.Length); i++)
            {
                data[(int)((uint)positions[i] % (uint)data.Length)] = values[i];
            }
        }

        int length = cut % 5 == 0 ? (int)((uint)cut % (uint)(data.Length + 1)) : data.Length;
        Exercise(data.AsSpan(0, length).ToArray());
        return true;
    }

    [Property(MaxTest = 2000)]
    public bool Vendor_option_decoder_never_throws(byte[] data)
    {
        _ = PxeVendorOptions.TryDecode(data ?? [], out _, out _);
        return true;
    }

    private static void Exercise(byte[] data)
    {
        if (!DhcpMessage.TryParse(data, out var m, out var error))
        {
            Assert.False(string.IsNullOrEmpty(error));
            return;
        }

        _ = PxeRequest.From(m);
        _ = m.ToString();
        foreach (bool pxePort in new[] { false, true })
        {
            var r = Proxy.Respond(m, IPAddress.Parse("10.0.0.1"), pxePort);
            if (r.Reply is not null)
            {
                var wire = r.Reply.ToArray(r.MaxMessageSize);
                Assert.True(DhcpMessage.TryParse(wire, out _, out var again), again);
                _ = DhcpReplyRouting.Destination(m, r.Reply, new IPEndPoint(IPAddress.Any, 68), 68, 67, pxePort);
            }
        }

        var full = new DhcpLeaseResponder(
            new DhcpServerOptions { StartRange = IPAddress.Parse("10.0.0.50"), EndRange = IPAddress.Parse("10.0.0.60"), SubnetMask = IPAddress.Parse("255.255.255.0"), Boot = new PxeBootOptions() },
            store: null);
        var f = full.Respond(m, IPAddress.Parse("10.0.0.1"));
        if (f.Reply is not null)
        {
            Assert.True(DhcpMessage.TryParse(f.Reply.ToArray(f.MaxMessageSize), out _, out var again), again);
        }
    }
}
