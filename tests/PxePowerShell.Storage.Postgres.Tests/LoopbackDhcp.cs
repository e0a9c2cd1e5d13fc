using System.Diagnostics;
using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.Dhcp;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>Full-DHCP servers on loopback over one database, and a client that talks to them (the fleet tests).</summary>
internal static class LoopbackDhcp
{
    private static int s_xid = 0x5000;

    /// <summary>A full-DHCP server on lo (port 0) leasing 127.0.0.50-99, its leases in the database <paramref name="db"/> as <paramref name="name"/>.</summary>
    public static DhcpServer Server(string db, string name, LoopbackClient client) => new(name, new DhcpServerOptions
    {
        Interfaces = ["lo"],
        Port = 0,
        ClientPort = client.Port,
        StartRange = IPAddress.Parse("127.0.0.50"),
        EndRange = IPAddress.Parse("127.0.0.99"),
        SubnetMask = IPAddress.Parse("255.255.255.0"),
        LeaseStorage = PostgresLeaseStorage.Connect(db, name),
    });

    /// <summary>Sends one message with a fresh transaction id and returns the reply to it, or null when none came within <paramref name="timeout"/>.</summary>
    public static async Task<DhcpMessage?> ExchangeAsync(LoopbackClient client, DhcpServer server, Func<uint, DhcpMessage> build, TimeSpan timeout)
    {
        uint xid = (uint)Interlocked.Increment(ref s_xid);
        await client.SendAsync(build(xid), server.EndPoints[0].Port);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                var reply = await client.ReceiveAsync(timeout - clock.Elapsed);
                if (reply.TransactionId == xid)
                {
                    return reply;
                }
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>The OFFER <paramref name="server"/> makes to the client <paramref name="mac"/>, or null.</summary>
    public static Task<DhcpMessage?> OfferAsync(LoopbackClient client, DhcpServer server, byte[] mac, TimeSpan timeout) =>
        ExchangeAsync(client, server, xid => TestPackets.Request(DhcpMessageType.Discover, mac, xid), timeout);

    /// <summary>
    /// Sends DISCOVERs to <paramref name="server"/> until an OFFER satisfies <paramref name="done"/> (each DISCOVER is one
    /// allocation round trip through the database: the wait is on the condition, never a sleep); the time it took, or
    /// null when <paramref name="timeout"/> passed first.
    /// </summary>
    public static async Task<TimeSpan?> UntilOfferAsync(LoopbackClient client, DhcpServer server, byte[] mac, Func<DhcpMessage, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await OfferAsync(client, server, mac, TimeSpan.FromMilliseconds(250)) is { } offer && done(offer))
            {
                return clock.Elapsed;
            }
        }

        return null;
    }

    /// <summary>The lease time (option 51) of a reply, in seconds.</summary>
    public static uint? LeaseSeconds(DhcpMessage reply) => reply.Options.GetUInt32(DhcpOptionCode.LeaseTime);
}
