using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Interop.Linux;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// A DHCP client socket in the root namespace on one end of a lab veth (bound to the device and to a client port the
/// server is told about), with one receive loop that hands replies to the exchange waiting for their xid.
/// </summary>
internal sealed class LabDhcpClient : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<DhcpMessage>> _waiting = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LabDhcpClient(string device, int port)
    {
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Broadcast, true);
        SocketOptions.BindToDevice(_socket, device);
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _socket.Bind(new IPEndPoint(IPAddress.Any, port));
        _loop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Sends <paramref name="request"/> until a reply with its xid comes back (retrying every <paramref name="retry"/>); null after <paramref name="attempts"/>.</summary>
    public async Task<DhcpMessage?> ExchangeAsync(DhcpMessage request, IPEndPoint destination, TimeSpan retry, int attempts)
    {
        var reply = new TaskCompletionSource<DhcpMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[request.TransactionId] = reply;
        try
        {
            byte[] bytes = request.ToArray();
            for (int i = 0; i < attempts; i++)
            {
                await _socket.SendToAsync(bytes, SocketFlags.None, destination);
                try
                {
                    return await reply.Task.WaitAsync(retry);
                }
                catch (TimeoutException)
                {
                    // lost in the flood: send it again
                }
            }

            return null;
        }
        finally
        {
            _waiting.TryRemove(request.TransactionId, out _);
        }
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

            if (DhcpMessage.TryParse(buffer.AsSpan(0, n), out var m, out _) && m.Op == 2 && _waiting.TryGetValue(m.TransactionId, out var waiter))
            {
                waiter.TrySetResult(m);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
