using System.Net;
using Microsoft.Extensions.Time.Testing;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Dhcp;

public sealed class DhcpLeaseResponderTests : IDisposable
{
    private static readonly IPAddress Server = IPAddress.Parse("10.201.9.1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pxe-dhcp-" + Guid.NewGuid().ToString("N"));

    private static DhcpServerOptions Options(string start = "10.201.9.50", string end = "10.201.9.59") => new()
    {
        StartRange = IPAddress.Parse(start),
        EndRange = IPAddress.Parse(end),
        SubnetMask = IPAddress.Parse("255.255.255.0"),
        Router = [Server],
        DnsServers = [IPAddress.Parse("10.201.9.2")],
        DomainName = "lab.test",
        LeaseDuration = TimeSpan.FromHours(1),
        Boot = new PxeBootOptions(),
    };

    private DhcpLeaseResponder Responder(DhcpServerOptions? options = null, ILeaseStore? store = null) => new(options ?? Options(), store, _time);

    private static DhcpResponse Discover(DhcpLeaseResponder r, int client, IPAddress? requested = null)
    {
        var m = TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(client), (uint)client);
        if (requested is not null)
        {
            m.With(DhcpOptionCode.RequestedAddress, requested);
        }

        return r.Respond(m, Server);
    }

    private static DhcpResponse Select(DhcpLeaseResponder r, int client, IPAddress address, IPAddress? server = null) =>
        r.Respond(TestPackets.Request(DhcpMessageType.Request, TestPackets.Mac(client), (uint)client).With(DhcpOptionCode.ServerIdentifier, server ?? Server).With(DhcpOptionCode.RequestedAddress, address), Server);

    private static IPAddress Lease(DhcpLeaseResponder r, int client)
    {
        var offer = Discover(r, client);
        Assert.Equal(PxeEventKind.DhcpOffer, offer.Kind);
        var ack = Select(r, client, offer.Address!);
        Assert.Equal(PxeEventKind.DhcpAck, ack.Kind);
        Assert.Equal(offer.Address, ack.Address);
        return ack.Address!;
    }

    [Fact]
    public void Discover_offer_request_ack_with_the_scope_options()
    {
        var r = Responder();
        var offer = Discover(r, 1);
        Assert.Equal(IPAddress.Parse("10.201.9.50"), offer.Address);
        var o = offer.Reply!.Options;
        Assert.Equal(3600u, o.GetUInt32(DhcpOptionCode.LeaseTime));
        Assert.False(o.TryGet(DhcpOptionCode.RenewalTime, out _), "T1 is RFC 2131's default (½ of the lease): not sent");
        Assert.False(o.TryGet(DhcpOptionCode.RebindingTime, out _), "T2 is RFC 2131's default (⅞ of the lease): not sent");
        Assert.False(o.TryGet(DhcpOptionCode.BroadcastAddress, out _), "the broadcast address only to a client that asks for it");
        Assert.Equal(IPAddress.Parse("255.255.255.0"), o.GetAddress(DhcpOptionCode.SubnetMask));
        Assert.Equal(Server, o.GetAddress(DhcpOptionCode.Router));
        Assert.Equal("lab.test", o.GetString(DhcpOptionCode.DomainName));
        Assert.Equal(Server, o.GetAddress(DhcpOptionCode.ServerIdentifier));
        Assert.Equal(AddressState.Offered, Assert.Single(r.GetLeases()).AddressState);

        var ack = Select(r, 1, offer.Address!);
        Assert.Equal(PxeEventKind.DhcpAck, ack.Kind);
        var lease = Assert.Single(r.GetLeases());
        Assert.Equal(AddressState.Active, lease.AddressState);
        Assert.Equal("52-54-00-00-00-01", lease.ClientId);
        Assert.Equal(IPAddress.Parse("10.201.9.0"), lease.ScopeId);
        Assert.Equal(_time.GetUtcNow().AddHours(1), lease.LeaseExpiryTime);
    }

    [Fact]
    public void Distinct_clients_get_distinct_addresses_until_the_pool_is_exhausted()
    {
        var r = Responder();
        var addresses = Enumerable.Range(1, 10).Select(i => Lease(r, i)).ToList();
        Assert.Equal(10, addresses.Distinct().Count());
        var none = Discover(r, 11);
        Assert.Equal(PxeEventKind.Ignored, none.Kind);
        Assert.Contains("exhausted", none.Reason, StringComparison.Ordinal);

        // Once a lease expires its address can go to someone else; the same client gets its own address back first.
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(addresses[0], Discover(r, 1).Address);
        Assert.Equal(AddressState.Expired, r.GetLeases().First(l => l.ClientId == "52-54-00-00-00-02").AddressState);
        Assert.NotNull(Discover(r, 11).Address);
    }

    [Fact]
    public void Requesting_another_servers_offer_frees_ours()
    {
        var r = Responder();
        var offer = Discover(r, 1);
        var other = Select(r, 1, offer.Address!, IPAddress.Parse("10.201.9.254"));
        Assert.Equal(PxeEventKind.Ignored, other.Kind);
        Assert.Empty(r.GetLeases());
    }

    [Fact]
    public void Renewing_and_rebinding_extend_the_lease()
    {
        var r = Responder();
        var address = Lease(r, 1);
        _time.Advance(TimeSpan.FromMinutes(40));
        var renew = r.Respond(TestPackets.Request(DhcpMessageType.Request, TestPackets.Mac(1)).WithClientAddress(address), Server);
        Assert.Equal(PxeEventKind.DhcpAck, renew.Kind);
        Assert.Equal("renewing", renew.Reason);
        Assert.Equal(_time.GetUtcNow().AddHours(1), r.GetLeases().Single().LeaseExpiryTime);
        Assert.Equal(new IPEndPoint(address, 68), DhcpReplyRouting.Destination(TestPackets.Request(DhcpMessageType.Request, TestPackets.Mac(1)).WithClientAddress(address), renew.Reply!, new IPEndPoint(address, 68), 68, 67, false));

        // Another client renewing an address it does not hold is refused.
        var thief = r.Respond(TestPackets.Request(DhcpMessageType.Request, TestPackets.Mac(2)).WithClientAddress(address), Server);
        Assert.Equal(PxeEventKind.DhcpNak, thief.Kind);
    }

    [Fact]
    public void Init_reboot_acks_the_known_address_and_naks_a_wrong_subnet()
    {
        var r = Responder();
        var address = Lease(r, 1);
        var reboot = r.Respond(TestPackets.Request(DhcpMessageType.Request, TestPackets.Mac(1)).With(DhcpOptionCode.RequestedAddress, address), Server);
        Assert.Equal(PxeEventKind.DhcpAck, reboot.Kind);
        Assert.Equal("init-reboot", reboot.Reason);

        var moved = r.Respond(TestPackets.Request(DhcpMessageType.Request, TestPackets.Mac(3)).With(DhcpOptionCode.RequestedAddress, IPAddress.Parse("192.168.1.20")), Server);
        Assert.Equal(PxeEventKind.DhcpNak, moved.Kind);
        Assert.Contains("not in the subnet", moved.Reason, StringComparison.Ordinal);
        Assert.Equal(new IPEndPoint(IPAddress.Broadcast, 68), DhcpReplyRouting.Destination(TestPackets.Request(DhcpMessageType.Request, TestPackets.Mac(3)), moved.Reply!, new IPEndPoint(IPAddress.Any, 68), 68, 67, false));

        var taken = r.Respond(TestPackets.Request(DhcpMessageType.Request, TestPackets.Mac(4)).With(DhcpOptionCode.RequestedAddress, address), Server);
        Assert.Equal(PxeEventKind.DhcpNak, taken.Kind);
    }

    [Fact]
    public void Release_frees_the_address_and_keeps_affinity()
    {
        var r = Responder();
        var address = Lease(r, 1);
        var release = r.Respond(TestPackets.Request(DhcpMessageType.Release, TestPackets.Mac(1)).WithClientAddress(address).With(DhcpOptionCode.ServerIdentifier, Server), Server);
        Assert.Equal(PxeEventKind.DhcpRelease, release.Kind);
        Assert.Null(release.Reply);
        Assert.Equal(AddressState.Expired, r.GetLeases().Single().AddressState);
        Assert.Equal(address, Discover(r, 1).Address);
    }

    [Fact]
    public void Declined_addresses_are_quarantined()
    {
        var r = Responder(Options(end: "10.201.9.51"));
        var address = Lease(r, 1);
        var decline = r.Respond(TestPackets.Request(DhcpMessageType.Decline, TestPackets.Mac(1)).With(DhcpOptionCode.RequestedAddress, address).With(DhcpOptionCode.ServerIdentifier, Server), Server);
        Assert.Equal(PxeEventKind.DhcpDecline, decline.Kind);
        Assert.Equal(AddressState.Declined, r.GetLeases().Single(l => l.IPAddress.Equals(address)).AddressState);

        // Nobody gets it during the quarantine, not even the client that declined it.
        var next = Lease(r, 1);
        Assert.NotEqual(address, next);
        Assert.Equal(PxeEventKind.Ignored, Discover(r, 2).Kind);

        _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(address, Discover(r, 2).Address);
    }

    [Fact]
    public void Reservations_are_given_only_to_their_client()
    {
        var reserved = IPAddress.Parse("10.201.9.200");
        var options = Options() with { Reservations = [new DhcpReservation(reserved, "52:54:00:00:00:07", "printer")] };
        var r = Responder(options);
        Assert.Equal(AddressState.InactiveReservation, Assert.Single(r.GetLeases()).AddressState);
        Assert.Equal(reserved, Lease(r, 7));
        Assert.Equal(AddressState.ActiveReservation, Assert.Single(r.GetLeases()).AddressState);

        var other = r.Respond(TestPackets.Request(DhcpMessageType.Request, TestPackets.Mac(8)).With(DhcpOptionCode.RequestedAddress, reserved), Server);
        Assert.Equal(PxeEventKind.DhcpNak, other.Kind);
        var wrong = r.Respond(TestPackets.Request(DhcpMessageType.Request, TestPackets.Mac(7)).With(DhcpOptionCode.RequestedAddress, IPAddress.Parse("10.201.9.55")), Server);
        Assert.Equal(PxeEventKind.DhcpNak, wrong.Kind);
        Assert.Contains("reservation", wrong.Reason, StringComparison.Ordinal);

        r.AddReservation(new DhcpReservation(IPAddress.Parse("10.201.9.201"), "52-54-00-00-00-09"));
        Assert.Equal(IPAddress.Parse("10.201.9.201"), Discover(r, 9).Address);
        Assert.Throws<ArgumentException>(() => r.AddReservation(new DhcpReservation(IPAddress.Parse("10.9.9.9"), "52-54-00-00-00-10")));
    }

    [Fact]
    public void The_broadcast_address_goes_to_a_client_whose_parameter_request_list_names_it()
    {
        var r = Responder();
        var discover = TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(9), 9);
        discover.Options.Set(DhcpOptionCode.ParameterRequestList, [1, 28, 3, 6]);
        var offer = r.Respond(discover, Server);
        Assert.Equal(PxeEventKind.DhcpOffer, offer.Kind);
        Assert.Equal(IPAddress.Parse("10.201.9.255"), offer.Reply!.Options.GetAddress(DhcpOptionCode.BroadcastAddress));
    }

    [Fact]
    public void A_reservation_with_its_own_lease_time_gives_it_to_its_client_and_keeps_it_across_a_restart()
    {
        var reserved = IPAddress.Parse("10.201.9.200");
        var options = Options() with { Reservations = [new DhcpReservation(reserved, "52:54:00:00:00:07", "printer", TimeSpan.FromHours(12))] };
        using (var store = new JournalLeaseStore(_dir))
        {
            var r = Responder(options, store);
            var offer = Discover(r, 7);
            Assert.Equal(43200u, offer.Reply!.Options.GetUInt32(DhcpOptionCode.LeaseTime));
            var ack = Select(r, 7, reserved);
            Assert.Equal(PxeEventKind.DhcpAck, ack.Kind);
            Assert.Equal(43200u, ack.Reply!.Options.GetUInt32(DhcpOptionCode.LeaseTime));
            Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(12), r.GetLeases().Single(l => l.IPAddress.Equals(reserved)).LeaseExpiryTime);

            // Everyone else keeps the scope's lease time.
            Assert.Equal(3600u, Discover(r, 8).Reply!.Options.GetUInt32(DhcpOptionCode.LeaseTime));

            r.AddReservation(new DhcpReservation(IPAddress.Parse("10.201.9.201"), "52-54-00-00-00-09", null, TimeSpan.FromMinutes(45)));
        }

        using (var store = new JournalLeaseStore(_dir))
        {
            var r = Responder(Options(), store);
            Assert.Equal(TimeSpan.FromMinutes(45), r.GetReservations().Single(x => x.IPAddress.Equals(IPAddress.Parse("10.201.9.201"))).LeaseDuration);
            Assert.Equal(2700u, Discover(r, 9).Reply!.Options.GetUInt32(DhcpOptionCode.LeaseTime));
        }
    }

    [Fact]
    public void Offers_expire()
    {
        var r = Responder(Options(end: "10.201.9.50"));
        Assert.NotNull(Discover(r, 1).Address);
        Assert.Equal(PxeEventKind.Ignored, Discover(r, 2).Kind);
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.NotNull(Discover(r, 2).Address);
    }

    [Fact]
    public void Inform_gets_options_without_a_lease()
    {
        var r = Responder();
        var inform = r.Respond(TestPackets.Request(DhcpMessageType.Inform, TestPackets.Mac(1)).WithClientAddress(IPAddress.Parse("10.201.9.3")), Server);
        Assert.Equal(PxeEventKind.DhcpInform, inform.Kind);
        Assert.Equal(IPAddress.Any, inform.Reply!.YourAddress);
        Assert.False(inform.Reply.Options.Contains(DhcpOptionCode.LeaseTime));
        Assert.Empty(r.GetLeases());
    }

    [Fact]
    public void Pxe_clients_get_boot_options_in_full_mode()
    {
        var r = Responder();
        var offer = r.Respond(TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(5), ClientArchitecture.EfiBC), Server);
        Assert.Equal("syslinux.efi", offer.Reply!.BootFileName);
        Assert.Equal(Server, offer.Reply.ServerAddress);
        Assert.NotNull(offer.Address);
    }

    [Fact]
    public void Requests_from_another_subnet_or_relay_are_ignored()
    {
        var r = Responder();
        Assert.Equal(PxeEventKind.Ignored, r.Respond(TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(1)), IPAddress.Parse("192.168.5.1")).Kind);
        var relayed = TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(1));
        relayed.RelayAgentAddress = IPAddress.Parse("10.201.9.254");
        Assert.Equal(PxeEventKind.DhcpOffer, r.Respond(relayed, IPAddress.Parse("192.168.5.1")).Kind);
    }

    [Fact]
    public void Leases_survive_a_restart_through_the_journal()
    {
        IPAddress[] leased;
        using (var store = new JournalLeaseStore(_dir))
        {
            var r = Responder(store: store);
            leased = Enumerable.Range(1, 5).Select(i => Lease(r, i)).ToArray();
        }

        using (var store = new JournalLeaseStore(_dir))
        {
            var r = Responder(store: store);
            Assert.Equal(5, r.GetLeases().Count(l => l.AddressState == AddressState.Active));

            // New clients never get an address still leased; old clients get theirs back.
            for (int i = 6; i <= 10; i++)
            {
                Assert.DoesNotContain(Lease(r, i), leased);
            }

            Assert.Equal(leased[2], Discover(r, 3).Address);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
