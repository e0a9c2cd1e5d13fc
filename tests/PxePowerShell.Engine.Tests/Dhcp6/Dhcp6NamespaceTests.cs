using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Tests.Dhcp;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Dhcp6;

/// <summary>
/// The DHCPv6 server in a namespace of its own on port 547 (joined to ff02::1:2 on its end of a veth), clients inside
/// the other namespace: OVMF's captured Solicit sent to ff02::1:2 from the client's link-local address (boot-only),
/// and ISC dhclient -6 (Solicit, Advertise, Request, Reply) writing an IA_NA lease (full DHCPv6).
/// </summary>
[Collection("netns")]
public sealed class Dhcp6NamespaceTests
{
    // Sends a payload to ff02::1:2%iface:port from [::]:sport and prints each reply as hex, one a line, for 3 s.
    private const string MulticastClient = """
import socket, sys, select, time
iface, port, sport, payload = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), bytes.fromhex(sys.argv[4])
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
s.bind(('::', sport))
index = socket.if_nametoindex(iface)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
deadline = time.time() + 3
s.sendto(payload, ('ff02::1:2', port, 0, index))
while time.time() < deadline:
    r, _, _ = select.select([s], [], [], max(0, deadline - time.time()))
    if r:
        data, source = s.recvfrom(4096)
        print(source[0] + ' ' + data.hex(), flush=True)
""";

    [Fact]
    public async Task Boot_only_server_answers_ovmfs_solicit_sent_to_ff02_1_2_with_the_tftp_url_of_its_global_address()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new Dhcp6Lab();
        await using var server = new Dhcp6Server("dhcp6-ns", new Dhcp6ServerOptions { Interfaces = [lab.ServerInterface], Boot = new PxeBootOptions() });
        using var events = server.Events.Subscribe();
        lab.Start(server);
        Assert.Equal("ProxyDhcp6", server.Role);
        Assert.True(server.EndPoints.Single().Address.IsIPv6LinkLocal);

        var solicit = Dhcp6Vectors.Payloads("ovmf-pxev6-solicit.pcap")[0];
        var replies = await SendFromNamespaceAsync(lab.Client, 547, 546, solicit);
        var (source, reply) = Assert.Single(replies);
        Assert.StartsWith("fe80::", source, StringComparison.Ordinal);
        Assert.Equal(Dhcp6MessageType.Advertise, reply.MessageType);
        Assert.Equal(0x3d0d47u, reply.TransactionId);
        Assert.Equal($"tftp://[{lab.Prefix}1]/syslinux.efi", Dhcp6TestPackets.Url(reply));
        Assert.Equal(server.ServerDuid, Dhcp6Duid.ToText(reply.ServerId.Span));

        var e = await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.ProxyOffer);
        Assert.Equal((PxeProtocol.Dhcp6, "52-54-00-12-34-60", "00-01-00-01-31-e8-48-1e-52-54-00-12-34-60"), (e.Protocol, e.MacAddress, e.Duid));
        Assert.Equal("EfiBC", e.Architecture);

        var ordinary = new Dhcp6Message { MessageType = Dhcp6MessageType.Solicit, TransactionId = 9, Options = [new(Dhcp6OptionCode.ClientId, Dhcp6TestPackets.ClientDuid(9))] };
        Assert.Empty(await SendFromNamespaceAsync(lab.Client, 547, 546, ordinary.ToArray()));
        var ignored = await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.Ignored && e.TransactionId == 9);
        Assert.Contains("not a network-boot client", ignored.Reason, StringComparison.Ordinal);
        Assert.Equal(1, server.Statistics.ProxyOffers);
        await server.StopAsync();
        await server.StopAsync();
    }

    [Fact]
    public async Task Dhclient_6_gets_an_address_from_the_range_and_the_lease_is_journaled()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        Assert.True(File.Exists("/usr/sbin/dhclient") || File.Exists("/sbin/dhclient"), "needs isc-dhcp-client");
        using var lab = new Dhcp6Lab();
        string dir = Path.Combine(Path.GetTempPath(), "pxt-dhcp6-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new Dhcp6ServerOptions
            {
                Interfaces = [lab.ServerInterface],
                StartRange = IPAddress.Parse(lab.Prefix + "100"),
                EndRange = IPAddress.Parse(lab.Prefix + "1ff"),
                DataDirectory = dir,
            };
            await using var server = new Dhcp6Server("dhcp6-full", options);
            using var events = server.Events.Subscribe();
            lab.Start(server);
            Assert.Equal("Dhcp6", server.Role);

            string leases = Path.Combine(dir, "dhclient6.leases");
            var (code, output, error) = await lab.Client.ExecAsync(
                TimeSpan.FromSeconds(60),
                "dhclient", "-6", "-1", "-v", "-lf", leases, "-pf", Path.Combine(dir, "dhclient6.pid"), "-sf", "/bin/true", lab.Client.ClientInterface);
            Assert.True(code == 0, output + error);
            string text = await File.ReadAllTextAsync(leases);
            Assert.Contains($"iaaddr {lab.Prefix}100", text, StringComparison.Ordinal);

            var ack = await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.DhcpAck);
            Assert.Equal(IPAddress.Parse(lab.Prefix + "100"), ack.IPAddress);
            var lease = Assert.Single(server.GetLeases());
            Assert.Equal((AddressState.Active, ack.Duid), (lease.AddressState, lease.ClientId));
            await server.StopAsync();
            Assert.Equal(IPAddress.Parse(lab.Prefix + "100"), Assert.Single(JournalLeaseStore.Read(dir).Leases).IPAddress);
        }
        finally
        {
            // dhclient -1 goes to the background once it has its lease: stop the one this test started, by its pid file.
            string pidFile = Path.Combine(dir, "dhclient6.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid))
            {
                try
                {
                    using var dhclient = System.Diagnostics.Process.GetProcessById(pid);
                    dhclient.Kill();
                    dhclient.WaitForExit(10_000);
                }
                catch (ArgumentException)
                {
                    // already gone
                }
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    internal static async Task<List<(string Source, Dhcp6Message Reply)>> SendFromNamespaceAsync(NetnsLab lab, int port, int sourcePort, byte[] payload)
    {
        string script = Path.Combine(Path.GetTempPath(), $"pxt-dhcp6-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, MulticastClient);
        try
        {
            var (code, output, error) = await lab.ExecAsync(
                TimeSpan.FromSeconds(30), "/usr/bin/python3", script, lab.ClientInterface, port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                sourcePort.ToString(System.Globalization.CultureInfo.InvariantCulture), Convert.ToHexString(payload));
            Assert.True(code == 0, error);
            var list = new List<(string, Dhcp6Message)>();
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ');
                Assert.True(Dhcp6Message.TryParse(Convert.FromHexString(parts[1]), out var m, out var parseError), parseError);
                list.Add((parts[0], m!));
            }

            return list;
        }
        finally
        {
            File.Delete(script);
        }
    }
}
