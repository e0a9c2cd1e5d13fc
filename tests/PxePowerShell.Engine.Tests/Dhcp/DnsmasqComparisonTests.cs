using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>
/// Feeds the real client packets of the shared captures to <see cref="ProxyDhcpResponder"/> with the default
/// configuration (the equivalent of the capture's dnsmasq pxe-service lines) and compares every reply with the
/// reply dnsmasq sent to the same packet, field by field and option by option.
/// </summary>
public sealed class DnsmasqComparisonTests
{
    public static TheoryData<string, string, string> Exchanges => new()
    {
        { "bios-dhcp-proxy-exchange.pcap", "bios-dhcp-proxy-exchange.pcap", "10.77.0.2" },
        { "uefi-dhcp-proxy-exchange.pcap", "uefi-dhcp-proxy-exchange.pcap", "10.77.0.2" },
        { "bios-ipxe-discover.pcap", "bios-dnsmasq-proxy-offer.pcap", "192.168.77.2" },
        { "uefi-ovmf-discover.pcap", "uefi-dnsmasq-proxy-offer.pcap", "192.168.77.2" },
    };

    [Theory]
    [MemberData(nameof(Exchanges))]
    public void Replies_match_dnsmasq_field_by_field(string requestsFile, string repliesFile, string server)
    {
        var serverAddress = IPAddress.Parse(server);
        var requests = PcapReader.ReadUdp(requestsFile).Where(d => d.Destination.Port is 67 or 4011 && Parse(d).Op == 1).ToList();
        var replies = PcapReader.ReadUdp(repliesFile).Where(d => d.Source.Address.Equals(serverAddress) && d.Source.Port is 67 or 4011).ToList();
        Assert.NotEmpty(replies);
        var responder = new ProxyDhcpResponder(new PxeBootOptions());
        int compared = 0;
        foreach (var dnsmasqReply in replies)
        {
            var expected = Parse(dnsmasqReply);
            bool pxePort = dnsmasqReply.Source.Port == 4011;
            var request = requests.First(r => r.Destination.Port == dnsmasqReply.Source.Port
                && Parse(r).TransactionId == expected.TransactionId
                && Parse(r).MacAddress == expected.MacAddress
                && (pxePort || Parse(r).MessageType == DhcpMessageType.Discover));
            var response = responder.Respond(Parse(request), serverAddress, pxePort);
            Assert.NotNull(response.Reply);
            Assert.Equal(pxePort ? PxeEventKind.ProxyAck : PxeEventKind.ProxyOffer, response.Kind);

            // Round-trip our reply through the wire format, as the server sends it.
            var actual = DhcpMessage.Parse(response.Reply!.ToArray(response.MaxMessageSize));
            Assert.NotNull(actual);
            AssertSame(expected, actual!, $"{requestsFile} #{request.Index} -> {repliesFile} #{dnsmasqReply.Index}");
            compared++;

            // And it goes where dnsmasq sent it.
            var destination = DhcpReplyRouting.Destination(Parse(request), actual!, request.Source, 68, 67, pxePort);
            Assert.Equal(dnsmasqReply.Destination, destination);
        }

        Assert.True(compared >= 1);
    }

    [Fact]
    public void Non_pxe_requests_in_the_captures_are_ignored()
    {
        var responder = new ProxyDhcpResponder(new PxeBootOptions());
        var plain = PcapReader.ReadUdp("uefi-dhcp-proxy-exchange.pcap")
            .Where(d => d.Destination.Port == 67)
            .Select(Parse)
            .Where(m => m.Options.GetString(DhcpOptionCode.VendorClassIdentifier) is null)
            .ToList();
        Assert.NotEmpty(plain); // syslinux.efi's own DHCP has no vendor class
        foreach (var m in plain)
        {
            var r = responder.Respond(m, IPAddress.Parse("10.77.0.2"), pxePort: false);
            Assert.Null(r.Reply);
            Assert.Equal(PxeEventKind.Ignored, r.Kind);
            Assert.Contains("not a PXE client", r.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Requests_for_the_router_on_port_67_are_ignored()
    {
        var responder = new ProxyDhcpResponder(new PxeBootOptions());
        var requestToRouter = PcapReader.ReadUdp("bios-dhcp-proxy-exchange.pcap").Select(Parse)
            .First(m => m.Op == 1 && m.MessageType == DhcpMessageType.Request && m.Options.Contains(DhcpOptionCode.ServerIdentifier));
        var r = responder.Respond(requestToRouter, IPAddress.Parse("10.77.0.2"), pxePort: false);
        Assert.Null(r.Reply);
        Assert.Contains("10.77.0.1", r.Reason, StringComparison.Ordinal);
    }

    internal static DhcpMessage Parse(UdpDatagram d)
    {
        Assert.True(DhcpMessage.TryParse(d.Payload, out var m, out var error), error);
        return m!;
    }

    private static void AssertSame(DhcpMessage expected, DhcpMessage actual, string where)
    {
        Assert.True(expected.Op == actual.Op, $"{where}: op");
        Assert.True(expected.HardwareType == actual.HardwareType, $"{where}: htype");
        Assert.True(expected.HardwareAddressLength == actual.HardwareAddressLength, $"{where}: hlen");
        Assert.True(expected.TransactionId == actual.TransactionId, $"{where}: xid");
        Assert.True(expected.Broadcast == actual.Broadcast, $"{where}: broadcast flag");
        Assert.True(expected.ClientAddress.Equals(actual.ClientAddress), $"{where}: ciaddr {expected.ClientAddress} vs {actual.ClientAddress}");
        Assert.True(expected.YourAddress.Equals(actual.YourAddress), $"{where}: yiaddr {expected.YourAddress} vs {actual.YourAddress}");
        Assert.True(expected.ServerAddress.Equals(actual.ServerAddress), $"{where}: siaddr {expected.ServerAddress} vs {actual.ServerAddress}");
        Assert.True(expected.RelayAgentAddress.Equals(actual.RelayAgentAddress), $"{where}: giaddr");
        Assert.True(expected.ClientHardwareAddress.AsSpan().SequenceEqual(actual.ClientHardwareAddress), $"{where}: chaddr");
        Assert.True(expected.ServerName == actual.ServerName, $"{where}: sname '{expected.ServerName}' vs '{actual.ServerName}'");
        Assert.True(expected.BootFileName == actual.BootFileName, $"{where}: file '{expected.BootFileName}' vs '{actual.BootFileName}'");
        Assert.Equal(expected.Options.Codes.Order(), actual.Options.Codes.Order());
        foreach (var code in expected.Options.Codes)
        {
            expected.Options.TryGet(code, out var e);
            actual.Options.TryGet(code, out var a);
            Assert.True(e.Span.SequenceEqual(a.Span), $"{where}: option {code}: {Convert.ToHexString(e.Span)} vs {Convert.ToHexString(a.Span)}");
        }
    }
}
