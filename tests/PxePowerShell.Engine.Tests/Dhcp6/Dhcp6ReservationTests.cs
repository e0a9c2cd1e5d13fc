using System.Net;
using Microsoft.Extensions.Time.Testing;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Events;
using static PxePowerShell.Engine.Tests.Dhcp6.Dhcp6TestPackets;

namespace PxePowerShell.Engine.Tests.Dhcp6;

/// <summary>IPv6 reservations by DUID and by the MAC in a link-layer DUID, and the lease view with DUID, MAC and IAID.</summary>
public sealed class Dhcp6ReservationTests
{
    private static readonly IPAddress Server = IPAddress.Parse("fd00:77::1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static Dhcp6ServerOptions Full(params Dhcp6Reservation[] reservations) => new()
    {
        StartRange = IPAddress.Parse("fd00:77::100"),
        EndRange = IPAddress.Parse("fd00:77::101"),
        Reservations = reservations,
    };

    private Dhcp6Response Send(Dhcp6Responder r, Dhcp6Message m) => r.Respond(m, Server, _time.GetUtcNow());

    [Fact]
    public void A_client_reserved_by_duid_or_by_mac_gets_its_address_outside_the_range_and_nobody_else_gets_it()
    {
        var byDuid = new Dhcp6Reservation(IPAddress.Parse("fd00:77::20"), Dhcp6Duid.ToText(ClientDuid(1)), null, "one");
        var byMac = new Dhcp6Reservation(IPAddress.Parse("fd00:77::100"), null, "52-54-00-00-00-02", "two");
        var r = new Dhcp6Responder(Full(byDuid, byMac), ServerDuid);

        Assert.Equal(IPAddress.Parse("fd00:77::20"), Send(r, Message(Dhcp6MessageType.Solicit, 1, ia: true)).Address);
        Assert.Equal(IPAddress.Parse("fd00:77::100"), Send(r, Message(Dhcp6MessageType.Solicit, 2, ia: true)).Address);

        // Another client never gets a reserved address, even when it asks for it: only ::101 is left to it.
        Assert.Equal(IPAddress.Parse("fd00:77::101"), Send(r, Message(Dhcp6MessageType.Solicit, 3, ia: true, address: IPAddress.Parse("fd00:77::100"))).Address);
        var other = Send(r, Message(Dhcp6MessageType.Request, 3, address: IPAddress.Parse("fd00:77::20"), serverId: true));
        Assert.NotEqual(IPAddress.Parse("fd00:77::20"), other.Address);

        // A reserved client that requests another address gets its own.
        var own = Send(r, Message(Dhcp6MessageType.Request, 1, address: IPAddress.Parse("fd00:77::101"), serverId: true));
        Assert.Equal(PxeEventKind.DhcpAck, own.Kind);
        Assert.Equal(IPAddress.Parse("fd00:77::20"), own.Address);

        var lease = Assert.Single(r.GetLeases6(_time.GetUtcNow()), l => l.IPAddress.Equals(IPAddress.Parse("fd00:77::20")));
        Assert.Equal(Dhcp6Duid.ToText(ClientDuid(1)), lease.Duid);
        Assert.Equal("52-54-00-00-00-01", lease.MacAddress);
        Assert.Equal(7u, lease.Iaid);
        Assert.Equal(AddressState.Active, lease.AddressState);
    }

    [Theory]
    [InlineData("10.0.0.5", null, "52-54-00-00-00-01", "not an IPv6 address")]
    [InlineData("fd00:77::5", null, null, "names no client")]
    [InlineData("fd00:77::5", "zz", null, "is not a DUID")]
    [InlineData("fd00:77::5", null, "52-54", "is not a MAC address")]
    public void A_bad_reservation_says_what_is_wrong(string address, string? duid, string? mac, string expected)
    {
        Assert.Null(Dhcp6Reservation.Create(IPAddress.Parse(address), duid, mac, null, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reservations_off_the_prefix_twice_the_same_or_without_a_range_are_invalid_options()
    {
        var off = new Dhcp6Reservation(IPAddress.Parse("fd00:78::5"), "00-03-00-01-52-54-00-00-00-01", null);
        Assert.Contains(Full(off).Validate(), e => e.Contains("not in the range's /64", StringComparison.Ordinal));
        var twice = new Dhcp6Reservation(IPAddress.Parse("fd00:77::5"), "00-03-00-01-52-54-00-00-00-01", null);
        Assert.Contains(Full(twice, twice with { Duid = "00-03-00-01-52-54-00-00-00-02" }).Validate(), e => e.Contains("reserved twice", StringComparison.Ordinal));
        Assert.Contains(new Dhcp6ServerOptions { Reservations = [twice] }.Validate(), e => e.Contains("need an IPv6 range", StringComparison.Ordinal));
        Assert.Equal("00-03-00-01-52-54-00-00-00-01", Dhcp6Reservation.Create(IPAddress.Parse("fd00:77::5"), "0003000152540000:0001", null, null, out _)!.Duid);
    }
}
