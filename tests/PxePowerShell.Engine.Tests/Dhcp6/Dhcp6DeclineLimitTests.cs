using System.Net;
using Microsoft.Extensions.Time.Testing;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Events;
using static PxePowerShell.Engine.Tests.Dhcp6.Dhcp6TestPackets;

namespace PxePowerShell.Engine.Tests.Dhcp6;

/// <summary>
/// The DHCPv6 side of the IPv4 decline-storm test: one DUID that declines every address it gets may not drain the
/// range; it is held at DeclineLimit addresses on probation, also after a restart from the journal.
/// </summary>
public sealed class Dhcp6DeclineLimitTests : IDisposable
{
    private static readonly IPAddress Server = IPAddress.Parse("fd00:77::1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pxe-dhcp6-decline-" + Guid.NewGuid().ToString("N"));

    private static Dhcp6ServerOptions Options => new()
    {
        StartRange = IPAddress.Parse("fd00:77::100"),
        EndRange = IPAddress.Parse("fd00:77::109"),
        DeclineLimit = 3,
        DeclineProbation = TimeSpan.FromMinutes(10),
    };

    private Dhcp6Response Send(Dhcp6Responder r, Dhcp6Message m) => r.Respond(m, Server, _time.GetUtcNow());

    [Fact]
    public void A_decline_storm_from_one_duid_leaves_the_range_to_everyone_else_also_after_a_restart()
    {
        using (var store = new JournalLeaseStore(_dir))
        {
            var r = new Dhcp6Responder(Options, ServerDuid, store);
            for (int i = 0; i < 10; i++)
            {
                var granted = Send(r, Message(Dhcp6MessageType.Solicit, 66, ia: true, rapidCommit: true, xid: (uint)i));
                if (granted.Address is null)
                {
                    Assert.Equal(PxeEventKind.DhcpNak, granted.Kind);
                    continue;
                }

                Assert.Equal(PxeEventKind.DhcpDecline, Send(r, Message(Dhcp6MessageType.Decline, 66, address: granted.Address, serverId: true, xid: (uint)i)).Kind);
            }

            var leases = r.GetLeases6(_time.GetUtcNow());
            Assert.Equal(3, leases.Count(l => l.AddressState == AddressState.Declined));
            Assert.All(leases, l => Assert.Equal(Dhcp6Duid.ToText(ClientDuid(66)), l.Duid));

            // The other seven addresses are there for seven other clients.
            for (int c = 1; c <= 7; c++)
            {
                Assert.NotNull(Send(r, Message(Dhcp6MessageType.Solicit, c, ia: true, rapidCommit: true)).Address);
            }
        }

        using (var store = new JournalLeaseStore(_dir))
        {
            var r = new Dhcp6Responder(Options, ServerDuid, store);
            Assert.Null(Send(r, Message(Dhcp6MessageType.Solicit, 66, ia: true)).Address); // still at its limit after the restart
            // A declined address cannot be "released" by its decliner to end the probation early.
            var declined = r.GetLeases6(_time.GetUtcNow()).First(l => l.AddressState == AddressState.Declined).IPAddress;
            Send(r, Message(Dhcp6MessageType.Release, 66, address: declined, serverId: true));
            Assert.Contains(r.GetLeases6(_time.GetUtcNow()), l => l.IPAddress.Equals(declined) && l.AddressState == AddressState.Declined);

            _time.Advance(TimeSpan.FromMinutes(11)); // probation over: the client may have an address again
            Assert.NotNull(Send(r, Message(Dhcp6MessageType.Solicit, 66, ia: true)).Address);
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
