using System.Net;
using System.Text;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Configuration.Dnsmasq;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.Dhcp;

namespace PxePowerShell.Engine.Tests.Configuration.Dnsmasq;

/// <summary>
/// What dnsmasq does that a conversion must keep (issue 18): dhcp-boot for the clients no pxe-service matches, the
/// router it sends implicitly, domain=, and a warning with the right reason for everything else.
/// </summary>
public sealed class DnsmasqFidelityTests : IDisposable
{
    private static readonly IPAddress Server = IPAddress.Parse("192.168.1.2");
    private readonly string _dir = Directory.CreateTempSubdirectory("pxe-dnsmasq-fidelity-").FullName;

    private DnsmasqConversion Import(string text)
    {
        string path = Path.Combine(_dir, "dnsmasq.conf");
        File.WriteAllText(path, text);
        return DnsmasqImporter.Import(path);
    }

    private static PxeBootOptions Boot(PxeServerConfiguration c) => new()
    {
        BootFiles = c.BootFiles, IpxeScript = c.IpxeScript, TftpServer = c.TftpServer, Menu = c.Menu, Prompt = c.Prompt, Timeout = c.PromptTimeout,
    };

    [Fact]
    public void Uefi_clients_no_pxe_service_matches_get_the_untagged_dhcp_boot_file_like_dnsmasq()
    {
        var c = Import("""
            dhcp-range=192.168.1.0,proxy
            pxe-service=x86PC,"Network Boot",pxelinux
            dhcp-boot=efi64/syslinux.efi
            enable-tftp
            """).Configuration;
        Assert.Equal("efi64/syslinux.efi", c.BootFiles[ClientArchitecture.EfiX64]);
        Assert.Equal("efi64/syslinux.efi", c.BootFiles[ClientArchitecture.EfiBC]);
        var responder = new ProxyDhcpResponder(Boot(c));

        // dnsmasq 2.90: the offer names the dhcp-boot file and the next server, no menu (tests/e2e DnsmasqOracleTests compares the two).
        foreach (var arch in new[] { ClientArchitecture.EfiBC, ClientArchitecture.EfiX64 })
        {
            var offer = responder.Respond(TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(1), arch), Server, pxePort: false);
            Assert.Equal(PxeEventKind.ProxyOffer, offer.Kind);
            Assert.Equal("efi64/syslinux.efi", offer.Reply!.BootFileName);
            Assert.Equal(Server, offer.Reply.ServerAddress);
            Assert.False(offer.Reply.Options.Contains(DhcpOptionCode.VendorSpecific));

            // And a client that asks port 4011 anyway gets the same file.
            var ack = responder.Respond(TestPackets.Pxe(DhcpMessageType.Request, TestPackets.Mac(1), arch).WithClientAddress(IPAddress.Parse("192.168.1.50")), Server, pxePort: true);
            Assert.Equal("efi64/syslinux.efi", ack.Reply!.BootFileName);
        }

        // BIOS still gets the menu, and its item still names pxelinux.0.
        var bios = responder.Respond(TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(2), ClientArchitecture.Bios), Server, pxePort: false);
        Assert.True(bios.Reply!.Options.Contains(DhcpOptionCode.VendorSpecific));
    }

    [Fact]
    public void A_tagged_dhcp_boot_wins_over_the_untagged_one_in_either_order()
    {
        foreach (var text in new[]
        {
            "dhcp-boot=pxelinux.0\ndhcp-match=set:efi,option:client-arch,9\ndhcp-boot=tag:efi,grubx64.efi\n",
            "dhcp-match=set:efi,option:client-arch,9\ndhcp-boot=tag:efi,grubx64.efi\ndhcp-boot=pxelinux.0\n",
        })
        {
            var c = Import("dhcp-range=192.168.1.0,proxy\n" + text).Configuration;
            Assert.Equal("grubx64.efi", c.BootFiles[ClientArchitecture.EfiX64]);
            Assert.Equal("pxelinux.0", c.BootFiles[ClientArchitecture.Bios]);
            Assert.Equal("pxelinux.0", c.BootFiles[ClientArchitecture.EfiBC]); // client-arch 9 does not match arch 7 in dnsmasq either
        }
    }

    [Fact]
    public void One_tag_set_for_two_architectures_names_both()
    {
        var c = Import("""
            dhcp-range=192.168.1.0,proxy
            dhcp-match=set:efi64,option:client-arch,7
            dhcp-match=set:efi64,option:client-arch,9
            dhcp-boot=tag:efi64,efi64/syslinux.efi
            """).Configuration;
        Assert.Equal("efi64/syslinux.efi", c.BootFiles[ClientArchitecture.EfiBC]);
        Assert.Equal("efi64/syslinux.efi", c.BootFiles[ClientArchitecture.EfiX64]);
    }

    [Fact]
    public void A_dhcp_host_lease_time_is_the_reservations_own_and_its_client_gets_it()
    {
        var result = Import("""
            dhcp-range=10.10.0.100,10.10.0.199,12h
            dhcp-host=52:54:00:00:00:07,10.10.0.20,fred,45m
            dhcp-host=52:54:00:00:00:08,10.10.0.21
            dhcp-host=52:54:00:00:00:0a,10.10.0.22,infinite
            """);
        var c = result.Configuration;
        Assert.DoesNotContain(result.Warnings, w => w.Line is 2 or 3 or 4);
        Assert.Equal([TimeSpan.FromMinutes(45), null, TimeSpan.FromSeconds(uint.MaxValue)], c.Reservations.Select(r => r.LeaseDuration));
        Assert.Equal("fred", c.Reservations[0].Name);

        var lease = new DhcpLeaseResponder(
            new DhcpServerOptions { StartRange = c.RangeStart!, EndRange = c.RangeEnd!, SubnetMask = IPAddress.Parse("255.255.255.0"), LeaseDuration = c.LeaseDuration, Reservations = c.Reservations },
            store: null);
        uint? Offered(int client) => lease.Respond(TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(client)), IPAddress.Parse("10.10.0.2")).Reply!.Options.GetUInt32(DhcpOptionCode.LeaseTime);
        Assert.Equal(2700u, Offered(7));
        Assert.Equal(43200u, Offered(8));
        Assert.Equal(43200u, Offered(9));
        Assert.Equal(uint.MaxValue, Offered(10)); // dnsmasq's "infinite", as dnsmasq sends it
    }

    [Fact]
    public void Full_dhcp_keeps_the_implicit_router_and_domain_and_warns_about_dns()
    {
        var result = Import("""
            dhcp-range=10.10.0.100,10.10.0.199,12h
            domain=lab.example
            dhcp-host=52:54:00:12:34:56,10.10.0.20,infinite
            """);
        var c = result.Configuration;
        Assert.Equal([IPAddress.Any], c.Router);
        Assert.Equal("lab.example", c.DomainName);
        Assert.DoesNotContain(result.Warnings, w => w.Line == 2);
        Assert.Contains(result.Warnings, w => w.Line == 0 && w.Reason.Contains("DnsServers", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Warnings, w => w.Line == 3);
        Assert.Equal(TimeSpan.FromSeconds(uint.MaxValue), Assert.Single(c.Reservations).LeaseDuration);

        // 0.0.0.0 is "this server" when the lease responder answers.
        var lease = new DhcpLeaseResponder(
            new DhcpServerOptions { StartRange = c.RangeStart!, EndRange = c.RangeEnd!, SubnetMask = IPAddress.Parse("255.255.255.0"), Router = c.Router },
            store: null);
        var reply = lease.Respond(TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(3)), IPAddress.Parse("10.10.0.2")).Reply!;
        Assert.True(reply.Options.TryGet(DhcpOptionCode.Router, out var router));
        Assert.Equal(IPAddress.Parse("10.10.0.2"), new IPAddress(router.Span));

        // An explicit empty dhcp-option=3 (no router) and DNS on another port (none sent) leave both out, without a word.
        var none = Import("dhcp-range=10.10.0.100,10.10.0.199,12h\ndhcp-option=3\nport=0\n");
        Assert.Empty(none.Configuration.Router);
        Assert.DoesNotContain(none.Warnings, w => w.Reason.Contains("router", StringComparison.Ordinal) || w.Reason.Contains("DnsServers", StringComparison.Ordinal));
    }

    [Fact]
    public void Warnings_give_the_right_reason_and_refuse_what_dnsmasq_refuses()
    {
        string path = Path.Combine(_dir, "dnsmasq.conf");
        var text = new MemoryStream();
        text.Write(Encoding.UTF8.GetBytes("""
            log-dhcp
            tftp-no-fail
            pxe-service=x86PC,"Network Boot,pxelinux
            pxe-prompt="Press F8,5
            tftp-root=
            interface=
            dhcp-host=52:54:00:12:34:56,10.10.0.20
            dhcp-host=52:54:00:12:34:56,10.10.0.21
            dhcp-host=52:54:00:12:34:57,10.10.0.20

            """.Replace("\r", string.Empty, StringComparison.Ordinal)));
        text.Write([0x69, 0x6e, 0x74, 0x65, 0x72, 0x66, 0x61, 0x63, 0x65, 0x3d, 0xff, 0xfe, 0x0a]); // line 10: interface=<invalid UTF-8>
        text.Write("dhcp-range=10.10.0.100,10.10.0.199\n"u8);
        File.WriteAllBytes(path, text.ToArray());
        var result = DnsmasqImporter.Import(path);
        string Reason(int line) => Assert.Single(result.Warnings, w => w.Line == line).Reason;

        Assert.DoesNotContain("DNS", Reason(1), StringComparison.Ordinal);
        Assert.Contains("event", Reason(1), StringComparison.Ordinal);
        Assert.Contains("root", Reason(2), StringComparison.Ordinal);
        Assert.DoesNotContain("port", Reason(2), StringComparison.Ordinal);
        Assert.Contains("quote", Reason(3), StringComparison.Ordinal);
        Assert.Contains("quote", Reason(4), StringComparison.Ordinal);
        Assert.Null(result.Configuration.Prompt);
        Assert.Empty(result.Configuration.Menu);
        Assert.Contains("empty", Reason(5), StringComparison.Ordinal);
        Assert.Null(result.Configuration.Root);
        Assert.Contains("empty", Reason(6), StringComparison.Ordinal);
        Assert.Contains("line 7", Reason(8), StringComparison.Ordinal);
        Assert.Contains("line 7", Reason(9), StringComparison.Ordinal);
        Assert.Single(result.Configuration.Reservations);
        Assert.Contains("UTF-8", Reason(10), StringComparison.Ordinal);
        Assert.Empty(result.Configuration.Interfaces);
        Assert.Equal(DhcpMode.Dhcp, result.Configuration.DhcpMode);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
