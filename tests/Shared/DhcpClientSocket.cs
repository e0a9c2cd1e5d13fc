using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Interop.Linux;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>
/// The client side of a lab DHCP exchange: a UDP socket with broadcast on, bound to one device and port (4 MiB receive
/// buffer, so a burst of replies is not lost in the kernel), and one receive loop that hands every server reply (op 2)
/// to its owner. Shared (linked) by the engine's tests (<c>Hostile.LabDhcpClient</c>) and the end-to-end tests
/// (<c>DoraClients</c>).
/// </summary>
internal sealed class DhcpClientSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly Func<DhcpMessage, Task> _onReply;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Sets up <paramref name="socket"/> (made in whichever namespace the client lives in, owned from here on) and starts receiving.</summary>
    public DhcpClientSocket(Socket socket, string device, int port, Func<DhcpMessage, Task> onReply)
    {
        _socket = socket;
        _onReply = onReply;
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Broadcast, true);
        SocketOptions.BindToDevice(_socket, device);
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _socket.Bind(new IPEndPoint(IPAddress.Any, port));
        _loop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Sends <paramref name="message"/> to <paramref name="destination"/>.</summary>
    public async Task SendAsync(DhcpMessage message, IPEndPoint destination) =>
        await _socket.SendToAsync(message.ToArray(), SocketFlags.None, destination);

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the socket was closed under the receive
        }

        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (DhcpMessage.TryParse(buffer.AsSpan(0, n), out var m, out _) && m.Op == 2)
            {
                await _onReply(m);
            }
        }
    }
}
