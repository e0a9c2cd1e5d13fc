using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Tests.Dhcp;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// A DHCP client socket in the root namespace on one end of a lab veth (bound to the device and to a client port the
/// server is told about), whose receive loop hands replies to the exchange waiting for their xid.
/// </summary>
internal sealed class LabDhcpClient : IDisposable
{
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<DhcpMessage>> _waiting = new();
    private readonly DhcpClientSocket _socket;

    public LabDhcpClient(string device, int port) =>
        _socket = new DhcpClientSocket(new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp), device, port, OnReply);

    /// <summary>Sends <paramref name="request"/> until a reply with its xid comes back (retrying every <paramref name="retry"/>); null after <paramref name="attempts"/>.</summary>
    public async Task<DhcpMessage?> ExchangeAsync(DhcpMessage request, IPEndPoint destination, TimeSpan retry, int attempts)
    {
        var reply = new TaskCompletionSource<DhcpMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[request.TransactionId] = reply;
        try
        {
            for (int i = 0; i < attempts; i++)
            {
                await _socket.SendAsync(request, destination);
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

    public void Dispose() => _socket.Dispose();

    private Task OnReply(DhcpMessage reply)
    {
        if (_waiting.TryGetValue(reply.TransactionId, out var waiter))
        {
            waiter.TrySetResult(reply);
        }

        return Task.CompletedTask;
    }
}
