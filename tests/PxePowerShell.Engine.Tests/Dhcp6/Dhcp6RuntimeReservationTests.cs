using System.Net;
using Microsoft.Extensions.Time.Testing;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Events;
using static PxePowerShell.Engine.Tests.Dhcp6.Dhcp6TestPackets;

namespace PxePowerShell.Engine.Tests.Dhcp6;

/// <summary>
/// Reservations added and removed, and leases removed, while a full DHCPv6 server runs (Add-/Remove-PxeReservation,
/// Remove-PxeLease with IPv6 addresses; Kea's reservation-add/del, lease6-del): what clients get at once, and what the
/// journal gives back after a restart.
/// </summary>
public sealed class Dhcp6RuntimeReservationTests : IDisposable
{
    private static readonly IPAddress Server = IPAddress.Parse("fd00:77::1");
    private static readonly IPAddress Reserved = IPAddress.Parse("fd00:77::20");
    private readonly string _dir = Directory.CreateTempSubdirectory("pxe-dhcp6-resv-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static Dhcp6ServerOptions Full() => new()
    {
        StartRange = IPAddress.Parse("fd00:77::100"),
        EndRange = IPAddress.Parse("fd00:77::102"),
    };

    private Dhcp6Response Send(Dhcp6Responder r, Dhcp6Message m) => r.Respond(m, Server, _time.GetUtcNow());

    [Fact]
    public void A_reservation_added_while_running_is_given_at_once_survives_a_restart_and_its_removal_too()
    {
        var byDuid = new Dhcp6Reservation(Reserved, Dhcp6Duid.ToText(ClientDuid(1)), null, "one");
        using (var store = new JournalLeaseStore(_dir))
        {
            var r = new Dhcp6Responder(Full(), ServerDuid, store);
            Assert.Equal(IPAddress.Parse("fd00:77::100"), Send(r, Message(Dhcp6MessageType.Solicit, 1, ia: true)).Address);

            r.AddReservation(byDuid);
            Assert.Equal(Reserved, Send(r, Message(Dhcp6MessageType.Solicit, 1, ia: true)).Address);
            var granted = Send(r, Message(Dhcp6MessageType.Request, 1, address: Reserved, serverId: true));
            Assert.Equal((PxeEventKind.DhcpAck, Reserved), (granted.Kind, granted.Address));

            // Nobody else gets it, even asking for it.
            Assert.NotEqual(Reserved, Send(r, Message(Dhcp6MessageType.Request, 2, address: Reserved, serverId: true)).Address);
            Assert.Equal(byDuid, Assert.Single(r.GetReservations()));
        }

        using (var store = new JournalLeaseStore(_dir))
        {
            var r = new Dhcp6Responder(Full(), ServerDuid, store);
            Assert.Equal(byDuid, Assert.Single(r.GetReservations()));
            Assert.Equal(Reserved, Send(r, Message(Dhcp6MessageType.Solicit, 1, ia: true)).Address);

            Assert.True(r.RemoveReservation(Reserved));
            Assert.False(r.RemoveReservation(Reserved));
            Assert.Empty(r.GetReservations());

            // The lease the client holds stays until it ends, as an ordinary lease.
            Assert.Equal(Reserved, Send(r, Message(Dhcp6MessageType.Renew, 1, address: Reserved, serverId: true)).Address);
        }

        using (var store = new JournalLeaseStore(_dir))
        {
            Assert.Empty(new Dhcp6Responder(Full(), ServerDuid, store).GetReservations());
        }
    }

    [Fact]
    public void An_address_leased_to_another_client_is_refused_until_its_lease_is_removed_and_the_removal_is_durable()
    {
        IPAddress leased;
        using (var store = new JournalLeaseStore(_dir))
        {
            var r = new Dhcp6Responder(Full(), ServerDuid, store);
            leased = Send(r, Message(Dhcp6MessageType.Request, 2, address: IPAddress.Parse("fd00:77::101"), serverId: true)).Address!;
            Assert.Equal(IPAddress.Parse("fd00:77::101"), leased);

            var forOne = new Dhcp6Reservation(leased, null, "52-54-00-00-00-01");
            var refused = Assert.Throws<ArgumentException>(() => r.AddReservation(forOne));
            Assert.Contains($"is leased to {Dhcp6Duid.ToText(ClientDuid(2))}; remove the lease first", refused.Message, StringComparison.Ordinal);

            // The holder itself may have its address reserved (by the MAC in its DUID-LL).
            r.AddReservation(new Dhcp6Reservation(leased, null, "52-54-00-00-00-02"));
            Assert.True(r.RemoveReservation(leased));

            Assert.True(r.RemoveLease(leased));
            Assert.False(r.RemoveLease(leased));
            Assert.DoesNotContain(r.GetLeases6(_time.GetUtcNow()), l => l.IPAddress.Equals(leased));
            r.AddReservation(forOne);
            Assert.Equal(leased, Send(r, Message(Dhcp6MessageType.Solicit, 1, ia: true)).Address);
        }

        using (var store = new JournalLeaseStore(_dir))
        {
            var r = new Dhcp6Responder(Full(), ServerDuid, store);
            Assert.DoesNotContain(r.GetLeases(_time.GetUtcNow()), l => l.ClientId == Dhcp6Duid.ToText(ClientDuid(2)));
            Assert.Equal("52-54-00-00-00-01", Assert.Single(r.GetReservations()).MacAddress);

            // The client whose lease was removed gets another address, not its old one (now reserved).
            Assert.NotEqual(leased, Send(r, Message(Dhcp6MessageType.Solicit, 2, ia: true)).Address);
        }
    }

    [Fact]
    public void A_long_duid_with_a_mac_and_a_name_survives_the_journal_and_conflicts_are_refused()
    {
        var uuid = "00-04-" + string.Join('-', Enumerable.Range(0, 16).Select(i => i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        var both = new Dhcp6Reservation(Reserved, uuid, "52-54-00-00-00-09", "rack 4, slot 2");
        using (var store = new JournalLeaseStore(_dir))
        {
            var r = new Dhcp6Responder(Full(), ServerDuid, store);
            r.AddReservation(both);

            var other = new Dhcp6Reservation(Reserved, Dhcp6Duid.ToText(ClientDuid(3)), null);
            Assert.Contains("is already reserved for " + uuid, Assert.Throws<ArgumentException>(() => r.AddReservation(other)).Message, StringComparison.Ordinal);
            Assert.Contains("outside the prefix", Assert.Throws<ArgumentException>(() => r.AddReservation(other with { IPAddress = IPAddress.Parse("fd00:78::5") })).Message, StringComparison.Ordinal);

            // The same client reserved elsewhere moves there (one reservation per client, as for DHCPv4).
            r.AddReservation(both with { IPAddress = IPAddress.Parse("fd00:77::21") });
            Assert.Equal(IPAddress.Parse("fd00:77::21"), Assert.Single(r.GetReservations()).IPAddress);
        }

        using (var store = new JournalLeaseStore(_dir))
        {
            var r = new Dhcp6Responder(Full(), ServerDuid, store);
            Assert.Equal(both with { IPAddress = IPAddress.Parse("fd00:77::21") }, Assert.Single(r.GetReservations()));
        }
    }

    [Fact]
    public void A_boot_only_responder_has_nothing_to_change()
    {
        var r = new Dhcp6Responder(new Dhcp6ServerOptions { Boot = new PxeBootOptions { BootFiles = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.EfiX64] = "ipxe.efi" } } }, ServerDuid);
        Assert.Empty(r.GetReservations());
        Assert.Throws<InvalidOperationException>(() => r.AddReservation(new Dhcp6Reservation(Reserved, null, "52-54-00-00-00-01")));
        Assert.Throws<InvalidOperationException>(() => r.RemoveLease(Reserved));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
