using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Interop.Linux;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>A C# DHCP load client whose socket lives in the lab's client namespace (port 68, bound to the veth).</summary>
internal sealed class NamespaceDhcpClient : IDisposable
{
    private readonly Socket _socket;

    public NamespaceDhcpClient(NetnsLab lab, int port = 68)
    {
        _socket = lab.CreateClientSocket();
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Broadcast, true);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        SocketOptions.BindToDevice(_socket, lab.ClientInterface);
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _socket.Bind(new IPEndPoint(IPAddress.Any, port));
    }

    /// <summary>
    /// Sends every request to <paramref name="destination"/> and collects one reply per xid, sending the missing
    /// ones again each second (UDP); returns the replies by xid. Throws when some never come back.
    /// </summary>
    public async Task<Dictionary<uint, DhcpMessage>> ExchangeAsync(IReadOnlyList<DhcpMessage> requests, IPEndPoint destination, int attempts = 5)
    {
        var replies = new Dictionary<uint, DhcpMessage>();
        var wanted = requests.ToDictionary(r => r.TransactionId);
        var buffer = new byte[2048];
        for (int attempt = 0; attempt < attempts && replies.Count < wanted.Count; attempt++)
        {
            foreach (var r in wanted.Values.Where(r => !replies.ContainsKey(r.TransactionId)))
            {
                await _socket.SendToAsync(r.ToArray(), SocketFlags.None, destination);
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                while (replies.Count < wanted.Count)
                {
                    int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                    if (DhcpMessage.TryParse(buffer.AsSpan(0, n), out var m, out _) && m.Op == 2 && wanted.ContainsKey(m.TransactionId))
                    {
                        replies[m.TransactionId] = m;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // retransmit what is missing
            }
        }

        Assert.True(replies.Count == wanted.Count, $"{wanted.Count - replies.Count} of {wanted.Count} requests got no reply");
        return replies;
    }

    /// <summary>One request, one reply (or null after <paramref name="timeout"/>).</summary>
    public async Task<DhcpMessage?> TryExchangeAsync(DhcpMessage request, IPEndPoint destination, TimeSpan timeout)
    {
        var buffer = new byte[2048];
        await _socket.SendToAsync(request.ToArray(), SocketFlags.None, destination);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (DhcpMessage.TryParse(buffer.AsSpan(0, n), out var m, out _) && m.Op == 2 && m.TransactionId == request.TransactionId)
                {
                    return m;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The next server reply, or null after <paramref name="timeout"/> (a burst sent with <see cref="SendAsync"/>).</summary>
    public async Task<DhcpMessage?> ReceiveReplyAsync(TimeSpan timeout)
    {
        var buffer = new byte[2048];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (DhcpMessage.TryParse(buffer.AsSpan(0, n), out var m, out _) && m.Op == 2)
                {
                    return m;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Sends without waiting for replies (RELEASE, DECLINE, load).</summary>
    public async Task SendAsync(DhcpMessage request, IPEndPoint destination) => await _socket.SendToAsync(request.ToArray(), SocketFlags.None, destination);

    public void Dispose() => _socket.Dispose();
}
