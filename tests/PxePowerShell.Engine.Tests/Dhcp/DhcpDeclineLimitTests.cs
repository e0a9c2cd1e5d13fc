using System.Net;
using Microsoft.Extensions.Time.Testing;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>DECLINE probation and the per-client decline limit (pure responder, fake clock).</summary>
public sealed class DhcpDeclineLimitTests : IDisposable
{
    private static readonly IPAddress Server = IPAddress.Parse("10.201.9.1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pxe-decline-" + Guid.NewGuid().ToString("N"));

    private static DhcpServerOptions Options(int? limit = null, TimeSpan? probation = null)
    {
        var o = new DhcpServerOptions
        {
            StartRange = IPAddress.Parse("10.201.9.50"),
            EndRange = IPAddress.Parse("10.201.9.57"),
            SubnetMask = IPAddress.Parse("255.255.255.0"),
        };
        return o with { DeclineLimit = limit ?? o.DeclineLimit, DeclineProbation = probation ?? o.DeclineProbation };
    }

    /// <summary>DISCOVER then DECLINE of what was offered; returns the outcome of the DISCOVER and of the DECLINE.</summary>
    internal static (DhcpResponse Offer, DhcpResponse? Decline) DiscoverAndDecline(Func<DhcpMessage, DhcpResponse> respond, byte[] mac, uint xid, IPAddress server)
    {
        var offer = respond(TestPackets.Request(DhcpMessageType.Discover, mac, xid));
        if (offer.Reply is null)
        {
            return (offer, null);
        }

        var decline = respond(TestPackets.Request(DhcpMessageType.Decline, mac, xid).With(DhcpOptionCode.RequestedAddress, offer.Reply.YourAddress).With(DhcpOptionCode.ServerIdentifier, server));
        return (offer, decline);
    }

    [Theory]
    [InlineData(null, 3)] // the default
    [InlineData(1, 1)]
    [InlineData(5, 5)]
    public void One_client_declines_at_most_its_limit_and_then_gets_nothing_while_others_are_served(int? limit, int expected)
    {
        var r = new DhcpLeaseResponder(Options(limit), null, _time);
        var attacker = TestPackets.Mac(0xbad);
        int declined = 0;
        for (int round = 0; round < 8; round++)
        {
            var (offer, decline) = DiscoverAndDecline(m => r.Respond(m, Server), attacker, (uint)round, Server);
            if (decline?.Kind == PxeEventKind.DhcpDecline)
            {
                declined++;
            }
            else if (round >= expected)
            {
                Assert.Equal(PxeEventKind.Ignored, offer.Kind);
                Assert.Contains("declined", offer.Reason, StringComparison.Ordinal);
            }
        }

        Assert.Equal(expected, declined);
        Assert.Equal(expected, r.GetLeases().Count(l => l.AddressState == AddressState.Declined));
        var normal = r.Respond(TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(7)), Server);
        Assert.Equal(PxeEventKind.DhcpOffer, normal.Kind);
    }

    [Theory]
    [InlineData(null)] // the default, 1 hour
    [InlineData(300)]
    public void Declined_addresses_come_back_after_the_probation_and_so_does_the_client(int? seconds)
    {
        var probation = seconds is int s ? TimeSpan.FromSeconds(s) : TimeSpan.FromHours(1);
        var r = new DhcpLeaseResponder(Options(1, seconds is null ? null : probation), null, _time);
        var client = TestPackets.Mac(0xbad);
        var (offer, decline) = DiscoverAndDecline(m => r.Respond(m, Server), client, 1, Server);
        Assert.Equal(PxeEventKind.DhcpDecline, decline!.Kind);
        var declinedAddress = offer.Reply!.YourAddress;

        _time.Advance(probation - TimeSpan.FromSeconds(1));
        Assert.Equal(PxeEventKind.Ignored, r.Respond(TestPackets.Request(DhcpMessageType.Discover, client, 2), Server).Kind);
        Assert.Equal(AddressState.Declined, r.GetLeases().Single(l => l.IPAddress.Equals(declinedAddress)).AddressState);

        _time.Advance(TimeSpan.FromSeconds(2));
        var again = r.Respond(TestPackets.Request(DhcpMessageType.Discover, client, 3).With(DhcpOptionCode.RequestedAddress, declinedAddress), Server);
        Assert.Equal(PxeEventKind.DhcpOffer, again.Kind);
        Assert.Equal(declinedAddress, again.Reply!.YourAddress);
    }

    [Fact]
    public void Declines_and_the_limit_survive_a_restart_but_only_for_the_probation()
    {
        var client = TestPackets.Mac(0xbad);
        using (var store = new JournalLeaseStore(_dir))
        {
            var r = new DhcpLeaseResponder(Options(2), store, _time);
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(PxeEventKind.DhcpDecline, DiscoverAndDecline(m => r.Respond(m, Server), client, (uint)i, Server).Decline!.Kind);
            }
        }

        using (var store = new JournalLeaseStore(_dir))
        {
            var r = new DhcpLeaseResponder(Options(2), store, _time);
            Assert.Equal(2, r.GetLeases().Count(l => l.AddressState == AddressState.Declined));
            Assert.Equal(PxeEventKind.Ignored, r.Respond(TestPackets.Request(DhcpMessageType.Discover, client, 9), Server).Kind);
            Assert.Equal(PxeEventKind.DhcpOffer, r.Respond(TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(8), 9), Server).Kind);
            _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
            Assert.Equal(PxeEventKind.DhcpOffer, r.Respond(TestPackets.Request(DhcpMessageType.Discover, client, 10), Server).Kind);
        }
    }

    [Fact]
    public void A_declined_address_that_is_removed_or_given_to_another_client_no_longer_counts_for_the_decliner()
    {
        var r = new DhcpLeaseResponder(Options(1, TimeSpan.FromMinutes(5)), null, _time);
        var client = TestPackets.Mac(0xbad);
        var (first, _) = DiscoverAndDecline(m => r.Respond(m, Server), client, 1, Server);
        Assert.Equal(PxeEventKind.Ignored, r.Respond(TestPackets.Request(DhcpMessageType.Discover, client, 2), Server).Kind);

        // Remove-PxeLease of the declined address lifts the limit at once.
        Assert.True(r.RemoveLease(first.Reply!.YourAddress));
        var (second, decline) = DiscoverAndDecline(m => r.Respond(m, Server), client, 3, Server);
        Assert.Equal(PxeEventKind.DhcpDecline, decline!.Kind);
        Assert.Equal(PxeEventKind.Ignored, r.Respond(TestPackets.Request(DhcpMessageType.Discover, client, 4), Server).Kind);

        // After the probation another client leases the address; it is that client's now, and declines of it are its own.
        _time.Advance(TimeSpan.FromMinutes(5));
        var other = TestPackets.Mac(0x0d);
        var offer = r.Respond(TestPackets.Request(DhcpMessageType.Discover, other, 5).With(DhcpOptionCode.RequestedAddress, second.Reply!.YourAddress), Server);
        Assert.Equal(second.Reply.YourAddress, offer.Reply!.YourAddress);
        var ack = r.Respond(TestPackets.Request(DhcpMessageType.Request, other, 5).With(DhcpOptionCode.ServerIdentifier, Server).With(DhcpOptionCode.RequestedAddress, offer.Reply.YourAddress), Server);
        Assert.Equal(PxeEventKind.DhcpAck, ack.Kind);
        Assert.Equal(PxeEventKind.DhcpOffer, r.Respond(TestPackets.Request(DhcpMessageType.Discover, client, 6), Server).Kind);
        Assert.Equal(PxeEventKind.DhcpDecline, r.Respond(TestPackets.Request(DhcpMessageType.Decline, other, 7).With(DhcpOptionCode.RequestedAddress, offer.Reply.YourAddress).With(DhcpOptionCode.ServerIdentifier, Server), Server).Kind);
        Assert.Equal(PxeEventKind.Ignored, r.Respond(TestPackets.Request(DhcpMessageType.Discover, other, 8), Server).Kind);
    }

    [Fact]
    public void Bad_decline_settings_are_refused()
    {
        Assert.Contains(Options(0).Validate(), e => e.Contains("DeclineLimit", StringComparison.Ordinal));
        Assert.Contains((Options() with { DeclineProbation = TimeSpan.FromSeconds(-1) }).Validate(), e => e.Contains("DeclineProbation", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }
}
