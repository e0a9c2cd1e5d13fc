using System.Net;
using System.Net.Sockets;
using System.Text;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Services;
using PxePowerShell.Engine.Tests.Dhcp;
using PxePowerShell.Engine.Tests.Tftp;

namespace PxePowerShell.Engine.Tests.Hosting;

/// <summary>The all-in-one server: HTTP, TFTP and DHCP over one namespace on loopback, with real clients.</summary>
public sealed class PxeServerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pxe-all-").FullName;
    private readonly string _data = Directory.CreateTempSubdirectory("pxe-all-data-").FullName;
    private readonly LoopbackClient _client = new();

    public PxeServerTests()
    {
        File.WriteAllText(Path.Combine(_root, "hello.txt"), "hello from the root\n");
        File.WriteAllBytes(Path.Combine(_root, "vmlinuz"), Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray());
    }

    private PxeServerConfiguration Configuration(DhcpMode mode = DhcpMode.ProxyDhcp, bool http = true) => new()
    {
        Name = "all-in-one",
        Root = _root,
        DhcpMode = mode,
        Interfaces = ["lo"],
        DhcpPort = 0,
        PxePort = 0,
        ClientPort = _client.Port,
        TftpPort = 0,
        Http = http,
        HttpPort = 0,
        RangeStart = IPAddress.Parse("127.0.0.150"),
        RangeEnd = IPAddress.Parse("127.0.0.160"),
        DataDirectory = _data,
    };

    private static BootConfiguration Entries() => new(
        new BootMenuSettings(),
        [new BootEntry { Name = "linux", Kernel = "vmlinuz", Arguments = "fetch={http}/live/filesystem.squashfs" }],
        DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Http_tftp_and_proxy_dhcp_serve_one_namespace_with_the_http_url_wired_in()
    {
        var chainload = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.Bios] = "undionly.kpxe", [ClientArchitecture.EfiX64] = "ipxe.efi" };
        await using var server = new PxeServer(Configuration() with { BootFiles = chainload }, new BootNamespace(_root), Entries);
        using var events = server.Events.Subscribe();
        await server.StartAsync();

        Assert.Equal(PxeServerState.Running, server.State);
        Assert.Equal(["Http", "Tftp", "ProxyDhcp"], server.Services.Select(s => s.Role).ToArray());
        Assert.All(server.Services, s => Assert.Equal("all-in-one", s.Name));
        Assert.Equal(IPAddress.Loopback, server.ServerAddress);
        int httpPort = server.Http!.EndPoints[0].Port;
        Assert.Equal($"http://127.0.0.1:{httpPort}/", server.HttpBootUrl);

        // TFTP and HTTP serve the same bytes.
        byte[] expected = File.ReadAllBytes(Path.Combine(_root, "vmlinuz"));
        using var tftp = new TftpRawClient();
        Assert.Equal(expected, await tftp.GetAsync(server.Tftp!.EndPoints[0], "vmlinuz"));
        using var http = new HttpClient();
        Assert.Equal(expected, await http.GetByteArrayAsync($"http://127.0.0.1:{httpPort}/vmlinuz"));

        // The generated iPXE menu names the kernel over HTTP and fills {http}.
        string script = await http.GetStringAsync($"http://127.0.0.1:{httpPort}/boot.ipxe");
        Assert.Contains($"http://127.0.0.1:{httpPort}/vmlinuz", script, StringComparison.Ordinal);
        Assert.Contains($"fetch=http://127.0.0.1:{httpPort}/live/filesystem.squashfs", script, StringComparison.Ordinal);

        // A UEFI HTTP-boot client is offered an http:// URL on this server; an iPXE client (chainloaded) the script over HTTP.
        int dhcpPort = server.Dhcp!.EndPoints[0].Port;
        await _client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(0x31), 0x51, "HTTPClient:Arch:00016:UNDI:003001", ClientArchitecture.EfiX64Http), dhcpPort);
        var offer = await _client.ReceiveAsync();
        Assert.Equal($"http://127.0.0.1:{httpPort}/ipxe.efi", offer.BootFileName);

        await _client.SendAsync(TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(0x32), ClientArchitecture.EfiX64, 0x52, ipxe: true), dhcpPort);
        var ipxeOffer = await _client.ReceiveAsync();
        Assert.Equal($"http://127.0.0.1:{httpPort}/boot.ipxe", ipxeOffer.BootFileName);

        var completed = await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.TransferCompleted && e.Protocol == PxeProtocol.Tftp);
        Assert.Equal("all-in-one", completed.Server);
        var statistics = server.GetStatistics();
        Assert.NotNull(statistics.Dhcp);
        Assert.True(statistics.Tftp!.CompletedTransfers >= 1);

        await server.StopAsync();
        Assert.All(server.Services, s => Assert.Equal(PxeServerState.Stopped, s.State));
        AssertNothingListensOn(httpPort);
    }

    [Fact]
    public async Task The_start_up_warm_up_runs_the_tftp_and_http_paths_on_throwaway_servers_and_leaves_no_trace()
    {
        await using var server = new PxeServer(Configuration(DhcpMode.None), new BootNamespace(_root), Entries);
        using var events = server.Events.Subscribe();
        await server.StartAsync();
        Assert.True(await server.WarmUp.WaitAsync(TimeSpan.FromSeconds(10)), "the warm-up did not fetch the menus");

        // Nothing of it reached the real server: no session, no request, and the first transfer event is a real client's.
        var statistics = server.GetStatistics();
        Assert.Equal(0, statistics.Tftp!.TotalSessions);
        Assert.Equal(0, statistics.Http!.Requests);
        using var tftp = new TftpRawClient();
        await tftp.GetAsync(server.Tftp!.EndPoints[0], "hello.txt");
        var first = await LoopbackClient.WaitForAsync(events, e => e.Kind is PxeEventKind.TransferStarted or PxeEventKind.TransferCompleted or PxeEventKind.TransferFailed);
        Assert.Equal("hello.txt", first.Path);
    }

    [Fact]
    public async Task Full_dhcp_mode_leases_an_address_and_names_the_boot_file()
    {
        await using var server = new PxeServer(Configuration(DhcpMode.Dhcp, http: false), new BootNamespace(_root), Entries);
        await server.StartAsync();
        var dhcp = Assert.IsType<DhcpServer>(server.Dhcp);
        Assert.Null(server.Http);
        Assert.Null(server.HttpBootUrl);

        await _client.SendAsync(TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(0x41), ClientArchitecture.Bios, 0x61), dhcp.EndPoints[0].Port);
        var offer = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Offer, offer.MessageType);
        Assert.InRange(IPv4.ToUInt32(offer.YourAddress), IPv4.ToUInt32(IPAddress.Parse("127.0.0.150")), IPv4.ToUInt32(IPAddress.Parse("127.0.0.160")));
        Assert.True(Directory.Exists(Path.Combine(_data, "leases")), "leases are kept under the data directory");
    }

    [Fact]
    public async Task No_dhcp_mode_runs_only_tftp()
    {
        await using var server = new PxeServer(Configuration(DhcpMode.None, http: false), new BootNamespace(_root));
        await server.StartAsync();
        Assert.Equal(["Tftp"], server.Services.Select(s => s.Role).ToArray());
        using var tftp = new TftpRawClient();
        Assert.Equal("hello from the root\n", Encoding.ASCII.GetString(await tftp.GetAsync(server.Tftp!.EndPoints[0], "hello.txt")));
    }

    [Fact]
    public async Task A_part_that_cannot_start_stops_the_parts_already_started()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int busy = ((IPEndPoint)holder.LocalEndPoint!).Port;
        await using var server = new PxeServer(Configuration() with { TftpPort = busy }, new BootNamespace(_root), Entries);

        var ex = await Assert.ThrowsAsync<PxeStartException>(() => server.StartAsync());
        Assert.Equal(("TFTP", busy, PxeErrorIds.PortInUse), (ex.Part, ex.Port, ex.ErrorId)); // the part that failed, not the HTTP one
        Assert.IsType<SocketException>(ex.InnerException);

        Assert.Equal(PxeServerState.Faulted, server.State);
        var http = Assert.IsType<Engine.Http.HttpBootServer>(server.Services[0]);
        Assert.Equal(PxeServerState.Stopped, http.State);
        Assert.Null(server.Dhcp);
    }

    [Fact]
    public async Task A_full_dhcp_configuration_without_a_range_is_refused_with_a_clear_message()
    {
        await using var server = new PxeServer(Configuration(DhcpMode.Dhcp, http: false) with { RangeStart = null }, new BootNamespace(_root));
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => server.StartAsync());
        Assert.Contains("needs a range", ex.Message, StringComparison.Ordinal);
        Assert.Equal(PxeServerState.Stopped, server.Tftp!.State);
    }

    [Fact]
    public async Task The_roots_own_menu_wins_over_the_generated_one()
    {
        File.WriteAllText(Path.Combine(_root, "boot.ipxe"), "#!ipxe\necho hand written\n");
        await using var server = new PxeServer(Configuration(DhcpMode.None), new BootNamespace(_root), Entries);
        await server.StartAsync();
        using var http = new HttpClient();
        Assert.Contains("hand written", await http.GetStringAsync($"{server.HttpBootUrl}boot.ipxe"), StringComparison.Ordinal);
        Assert.Contains("vmlinuz", await http.GetStringAsync($"{server.HttpBootUrl}grub/grub.cfg"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_one_known_address_each_client_gets_menus_for_the_address_it_reached()
    {
        var configuration = Configuration(DhcpMode.None) with { Interfaces = [], Addresses = [IPAddress.Parse("127.0.0.1"), IPAddress.Parse("127.0.0.2")] };
        var entries = () => new BootConfiguration(
            new BootMenuSettings(),
            [new BootEntry { Name = "linux", Kernel = "vmlinuz", Arguments = "fetch={http}/live/fs.squashfs nfs={server}" }],
            DateTimeOffset.UnixEpoch);
        await using var server = new PxeServer(configuration, new BootNamespace(_root), entries);
        await server.StartAsync();
        Assert.Null(server.ServerAddress);
        int httpPort = server.Http!.EndPoints[0].Port;
        Assert.Equal($"http://{{server}}:{httpPort}/", server.HttpBootUrl);

        using var http = new HttpClient();
        foreach (var address in new[] { "127.0.0.2", "127.0.0.3" })
        {
            string script = await http.GetStringAsync($"http://{address}:{httpPort}/boot.ipxe");
            Assert.Contains($"http://{address}:{httpPort}/vmlinuz", script, StringComparison.Ordinal);
            Assert.Contains($"fetch=http://{address}:{httpPort}/live/fs.squashfs nfs={address}", script, StringComparison.Ordinal);
        }

        using var tftp = new TftpRawClient();
        string menu = Encoding.ASCII.GetString(await tftp.GetAsync(new IPEndPoint(IPAddress.Parse("127.0.0.4"), server.Tftp!.EndPoints[0].Port), "pxelinux.cfg/default"));
        Assert.Contains($"fetch=http://127.0.0.4:{httpPort}/live/fs.squashfs nfs=127.0.0.4", menu, StringComparison.Ordinal);
    }

    // A connection refused proves the listener is gone. (Binding the port again is no proof either way: the stopped
    // server's closed connections sit in TIME_WAIT on it, and a parallel test's client may draw it as its ephemeral port.)
    private static void AssertNothingListensOn(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = Assert.Throws<SocketException>(() => socket.Connect(new IPEndPoint(IPAddress.Loopback, port)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_data, recursive: true);
    }
}
