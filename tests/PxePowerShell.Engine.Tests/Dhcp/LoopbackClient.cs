using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>A DHCP client on 127.0.0.1 for server tests.</summary>
internal sealed class LoopbackClient : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;

    public async Task SendAsync(DhcpMessage message, int port) => await SendAsync(message.ToArray(), port);

    public async Task SendAsync(byte[] datagram, int port) => await _udp.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, port));

    public async Task<DhcpMessage> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        var result = await _udp.ReceiveAsync(cts.Token);
        Assert.True(DhcpMessage.TryParse(result.Buffer, out var m, out var error), error);
        return m!;
    }

    public bool HasPending => _udp.Available > 0;

    public void Dispose() => _udp.Dispose();

    public static async Task<PxeEvent> WaitForAsync(EventHub.Subscription events, Func<PxeEvent, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var e = await events.Reader.ReadAsync(cts.Token);
            if (match(e))
            {
                return e;
            }
        }
    }
}
