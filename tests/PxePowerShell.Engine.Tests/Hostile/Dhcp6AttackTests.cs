using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Tests.Dhcp6;
using PxePowerShell.Engine.Tests.TestSupport;
using Xunit.Abstractions;
using static PxePowerShell.Engine.Tests.Hostile.Dhcp6Wire;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// The DHCPv6 counterparts of the IPv4 relay and flood tests (DhcpAttackTests, FloodTests), over real sockets from a
/// namespace: Relay-forw messages that break RFC 8415's relay rules (§19, §20; RFC 8357 for the port) are dropped and
/// counted as bad relays, real relays are answered, and a flood of junk and forged relays at full speed leaves every
/// relayed boot client answered with exact counters.
/// </summary>
[Collection("netns")]
public sealed class Dhcp6AttackTests(ITestOutputHelper output)
{
    /// <summary>
    /// A first reply is at most 1.5 times the request (what the client repeats, each IA_NA, comes back at most 1.375 times
    /// as large: 22 bytes for 16) plus what only the server adds: a server id (up to 134 bytes with a long DUID), an IA_NA
    /// with one address (44), the boot-file URL (4 + up to 100), preference (5), DNS servers (4 + 16 each, two) and a status code.
    /// </summary>
    private const int ServerPart = 320;

    /// <summary>Relay-forw messages a server must not answer, and why.</summary>
    private static IEnumerable<(string Why, byte[] Datagram)> BadRelays(int xid)
    {
        byte[] solicit = WithXid(Solicit, xid);
        yield return ("hop count past the limit", Relay(solicit, hops: 33));
        yield return ("hop count 255", Relay(solicit, hops: 255));
        yield return ("nested hop count equal to the outer", Relay(Relay(solicit, hops: 1), hops: 1));
        yield return ("nested hop count above the outer", Relay(Relay(solicit, hops: 5), hops: 0));
        yield return ("multicast peer-address", Relay(solicit, peer: "ff02::1"));
        yield return ("unspecified peer-address", Relay(solicit, peer: "::"));
        yield return ("loopback peer-address", Relay(solicit, peer: "::1"));
        yield return ("multicast link-address", Relay(solicit, link: "ff02::1:2"));
        yield return ("loopback link-address", Relay(solicit, link: "::1"));
        yield return ("bad peer-address in the inner relay", Relay(Relay(solicit, peer: "ff05::1:3"), hops: 1));
    }

    [Fact]
    public async Task Relay_forw_breaking_the_hop_count_link_address_or_peer_address_rules_is_dropped_and_counted_and_real_relays_are_answered()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new Dhcp6Lab();
        await using var server = new Dhcp6Server("dhcp6-relay", new Dhcp6ServerOptions { Interfaces = [lab.ServerInterface], Boot = new PxeBootOptions() });
        lab.Start(server);
        using var relay = Socket(lab, 547);
        using var otherPort = Socket(lab, 548);
        var to = Server(lab);

        int sent = 0, bad = 0, xid = 0x10;
        var batches = BadRelays(1).Select(b => (b.Why, b.Datagram, From: relay))
            .Append(("a relay sending from port 548 without a Relay Source Port option", Relay(WithXid(Solicit, 2)), otherPort));
        foreach (var (why, datagram, from) in batches)
        {
            for (int i = 0; i < 3; i++)
            {
                await from.SendToAsync(datagram, to);
                sent++;
                bad++;
            }

            // A real relay is still answered, and its Relay-repl is the first datagram back: no reply went to the forged ones.
            await relay.SendToAsync(Relay(WithXid(Solicit, ++xid), link: lab.Prefix + "2"), to);
            sent++;
            var answer = Innermost(await ReceiveAsync(relay, TimeSpan.FromSeconds(5)));
            Assert.True(answer is { MessageType: Dhcp6MessageType.Advertise } && answer.TransactionId == xid, $"after {why}: {answer?.MessageType} {answer?.TransactionId:x}");
        }

        Assert.Equal(0, otherPort.Available);

        // Plausible relays: two relays deep (hop counts 1 around 0), and port 548 with RFC 8357's option, answered at 548.
        await relay.SendToAsync(Relay(Relay(WithXid(Solicit, ++xid)), hops: 1), to);
        Assert.Equal((uint)xid, Innermost(await ReceiveAsync(relay, TimeSpan.FromSeconds(5)))?.TransactionId);
        await otherPort.SendToAsync(Relay(WithXid(Solicit, ++xid), extra: new Dhcp6Option(Dhcp6OptionCode.RelaySourcePort, new byte[2])), to);
        Assert.Equal((uint)xid, Innermost(await ReceiveAsync(otherPort, TimeSpan.FromSeconds(5)))?.TransactionId);
        sent += 2;

        Assert.True(SpinWait.SpinUntil(() => server.Statistics.Received >= sent, TimeSpan.FromSeconds(10)), $"received {server.Statistics.Received} of {sent}");
        var stats = server.Statistics;
        Assert.Equal(bad, stats.BadRelayAgents);
        Assert.Equal(bad, stats.Ignored);
        Assert.Equal(xid - 0x10, stats.ProxyOffers);
        Assert.Equal(0, stats.Malformed);
        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_flood_of_junk_and_forged_relays_at_full_speed_leaves_every_relayed_boot_client_answered_with_exact_counters()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new Dhcp6Lab();
        await using var server = new Dhcp6Server("dhcp6-relay-flood", new Dhcp6ServerOptions { Interfaces = [lab.ServerInterface], Boot = new PxeBootOptions() });
        lab.Start(server);
        using var relay = Socket(lab, 547);
        relay.ReceiveBufferSize = 4 * 1024 * 1024;
        var to = Server(lab);

        var random = new Random(21);
        var forged = BadRelays(0x7fff).Select(b => b.Datagram).ToArray();
        var wanted = new HashSet<uint>();
        int junk = 0, bad = 0;
        var datagrams = new List<byte[]>();
        for (int i = 0; i < 4000; i++)
        {
            if (i % 100 == 0)
            {
                int xid = 0x100 + i;
                wanted.Add((uint)xid);
                datagrams.Add(Relay(WithXid(Solicit, xid), peer: $"fe80::5054:ff:fe00:{i:x}"));
            }
            else if (i % 4 == 0)
            {
                datagrams.Add(forged[bad++ % forged.Length]);
            }
            else
            {
                datagrams.Add(Malformed(random));
                junk++;
            }
        }

        var answered = new HashSet<uint>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[65536];
            while (!answered.SetEquals(wanted) && !stop.IsCancellationRequested)
            {
                try
                {
                    var r = await relay.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.IPv6Any, 0), stop.Token);
                    if (Innermost(buffer[..r.ReceivedBytes]) is { } m)
                    {
                        answered.Add(m.TransactionId);
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
        foreach (var datagram in datagrams)
        {
            relay.SendTo(datagram, to); // as fast as the socket takes them
        }

        await receiving;
        Assert.Equal(wanted.Order(), answered.Order());
        Assert.True(SpinWait.SpinUntil(() => server.Statistics.Received >= datagrams.Count, TimeSpan.FromSeconds(15)), $"received {server.Statistics.Received} of {datagrams.Count}");
        var stats = server.Statistics;
        Assert.Equal(datagrams.Count, stats.Received);
        Assert.Equal(junk, stats.Malformed);
        Assert.Equal(bad, stats.BadRelayAgents);
        Assert.Equal(bad, stats.Ignored);
        Assert.Equal(wanted.Count, stats.ProxyOffers);
        Assert.Equal(0, stats.SendErrors);
        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task First_replies_are_bounded_by_the_request_they_answer_whatever_it_repeats()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new Dhcp6Lab();
        await using var server = new Dhcp6Server("dhcp6-amp", new Dhcp6ServerOptions
        {
            Interfaces = [lab.ServerInterface],
            StartRange = IPAddress.Parse(lab.Prefix + "100"),
            EndRange = IPAddress.Parse(lab.Prefix + "1ff"),
            RapidCommit = false,
            DnsServers = [IPAddress.Parse(lab.Prefix + "1"), IPAddress.Parse(lab.Prefix + "53")],
            Boot = new PxeBootOptions(),
        });
        lab.Start(server);
        using var client = Socket(lab, 546);
        using var relay = Socket(lab, 547);
        var to = Server(lab);

        Assert.True(Dhcp6Message.TryParse(Solicit, out var ovmf, out _));
        var clientId = new Dhcp6Option(Dhcp6OptionCode.ClientId, Dhcp6TestPackets.ClientDuid(1));
        byte[] minimal = new Dhcp6Message { MessageType = Dhcp6MessageType.Solicit, TransactionId = 1, Options = [clientId] }.ToArray();
        var manyIas = ovmf!.Options.ToList();
        for (uint iaid = 100; iaid < 300; iaid++)
        {
            manyIas.Add(new Dhcp6Option(Dhcp6OptionCode.IaNa, new Dhcp6IaNa { Iaid = iaid }.Encode()));
        }

        byte[] deep = WithXid(Solicit, 4);
        for (byte hops = 0; hops < Dhcp6Message.MaxRelayDepth; hops++)
        {
            deep = Relay(deep, hops, peer: hops == 0 ? ClientLinkLocal : lab.Prefix + "2");
        }

        var requests = new (string What, byte[] Request, Socket From)[]
        {
            ("minimal Solicit (client id only)", minimal, client),
            ("OVMF PXEv6 Solicit", WithXid(Solicit, 2), client),
            ("OVMF Solicit with 200 more IA_NAs", (ovmf with { TransactionId = 3, Options = manyIas }).ToArray(), client),
            ("Relay-forw 8 deep around the OVMF Solicit", deep, relay),
            ("Information-request asking for the boot URL", new Dhcp6Message
            {
                MessageType = Dhcp6MessageType.InformationRequest,
                TransactionId = 5,
                Options = [clientId, new Dhcp6Option(Dhcp6OptionCode.OptionRequest, Dhcp6OptionValues.EncodeUInt16List([59, 23, 24])), ovmf.Options.First(o => o.Code == Dhcp6OptionCode.ClientArchitecture)],
            }.ToArray(), client),
        };
        foreach (var (what, request, from) in requests)
        {
            await from.SendToAsync(request, to);
            byte[]? reply = await ReceiveAsync(from, TimeSpan.FromSeconds(5));
            Assert.True(reply is not null, $"no reply to the {what}");
            output.WriteLine($"{what}: {request.Length} bytes → {reply!.Length} bytes ({(double)reply.Length / request.Length:0.00}×)");
            Assert.True(reply.Length <= (request.Length * 3 / 2) + ServerPart, $"{reply.Length}-byte reply to a {request.Length}-byte {what}");
        }

        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_solicit_from_the_unspecified_address_is_ignored_and_counted_not_answered_to_the_servers_own_loopback()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new Dhcp6Lab();
        await using var server = new Dhcp6Server("dhcp6-unspecified", new Dhcp6ServerOptions { Interfaces = [lab.ServerInterface], Boot = new PxeBootOptions() });
        lab.Start(server);
        string mac = lab.InServer("cat", $"/sys/class/net/{lab.ServerInterface}/address").Trim();
        string script = Path.Combine(Path.GetTempPath(), $"pxt-dhcp6-unspecified-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, """
            import sys
            from scapy.all import Ether, IPv6, UDP, Raw, sendp
            iface, mac, dst, payload = sys.argv[1:5]
            for _ in range(5):
                sendp(Ether(dst=mac) / IPv6(src='::', dst=dst) / UDP(sport=546, dport=547) / Raw(bytes.fromhex(payload)), iface=iface, verbose=False)
            """);
        try
        {
            // A reply to [::]:546 is a reply to this host's own loopback (the BSD rule Linux keeps): nobody asked for it.
            var (code, _, error) = await lab.Client.ExecAsync(TimeSpan.FromSeconds(60), "/usr/bin/python3", script, lab.Client.ClientInterface, mac, lab.Prefix + "1", Convert.ToHexString(Solicit));
            Assert.True(code == 0, error);
        }
        finally
        {
            File.Delete(script);
        }

        Assert.True(SpinWait.SpinUntil(() => server.Statistics.Received >= 5, TimeSpan.FromSeconds(10)), $"received {server.Statistics.Received} of 5");
        var stats = server.Statistics;
        Assert.Equal(5, stats.Ignored);
        Assert.Equal(0, stats.ProxyOffers);
        Assert.Equal(0, stats.SendErrors);

        // The same Solicit from a real address is answered.
        using var client = Socket(lab, 546);
        await client.SendToAsync(Solicit, Server(lab));
        Assert.Equal(Dhcp6MessageType.Advertise, Innermost(await ReceiveAsync(client, TimeSpan.FromSeconds(5)))?.MessageType);
        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }
}
