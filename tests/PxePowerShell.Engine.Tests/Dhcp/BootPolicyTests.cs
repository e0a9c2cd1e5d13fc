using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Dhcp;

public sealed class BootPolicyTests
{
    private static readonly IPAddress Server = IPAddress.Parse("10.201.0.1");

    private static PxeRequest Client(ClientArchitecture arch, bool ipxe = false, string? vendor = null) =>
        PxeRequest.From(TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(9), 1, vendor ?? $"PXEClient:Arch:{(ushort)arch:D5}:UNDI:003001", arch, ipxe));

    [Theory]
    [InlineData(ClientArchitecture.Bios, "pxelinux.0")]
    [InlineData(ClientArchitecture.EfiBC, "syslinux.efi")]
    [InlineData(ClientArchitecture.EfiX64, "syslinux.efi")]
    [InlineData(ClientArchitecture.EfiArm64, "grubaa64.efi")]
    public void Defaults_by_architecture(ClientArchitecture arch, string expected) =>
        Assert.Equal(expected, new BootPolicy(new PxeBootOptions()).Decide(Client(arch), Server).BootFile);

    [Fact]
    public void Hashtable_override_wins_and_7_and_9_share_a_key()
    {
        var policy = new BootPolicy(new PxeBootOptions { BootFiles = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.EfiX64] = "shimx64.efi", [ClientArchitecture.Bios] = "lpxelinux.0" } });
        Assert.Equal("shimx64.efi", policy.Decide(Client(ClientArchitecture.EfiBC), Server).BootFile);
        Assert.Equal("shimx64.efi", policy.Decide(Client(ClientArchitecture.EfiX64), Server).BootFile);
        Assert.Equal("lpxelinux.0", policy.Decide(Client(ClientArchitecture.Bios), Server).BootFile);
    }

    [Fact]
    public void Ipxe_clients_get_the_script_instead_of_the_ipxe_binary()
    {
        var options = new PxeBootOptions { BootFiles = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.Bios] = "undionly.kpxe", [ClientArchitecture.EfiX64] = "ipxe.efi" } };
        var policy = new BootPolicy(options);
        Assert.Equal("undionly.kpxe", policy.Decide(Client(ClientArchitecture.Bios), Server).BootFile);
        Assert.Equal("boot.ipxe", policy.Decide(Client(ClientArchitecture.Bios, ipxe: true), Server).BootFile);
        Assert.Equal("boot.ipxe", policy.Decide(Client(ClientArchitecture.EfiBC, ipxe: true), Server).BootFile);

        var http = new BootPolicy(options with { HttpBootUrl = "http://{server}:8080/" });
        Assert.Equal("http://10.201.0.1:8080/boot.ipxe", http.Decide(Client(ClientArchitecture.Bios, ipxe: true), Server).BootFile);

        // A pxelinux setup is left alone for iPXE ROMs unless a script is configured (what dnsmasq does too).
        Assert.Equal("pxelinux.0", new BootPolicy(new PxeBootOptions()).Decide(Client(ClientArchitecture.Bios, ipxe: true), Server).BootFile);
        Assert.Equal("menu.ipxe", new BootPolicy(new PxeBootOptions { IpxeScript = "menu.ipxe" }).Decide(Client(ClientArchitecture.Bios, ipxe: true), Server).BootFile);
    }

    [Fact]
    public void Http_boot_clients_get_a_url_or_nothing()
    {
        var http = Client(ClientArchitecture.EfiX64Http, vendor: "HTTPClient:Arch:00016:UNDI:003001");
        Assert.True(http.IsHttpClient);
        var none = new BootPolicy(new PxeBootOptions()).Decide(http, Server);
        Assert.Null(none.BootFile);
        Assert.Contains("HTTP boot URL", none.Reason, StringComparison.Ordinal);
        var d = new BootPolicy(new PxeBootOptions { HttpBootUrl = "http://{server}/boot/", BootFiles = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.EfiX64] = "grubx64.efi" } }).Decide(http, Server);
        Assert.Equal("http://10.201.0.1/boot/grubx64.efi", d.BootFile);
        Assert.True(d.IsHttp);
    }

    [Fact]
    public void Proxy_offer_to_an_http_client_names_the_url_and_HTTPClient()
    {
        var responder = new ProxyDhcpResponder(new PxeBootOptions { HttpBootUrl = "http://{server}/" });
        var m = TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(10), 5, "HTTPClient:Arch:00016:UNDI:003001", ClientArchitecture.EfiX64Http);
        var r = responder.Respond(m, Server, pxePort: false);
        Assert.Equal(PxeEventKind.ProxyOffer, r.Kind);
        Assert.Equal("http://10.201.0.1/syslinux.efi", r.Reply!.BootFileName);
        Assert.Equal("HTTPClient", r.Reply.Options.GetString(DhcpOptionCode.VendorClassIdentifier));
        Assert.Equal(IPAddress.Any, r.Reply.YourAddress);
    }

    [Fact]
    public void Menu_prompt_timeout_and_discovery_control_are_sent()
    {
        var responder = new ProxyDhcpResponder(new PxeBootOptions
        {
            Menu = [new PxeMenuEntry("Install"), new PxeMenuEntry("Rescue", new Dictionary<ClientArchitecture, string> { [ClientArchitecture.Bios] = "rescue.0" })],
            Prompt = "Press F8",
            Timeout = 10,
            DiscoveryControl = 7,
        });
        var offer = responder.Respond(TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(11), ClientArchitecture.Bios), Server, false);
        Assert.True(offer.Reply!.Options.TryGet(DhcpOptionCode.VendorSpecific, out var v));
        Assert.True(PxeVendorOptions.TryDecode(v.Span, out var o, out _));
        Assert.Equal((byte)7, o!.DiscoveryControl);
        Assert.Equal((byte)10, o.PromptTimeout);
        Assert.Equal("Press F8", o.PromptText);
        Assert.Equal(["Install", "Rescue"], o.Menu.Select(i => i.Description));

        // The client picks "Rescue" (0x8001) on port 4011.
        var request = TestPackets.Pxe(DhcpMessageType.Request, TestPackets.Mac(11), ClientArchitecture.Bios).WithClientAddress(IPAddress.Parse("10.201.0.77"));
        request.Options.Set(DhcpOptionCode.VendorSpecific, new PxeVendorOptions { BootItem = new PxeBootItem(0x8001, 0) }.Encode());
        var ack = responder.Respond(request, Server, pxePort: true);
        Assert.Equal(PxeEventKind.ProxyAck, ack.Kind);
        Assert.Equal("rescue.0", ack.Reply!.BootFileName);
        Assert.Equal(Server, ack.Reply.ServerAddress);
    }

    [Fact]
    public void Proxy_never_offers_an_address_and_ignores_plain_clients()
    {
        var responder = new ProxyDhcpResponder(new PxeBootOptions());
        var plain = responder.Respond(TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(12), 1, "MSFT 5.0"), Server, false);
        Assert.Equal(PxeEventKind.Ignored, plain.Kind);
        Assert.Contains("MSFT 5.0", plain.Reason, StringComparison.Ordinal);
        var offer = responder.Respond(TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(12), ClientArchitecture.Bios), Server, false);
        Assert.Equal(IPAddress.Any, offer.Reply!.YourAddress);
        Assert.Equal(Server, offer.Reply.Options.GetAddress(DhcpOptionCode.ServerIdentifier));
        foreach (var t in new[] { DhcpMessageType.Release, DhcpMessageType.Decline, DhcpMessageType.Inform })
        {
            Assert.Null(responder.Respond(TestPackets.Pxe(t, TestPackets.Mac(12), ClientArchitecture.Bios), Server, false).Reply);
        }
    }

    [Fact]
    public void Relayed_discovers_are_answered_to_the_relay()
    {
        var responder = new ProxyDhcpResponder(new PxeBootOptions());
        var m = TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(13), ClientArchitecture.Bios);
        m.RelayAgentAddress = IPAddress.Parse("10.9.0.1");
        var r = responder.Respond(m, Server, false);
        Assert.Equal(IPAddress.Parse("10.9.0.1"), r.Reply!.RelayAgentAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.9.0.1"), 67), DhcpReplyRouting.Destination(m, r.Reply, new IPEndPoint(IPAddress.Parse("10.9.0.1"), 67), 68, 67, false));
    }
}
