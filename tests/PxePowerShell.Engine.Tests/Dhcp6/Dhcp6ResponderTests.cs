using System.Net;
using Microsoft.Extensions.Time.Testing;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Events;
using static PxePowerShell.Engine.Tests.Dhcp6.Dhcp6TestPackets;

namespace PxePowerShell.Engine.Tests.Dhcp6;

public sealed class Dhcp6ResponderTests : IDisposable
{
    private static readonly IPAddress Server = IPAddress.Parse("fd00:77::1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pxe-dhcp6-" + Guid.NewGuid().ToString("N"));

    private static PxeBootOptions Boot => new()
    {
        BootFiles = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.EfiX64] = "ipxe.efi", [ClientArchitecture.EfiArm64] = "grubaa64.efi" },
        HttpBootUrl = "http://{server}:8080/",
    };

    private static Dhcp6ServerOptions Full(string start = "fd00:77::100", string end = "fd00:77::102") =>
        new() { Boot = Boot, StartRange = IPAddress.Parse(start), EndRange = IPAddress.Parse(end), LeaseDuration = TimeSpan.FromHours(1) };

    private Dhcp6Response Send(Dhcp6Responder r, Dhcp6Message m) => r.Respond(m, Server, _time.GetUtcNow());

    [Fact]
    public void Boot_only_advertises_a_bracketed_tftp_url_by_architecture_and_no_address()
    {
        var r = new Dhcp6Responder(new Dhcp6ServerOptions { Boot = Boot }, ServerDuid);
        var x64 = Send(r, Pxe(Dhcp6MessageType.Solicit, 1, ClientArchitecture.EfiBC, ia: true));
        Assert.Equal(PxeEventKind.ProxyOffer, x64.Kind);
        Assert.Equal(Dhcp6MessageType.Advertise, x64.Reply!.MessageType);
        Assert.Equal(0x123456u, x64.Reply.TransactionId);
        Assert.Equal("tftp://[fd00:77::1]/ipxe.efi", Url(x64.Reply));
        Assert.Equal(ServerDuid, x64.Reply.ServerId.ToArray());
        Assert.Equal(ClientDuid(1), x64.Reply.ClientId.ToArray());
        Assert.False(x64.Reply.Contains(Dhcp6OptionCode.IaNa));
        Assert.Null(x64.Address);

        var arm = Send(r, Pxe(Dhcp6MessageType.Solicit, 2, ClientArchitecture.EfiArm64));
        Assert.Equal("tftp://[fd00:77::1]/grubaa64.efi", arm.BootFileUrl);
    }

    [Fact]
    public void Ovmfs_captured_solicit_gets_an_advertise_with_the_uefi_x64_url_and_no_vendor_class()
    {
        var r = new Dhcp6Responder(new Dhcp6ServerOptions { Boot = Boot }, ServerDuid);
        Assert.True(Dhcp6Message.TryParse(Dhcp6Vectors.Payloads("ovmf-pxev6-solicit.pcap")[0], out var solicit, out _));
        var response = Send(r, solicit!);
        Assert.Equal(PxeEventKind.ProxyOffer, response.Kind);
        Assert.Equal("52-54-00-12-34-60", response.Request!.MacAddress);
        Assert.Equal(0x3d0d47u, response.Reply!.TransactionId);
        Assert.Equal("tftp://[fd00:77::1]/ipxe.efi", Url(response.Reply));

        // With PXEClient in the reply OVMF takes it for a BINL offer, asks again on port 4011 and stops (PXE-E16).
        Assert.False(response.Reply.TryGet(Dhcp6OptionCode.VendorClass, out _));
    }

    [Fact]
    public void Boot_only_answers_the_request_addressed_to_it_and_information_requests_with_the_url()
    {
        var r = new Dhcp6Responder(new Dhcp6ServerOptions { Boot = Boot }, ServerDuid);
        var reply = Send(r, Pxe(Dhcp6MessageType.Request, 1, serverId: true));
        Assert.Equal(PxeEventKind.ProxyAck, reply.Kind);
        Assert.Equal(Dhcp6MessageType.Reply, reply.Reply!.MessageType);
        Assert.Equal("tftp://[fd00:77::1]/ipxe.efi", Url(reply.Reply));

        var info = Send(r, Pxe(Dhcp6MessageType.InformationRequest, 1));
        Assert.Equal(Dhcp6MessageType.Reply, info.Reply!.MessageType);
        Assert.Equal("tftp://[fd00:77::1]/ipxe.efi", Url(info.Reply));
    }

    [Fact]
    public void Boot_only_ignores_ordinary_clients_other_servers_and_address_management()
    {
        var r = new Dhcp6Responder(new Dhcp6ServerOptions { Boot = Boot }, ServerDuid);
        Assert.Equal("not a network-boot client (boot-only mode)", Send(r, Message(Dhcp6MessageType.Solicit, 1, ia: true) with { Options = [new(Dhcp6OptionCode.ClientId, ClientDuid(1))] }).Reason);

        var other = Pxe(Dhcp6MessageType.Request, 1);
        other = other with { Options = [.. other.Options, new(Dhcp6OptionCode.ServerId, Dhcp6Duid.FromMacAddress([2, 0, 0, 0, 0, 9]))] };
        Assert.Equal("addressed to another server", Send(r, other).Reason);
        Assert.Equal(PxeEventKind.Ignored, Send(r, Pxe(Dhcp6MessageType.Renew, 1, serverId: true)).Kind);
        Assert.Equal(PxeEventKind.Ignored, Send(r, Pxe(Dhcp6MessageType.Solicit, 1, serverId: true)).Kind);
        Assert.Equal(PxeEventKind.Ignored, Send(r, new Dhcp6Message { MessageType = Dhcp6MessageType.Advertise, Options = [] }).Kind);
    }

    [Fact]
    public void Http_clients_get_a_bracketed_http_url_and_the_HTTPClient_vendor_class_ipxe_gets_the_script()
    {
        var r = new Dhcp6Responder(new Dhcp6ServerOptions { Boot = Boot }, ServerDuid);
        var http = Send(r, Message(Dhcp6MessageType.Solicit, 3, ClientArchitecture.EfiX64Http, "HTTPClient:Arch:00016:UNDI:003000"));
        Assert.Equal("http://[fd00:77::1]:8080/ipxe.efi", Url(http.Reply!));
        Assert.True(http.Reply!.TryGet(Dhcp6OptionCode.VendorClass, out var v));
        Assert.True(Dhcp6OptionValues.TryDecodeVendorClass(v.Span, out _, out var strings));
        Assert.Equal(["HTTPClient"], strings);

        var ipxe = Send(r, Message(Dhcp6MessageType.Solicit, 4, ClientArchitecture.EfiBC, ipxe: true));
        Assert.Equal("http://[fd00:77::1]:8080/boot.ipxe", Url(ipxe.Reply!));
    }

    [Fact]
    public void A_link_local_server_address_goes_into_the_url_without_its_zone()
    {
        var r = new Dhcp6Responder(new Dhcp6ServerOptions { Boot = Boot }, ServerDuid);
        var reply = r.Respond(Pxe(Dhcp6MessageType.Solicit, 1), IPAddress.Parse("fe80::1%3"), _time.GetUtcNow());
        Assert.Equal("tftp://[fe80::1]/ipxe.efi", reply.BootFileUrl);
    }

    [Fact]
    public void Full_mode_advertises_then_leases_renews_and_releases_an_address_with_lifetimes()
    {
        var r = new Dhcp6Responder(Full(), ServerDuid);
        var advertise = Send(r, Pxe(Dhcp6MessageType.Solicit, 1, ia: true));
        Assert.Equal(PxeEventKind.DhcpOffer, advertise.Kind);
        Assert.Equal(Dhcp6MessageType.Advertise, advertise.Reply!.MessageType);
        var offered = Ia(advertise.Reply)!;
        Assert.Equal(7u, offered.Iaid);
        Assert.Equal(IPAddress.Parse("fd00:77::100"), Assert.Single(offered.Addresses).Address);
        Assert.Equal("tftp://[fd00:77::1]/ipxe.efi", Url(advertise.Reply));
        Assert.Equal(AddressState.Offered, Assert.Single(r.GetLeases(_time.GetUtcNow())).AddressState);

        var reply = Send(r, Message(Dhcp6MessageType.Request, 1, ClientArchitecture.EfiBC, address: offered.Addresses[0].Address, serverId: true));
        Assert.Equal(PxeEventKind.DhcpAck, reply.Kind);
        var ia = Ia(reply.Reply!)!;
        Assert.Equal((1800u, 2880u), (ia.T1, ia.T2));
        Assert.Equal((3600u, 3600u), (ia.Addresses[0].PreferredLifetime, ia.Addresses[0].ValidLifetime));
        var lease = Assert.Single(r.GetLeases(_time.GetUtcNow()));
        Assert.Equal((AddressState.Active, "00-03-00-01-52-54-00-00-00-01"), (lease.AddressState, lease.ClientId));
        Assert.Equal(IPAddress.Parse("fd00:77::"), lease.ScopeId);

        _time.Advance(TimeSpan.FromMinutes(30));
        var renew = Send(r, Message(Dhcp6MessageType.Renew, 1, address: lease.IPAddress, serverId: true));
        Assert.Equal(PxeEventKind.DhcpAck, renew.Kind);
        Assert.Equal(_time.GetUtcNow().AddHours(1), Assert.Single(r.GetLeases(_time.GetUtcNow())).LeaseExpiryTime);

        var release = Send(r, Message(Dhcp6MessageType.Release, 1, address: lease.IPAddress, serverId: true));
        Assert.Equal(PxeEventKind.DhcpRelease, release.Kind);
        Assert.Empty(r.GetLeases(_time.GetUtcNow()));
    }

    [Fact]
    public void Full_mode_serves_ordinary_clients_without_boot_options_and_answers_rapid_commit_with_a_reply()
    {
        var r = new Dhcp6Responder(Full(), ServerDuid);
        var reply = Send(r, Message(Dhcp6MessageType.Solicit, 9, ia: true, rapidCommit: true) with { Options = [new(Dhcp6OptionCode.ClientId, ClientDuid(9)), new(Dhcp6OptionCode.IaNa, new Dhcp6IaNa { Iaid = 1 }.Encode()), new(Dhcp6OptionCode.RapidCommit, ReadOnlyMemory<byte>.Empty)] });
        Assert.Equal(Dhcp6MessageType.Reply, reply.Reply!.MessageType);
        Assert.True(reply.Reply.Contains(Dhcp6OptionCode.RapidCommit));
        Assert.Null(Url(reply.Reply));
        Assert.Equal(AddressState.Active, Assert.Single(r.GetLeases(_time.GetUtcNow())).AddressState);
    }

    [Fact]
    public void Full_mode_says_NoAddrsAvail_when_the_range_is_exhausted_and_reuses_expired_addresses()
    {
        var r = new Dhcp6Responder(Full(end: "fd00:77::101"), ServerDuid);
        for (int c = 1; c <= 2; c++)
        {
            var a = Ia(Send(r, Pxe(Dhcp6MessageType.Solicit, c, ia: true)).Reply!)!.Addresses[0].Address;
            Assert.Equal(PxeEventKind.DhcpAck, Send(r, Message(Dhcp6MessageType.Request, c, address: a, serverId: true)).Kind);
        }

        var none = Send(r, Pxe(Dhcp6MessageType.Solicit, 3, ia: true));
        Assert.Equal(Dhcp6MessageType.Advertise, none.Reply!.MessageType);
        Assert.True(none.Reply.TryGet(Dhcp6OptionCode.StatusCode, out var s));
        Assert.True(Dhcp6OptionValues.TryDecodeStatus(s.Span, out var code, out _));
        Assert.Equal(Dhcp6StatusCode.NoAddrsAvail, code);

        _time.Advance(TimeSpan.FromHours(1));
        Assert.NotNull(Send(r, Pxe(Dhcp6MessageType.Solicit, 3, ia: true)).Address);
    }

    [Fact]
    public void Renew_of_an_unknown_binding_is_NoBinding_and_confirm_checks_the_prefix()
    {
        var r = new Dhcp6Responder(Full(), ServerDuid);
        var renew = Send(r, Message(Dhcp6MessageType.Renew, 1, address: IPAddress.Parse("fd00:77::100"), serverId: true));
        Assert.Equal(PxeEventKind.DhcpNak, renew.Kind);
        Assert.Equal(Dhcp6StatusCode.NoBinding, Ia(renew.Reply!)!.Status);

        Assert.Equal(PxeEventKind.DhcpAck, Send(r, Message(Dhcp6MessageType.Confirm, 1, address: IPAddress.Parse("fd00:77::abc"))).Kind);
        Assert.Equal(PxeEventKind.DhcpNak, Send(r, Message(Dhcp6MessageType.Confirm, 1, address: IPAddress.Parse("fd00:78::abc"))).Kind);
    }

    [Fact]
    public void A_declined_address_stays_out_of_use_for_the_probation()
    {
        var r = new Dhcp6Responder(Full(end: "fd00:77::100"), ServerDuid);
        var a = IPAddress.Parse("fd00:77::100");
        Send(r, Message(Dhcp6MessageType.Request, 1, address: a, serverId: true));
        Assert.Equal(PxeEventKind.DhcpDecline, Send(r, Message(Dhcp6MessageType.Decline, 1, address: a, serverId: true)).Kind);
        Assert.Null(Send(r, Pxe(Dhcp6MessageType.Solicit, 2, ia: true)).Address);
        _time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(a, Send(r, Pxe(Dhcp6MessageType.Solicit, 2, ia: true)).Address);
    }

    [Fact]
    public void Leases_survive_a_restart_through_the_journal_store()
    {
        IPAddress leased;
        using (var store = new JournalLeaseStore(_dir))
        {
            var r = new Dhcp6Responder(Full(), ServerDuid, store);
            leased = Send(r, Message(Dhcp6MessageType.Request, 1, address: IPAddress.Parse("fd00:77::101"), serverId: true)).Address!;
        }

        using (var store = new JournalLeaseStore(_dir))
        {
            var r = new Dhcp6Responder(Full(), ServerDuid, store);
            var lease = Assert.Single(r.GetLeases(_time.GetUtcNow()));
            Assert.Equal((leased, AddressState.Active), (lease.IPAddress, lease.AddressState));
            Assert.Equal(leased, Send(r, Pxe(Dhcp6MessageType.Solicit, 1, ia: true)).Address);
            Assert.NotEqual(leased, Send(r, Pxe(Dhcp6MessageType.Solicit, 2, ia: true)).Address);
        }
    }

    [Fact]
    public void A_relayed_solicit_is_answered_in_a_relay_reply_with_the_interface_id()
    {
        var r = new Dhcp6Responder(new Dhcp6ServerOptions { Boot = Boot }, ServerDuid);
        var relay = new Dhcp6Message
        {
            MessageType = Dhcp6MessageType.RelayForward,
            HopCount = 0,
            LinkAddress = IPAddress.Parse("2001:db8:1::1"),
            PeerAddress = IPAddress.Parse("fe80::5054:ff:fe00:1"),
            Options =
            [
                new(Dhcp6OptionCode.InterfaceId, "port7"u8.ToArray()),
                new(Dhcp6OptionCode.ClientLinkLayerAddress, new byte[] { 0, 1, 0x52, 0x54, 0, 0xaa, 0xbb, 0xcc }),
                new(Dhcp6OptionCode.RelayMessage, Pxe(Dhcp6MessageType.Solicit, 1).ToArray()),
            ],
        };
        Assert.True(Dhcp6Message.TryParse(relay.ToArray(), out var parsed, out _));
        var response = Send(r, parsed!);
        Assert.Equal(Dhcp6MessageType.RelayReply, response.Reply!.MessageType);
        Assert.Equal(relay.PeerAddress, response.Reply.PeerAddress);
        Assert.True(response.Reply.TryGet(Dhcp6OptionCode.InterfaceId, out var id));
        Assert.Equal("port7"u8.ToArray(), id.ToArray());
        Assert.True(Dhcp6Message.TryParse(response.Reply.ToArray(), out var back, out _));
        Assert.Equal(Dhcp6MessageType.Advertise, back!.RelayedMessage!.MessageType);
        Assert.Equal("tftp://[fd00:77::1]/ipxe.efi", Url(back.RelayedMessage));
    }

    [Fact]
    public void Invalid_settings_are_refused_with_what_is_wrong()
    {
        Assert.Contains("not an IPv6 address", string.Join(" ", new Dhcp6ServerOptions { StartRange = IPAddress.Parse("10.0.0.1"), EndRange = IPAddress.Parse("10.0.0.9") }.Validate()), StringComparison.Ordinal);
        Assert.Contains("is after its end", string.Join(" ", Full("fd00:77::9", "fd00:77::1").Validate()), StringComparison.Ordinal);
        Assert.Contains("not within one /64", string.Join(" ", Full("fd00:77::9", "fd00:78::1").Validate()), StringComparison.Ordinal);
        Assert.Contains("both the start and the end", string.Join(" ", new Dhcp6ServerOptions { StartRange = Server }.Validate()), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
