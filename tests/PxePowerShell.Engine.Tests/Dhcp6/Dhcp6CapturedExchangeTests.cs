using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Events;
using static PxePowerShell.Engine.Tests.Dhcp6.Dhcp6TestPackets;

namespace PxePowerShell.Engine.Tests.Dhcp6;

/// <summary>
/// The firmware lab's captures (tshark on the lab bridge, tests/e2e Ipv6BootTests' segment): OVMF's whole PXEv6
/// exchange with the module in full DHCPv6 mode, and the Solicit OVMF's IPv6 stack (Ip6Config) sends on its own when a
/// router advertisement has the M flag.
/// </summary>
public sealed class Dhcp6CapturedExchangeTests
{
    /// <summary>The lab server: fd00:21:1::2 on an interface with MAC 36:e4:b6:33:33:37 (its DUID-LL).</summary>
    private static readonly IPAddress LabServer = IPAddress.Parse("fd00:21:1::2");
    private static readonly byte[] LabServerDuid = Dhcp6Duid.FromMacAddress([0x36, 0xe4, 0xb6, 0x33, 0x33, 0x37]);
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 4, 20, 0, TimeSpan.Zero);

    private static Dhcp6Responder LabResponder() => new(
        new Dhcp6ServerOptions
        {
            Boot = new PxeBootOptions { BootFiles = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.EfiX64] = "grubx64.efi" } },
            StartRange = IPAddress.Parse("fd00:21:1::100"),
            EndRange = IPAddress.Parse("fd00:21:1::1ff"),
            LeaseDuration = TimeSpan.FromHours(12), // Start-PxeServer's lease time
        },
        LabServerDuid);

    [Fact]
    public void Ovmfs_pxev6_request_decodes_and_writes_back_byte_for_byte()
    {
        var payloads = Dhcp6Vectors.Payloads("ovmf-pxev6-exchange.pcap");
        Assert.Equal(6, payloads.Count); // Solicit, Advertise, Request, Reply, Release (GRUB leaving boot services), Reply
        Assert.True(Dhcp6Message.TryParse(payloads[2], out var request, out var error), error);
        Assert.Equal(Dhcp6MessageType.Request, request!.MessageType);
        Assert.Equal(0xed9be5u, request.TransactionId);
        Assert.Equal(LabServerDuid, request.ServerId.ToArray());
        var r = Dhcp6Request.From(request);
        Assert.Equal("00-01-00-01-31-e8-76-1b-52-54-00-21-01-03", r.Duid); // DUID-LLT
        Assert.Equal("52-54-00-21-01-03", r.MacAddress);
        Assert.Equal(ClientArchitecture.EfiBC, r.Architecture);
        Assert.Equal("PXEClient:Arch:00007:UNDI:003000", r.VendorClass);
        Assert.True(r.IsPxeClient);
        Assert.Equal([59, 60, 23, 16], r.RequestedOptions);
        var ia = Assert.Single(r.IaNa);
        Assert.Equal(IPAddress.Parse("fd00:21:1::100"), Assert.Single(ia.Addresses).Address);
        Assert.Equal(payloads[2], request.ToArray());
    }

    [Fact]
    public void Replayed_the_exchange_gets_the_very_advertise_and_reply_the_lab_server_sent()
    {
        var payloads = Dhcp6Vectors.Payloads("ovmf-pxev6-exchange.pcap");
        var responder = LabResponder();
        for (int i = 0; i < 4; i += 2)
        {
            Assert.True(Dhcp6Message.TryParse(payloads[i], out var question, out _));
            var answer = responder.Respond(question!, LabServer, Now);
            Assert.Equal(i == 0 ? PxeEventKind.DhcpOffer : PxeEventKind.DhcpAck, answer.Kind);
            Assert.Equal(payloads[i + 1], answer.Reply!.ToArray());
        }

        Assert.True(Dhcp6Message.TryParse(payloads[3], out var reply, out _));
        Assert.Equal("tftp://[fd00:21:1::2]/grubx64.efi", Url(reply!));

        // No vendor class: with PXEClient in it, OVMF takes the reply for a BINL offer, asks again on port 4011 and
        // stops with PXE-E16 (what the lab showed before the responder left it out).
        Assert.False(reply!.Contains(Dhcp6OptionCode.VendorClass));
    }

    [Fact]
    public void Ovmfs_own_ip6config_solicit_after_a_managed_router_advertisement_is_not_a_boot_client()
    {
        var payloads = Dhcp6Vectors.Payloads("ovmf-ip6config-exchange.pcap");
        Assert.Equal(4, payloads.Count);
        Assert.True(Dhcp6Message.TryParse(payloads[0], out var solicit, out var error), error);
        Assert.Equal(Dhcp6MessageType.Solicit, solicit!.MessageType);
        var r = Dhcp6Request.From(solicit);
        Assert.Equal("52-54-00-21-01-05", r.MacAddress);
        Assert.Null(r.Architecture);
        Assert.Null(r.VendorClass);
        Assert.Equal([23], r.RequestedOptions);
        Assert.False(r.IsBootClient);
        foreach (var payload in payloads)
        {
            Assert.True(Dhcp6Message.TryParse(payload, out var m, out error), error);
            Assert.Equal(payload, m!.ToArray());
        }
    }
}
