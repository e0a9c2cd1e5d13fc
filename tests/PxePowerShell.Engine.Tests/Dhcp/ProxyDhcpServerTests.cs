using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Services;

namespace PxePowerShell.Engine.Tests.Dhcp;

public sealed class ProxyDhcpServerTests : IAsyncLifetime
{
    private readonly LoopbackClient _client = new();
    private ProxyDhcpServer _server = null!;
    private EventHub.Subscription _events = null!;

    public async Task InitializeAsync()
    {
        _server = new ProxyDhcpServer("proxy-test", new ProxyDhcpServerOptions { Interfaces = ["lo"], Port = 0, PxePort = 0, ClientPort = _client.Port });
        _events = _server.Events.Subscribe();
        await _server.StartAsync();
    }

    private int DhcpPort => _server.EndPoints[0].Port;

    private int PxePort => _server.EndPoints[1].Port;

    [Fact]
    public async Task Discover_proxy_offer_request_4011_ack()
    {
        Assert.Equal(PxeServerState.Running, _server.State);
        Assert.Equal("ProxyDhcp", _server.Role);
        Assert.Equal(IPAddress.Loopback, _server.EndPoints[0].Address);
        var mac = TestPackets.Mac(0x21);
        await _client.SendAsync(TestPackets.Pxe(DhcpMessageType.Discover, mac, ClientArchitecture.EfiBC, 0xabcd), DhcpPort);
        var offer = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Offer, offer.MessageType);
        Assert.Equal(0xabcdu, offer.TransactionId);
        Assert.Equal(IPAddress.Any, offer.YourAddress);
        Assert.Equal(IPAddress.Loopback, offer.Options.GetAddress(DhcpOptionCode.ServerIdentifier));
        Assert.Equal("PXEClient", offer.Options.GetString(DhcpOptionCode.VendorClassIdentifier));

        var request = TestPackets.Pxe(DhcpMessageType.Request, mac, ClientArchitecture.EfiBC, 0xabce).WithClientAddress(IPAddress.Loopback).With(DhcpOptionCode.ServerIdentifier, IPAddress.Loopback);
        await _client.SendAsync(request, PxePort);
        var ack = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Ack, ack.MessageType);
        Assert.Equal("syslinux.efi", ack.BootFileName);

        var e = await LoopbackClient.WaitForAsync(_events, x => x.Kind == PxeEventKind.ProxyAck);
        Assert.Equal("52-54-00-00-00-21", e.MacAddress);
        Assert.Equal("EfiX64", e.Architecture);
        Assert.Equal(7, e.ArchitectureId);
        Assert.Equal("syslinux.efi", e.BootFile);
        Assert.Equal(PxeProtocol.ProxyDhcp, e.Protocol);
        var stats = _server.GetStatistics();
        Assert.Equal(1, stats.ProxyOffers);
        Assert.Equal(1, stats.ProxyAcks);
    }

    [Fact]
    public async Task Non_pxe_clients_and_garbage_get_nothing_but_are_counted()
    {
        await _client.SendAsync(new byte[] { 1, 2, 3 }, DhcpPort);
        await _client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(0x22), 7, "android-dhcp-14"), DhcpPort);
        var ignored = await LoopbackClient.WaitForAsync(_events, x => x.Kind == PxeEventKind.Ignored);
        Assert.Contains("android-dhcp-14", ignored.Reason, StringComparison.Ordinal);

        // A PXE client after them is still answered, and it is the only reply.
        await _client.SendAsync(TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(0x23), ClientArchitecture.Bios, 9), DhcpPort);
        var offer = await _client.ReceiveAsync();
        Assert.Equal(9u, offer.TransactionId);
        var stats = _server.GetStatistics();
        Assert.Equal(1, stats.Malformed);
        Assert.Equal(1, stats.Ignored);
        Assert.Equal(3, stats.Received);
    }

    [Fact]
    public async Task A_port_in_use_is_a_clear_error()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Any, 0));
        int port = ((IPEndPoint)holder.LocalEndPoint!).Port;
        await using var second = new ProxyDhcpServer("proxy-busy", new ProxyDhcpServerOptions { Interfaces = ["lo"], Port = port, PxePort = 0 });
        var ex = await Assert.ThrowsAsync<PxeStartException>(() => second.StartAsync());
        Assert.Contains($"port {port} is already in use", ex.Message, StringComparison.Ordinal);
        Assert.Equal(PxeErrorIds.PortInUse, ex.ErrorId);
        Assert.Equal(PxeErrorCategory.ResourceExists, ex.Category);
        Assert.Equal(port, ex.Port);
        Assert.IsType<SocketException>(ex.InnerException);
        Assert.Equal(PxeServerState.Faulted, second.State);
    }

    [Fact]
    public async Task A_second_server_on_the_same_interface_and_port_is_refused()
    {
        await using var second = new ProxyDhcpServer("proxy-twice", new ProxyDhcpServerOptions { Interfaces = ["lo"], Port = DhcpPort, PxePort = 0 });
        var ex = await Assert.ThrowsAsync<PxeStartException>(() => second.StartAsync());
        Assert.Contains("already in use on lo", ex.Message, StringComparison.Ordinal);

        // The first one still answers.
        await _client.SendAsync(TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(0x24), ClientArchitecture.Bios, 11), DhcpPort);
        Assert.Equal(11u, (await _client.ReceiveAsync()).TransactionId);
    }

    [Fact]
    public async Task An_unknown_interface_is_a_clear_error()
    {
        await using var bad = new ProxyDhcpServer("proxy-bad", new ProxyDhcpServerOptions { Interfaces = ["nosuch0"], Port = 0, PxePort = 0 });
        var ex = await Assert.ThrowsAsync<PxeStartException>(() => bad.StartAsync());
        Assert.Contains("nosuch0", ex.Message, StringComparison.Ordinal);
        Assert.Equal(PxeErrorIds.InterfaceNotFound, ex.ErrorId);
        Assert.Equal(PxeErrorCategory.ObjectNotFound, ex.Category);
    }

    public async Task DisposeAsync()
    {
        _events.Dispose();
        await _server.DisposeAsync();
        Assert.Equal(PxeServerState.Stopped, _server.State);
        _client.Dispose();
    }
}
