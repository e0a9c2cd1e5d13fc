using System.Globalization;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Tests.Dhcp6;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// The DHCPv6 server under the same abuse as the IPv4 one: thousands of malformed datagrams and messages that parse
/// but break the rules (server id in a Solicit, no client id, oversized DUID, relays nested past the hop limit) sent
/// to ff02::1:2 between real OVMF Solicits. Every malformed one is counted, every rule breaker ignored, every boot
/// client still answered, and the server stops (twice).
/// </summary>
[Collection("netns")]
public sealed class Dhcp6FloodTests
{
    // Sends every line (hex) of a file to ff02::1:2%iface:547 from port 546, then prints the transaction id of each reply.
    private const string Sender = """
import socket, sys, select, time
iface, path = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
s.bind(('::', 546))
index = socket.if_nametoindex(iface)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
s.setblocking(False)
replies = []
def drain():
    while True:
        try:
            data, _ = s.recvfrom(4096)
        except BlockingIOError:
            return
        replies.append(data[1:4].hex())
for line in open(path):
    s.sendto(bytes.fromhex(line.strip()), ('ff02::1:2', 547, 0, index))
    drain()
deadline = time.time() + 5
while time.time() < deadline:
    select.select([s], [], [], 0.2)
    drain()
print('\n'.join(replies), flush=True)
""";

    [Fact]
    public async Task Malformed_and_rule_breaking_datagrams_among_ovmf_solicits_are_counted_and_ignored_and_every_solicit_is_answered()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new Dhcp6Lab();
        await using var server = new Dhcp6Server("dhcp6-flood", new Dhcp6ServerOptions { Interfaces = [lab.ServerInterface], Boot = new PxeBootOptions() });
        lab.Start(server);

        var random = new Random(6);
        var solicit = Dhcp6Vectors.Payloads("ovmf-pxev6-solicit.pcap")[0];
        var lines = new List<string>();
        var wanted = new HashSet<string>();
        int garbage = 0, breakers = 0;
        for (int i = 0; i < 3000; i++)
        {
            if (i % 100 == 0)
            {
                var copy = (byte[])solicit.Clone();
                copy[3] = (byte)(i / 100); // a distinct transaction id per boot client
                wanted.Add(Convert.ToHexString(copy.AsSpan(1, 3)).ToLowerInvariant());
                lines.Add(Convert.ToHexString(copy));
            }
            else if (i % 10 == 0)
            {
                lines.Add(Convert.ToHexString(RuleBreaker(random, solicit)));
                breakers++;
            }
            else
            {
                lines.Add(Convert.ToHexString(Malformed(random, solicit)));
                garbage++;
            }
        }

        string file = Path.Combine(Path.GetTempPath(), $"pxt-dhcp6-flood-{Guid.NewGuid():N}");
        string script = file + ".py";
        await File.WriteAllLinesAsync(file, lines);
        await File.WriteAllTextAsync(script, Sender);
        try
        {
            var (code, output, error) = await lab.Client.ExecAsync(TimeSpan.FromSeconds(60), "/usr/bin/python3", script, lab.Client.ClientInterface, file);
            Assert.True(code == 0, error);
            var answered = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            Assert.Equal(wanted.Order(), answered.Order());
        }
        finally
        {
            File.Delete(file);
            File.Delete(script);
        }

        var stats = server.Statistics;
        Assert.True(
            SpinWait.SpinUntil(() => server.Statistics.Received >= lines.Count, TimeSpan.FromSeconds(10)),
            $"received {server.Statistics.Received} of {lines.Count}");
        stats = server.Statistics;
        Assert.Equal(garbage, stats.Malformed);
        Assert.Equal(breakers, stats.Ignored);
        Assert.Equal(wanted.Count, stats.ProxyOffers);
        Assert.Equal(0, stats.SendErrors);
        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>A datagram the codec refuses: random bytes, an unknown type, a truncated Solicit, an option overrunning the datagram.</summary>
    private static byte[] Malformed(Random random, byte[] solicit)
    {
        while (true)
        {
            byte[] d;
            switch (random.Next(4))
            {
                case 0:
                    d = new byte[random.Next(1, 400)];
                    random.NextBytes(d);
                    break;
                case 1:
                    d = new byte[random.Next(0, 4)];
                    random.NextBytes(d);
                    break;
                case 2:
                    d = solicit[..random.Next(5, solicit.Length - 1)];
                    break;
                default:
                    d = (byte[])solicit.Clone();
                    d[7] = 0xff; // client id length past the end
                    break;
            }

            if (d.Length > 0 && !Dhcp6Message.TryParse(d, out _, out _))
            {
                return d;
            }
        }
    }

    /// <summary>A message that parses but a server must ignore.</summary>
    private static byte[] RuleBreaker(Random random, byte[] solicit)
    {
        Assert.True(Dhcp6Message.TryParse(solicit, out var m, out _));
        var options = m!.Options.ToList();
        switch (random.Next(4))
        {
            case 0:
                options.Add(new Dhcp6Option(Dhcp6OptionCode.ServerId, Dhcp6Duid.FromMacAddress([2, 9, 9, 9, 9, 9])));
                return (m with { Options = options }).ToArray();
            case 1:
                options.RemoveAll(o => o.Code == Dhcp6OptionCode.ClientId);
                return (m with { Options = options }).ToArray();
            case 2:
                options[options.FindIndex(o => o.Code == Dhcp6OptionCode.ClientId)] = new Dhcp6Option(Dhcp6OptionCode.ClientId, new byte[200]);
                return (m with { Options = options }).ToArray();
            default:
                return (m with { MessageType = Dhcp6MessageType.Reply }).ToArray();
        }
    }
}
