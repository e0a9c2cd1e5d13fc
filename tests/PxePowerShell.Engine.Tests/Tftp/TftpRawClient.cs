using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Tests.TestSupport;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>A bare UDP client that sends hand-made TFTP packets and reads the answers.</summary>
internal sealed class TftpRawClient : IDisposable
{
    private readonly Socket _socket;

    /// <summary>A client bound to an ephemeral port on <paramref name="address"/> (127.0.0.1 by default).</summary>
    public TftpRawClient(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(address, 0));
    }

    public void Send(IPEndPoint to, ReadOnlySpan<byte> datagram) => _socket.SendTo(datagram, SocketFlags.None, to);

    public void SendRequest(IPEndPoint to, TftpOpcode opcode, string name, string mode = "octet", params TftpOption[] options)
    {
        var buffer = new byte[4096];
        int n = TftpPacket.WriteRequest(buffer, opcode, name, mode, options);
        Send(to, buffer.AsSpan(0, n));
    }

    public async Task<(byte[] Datagram, IPEndPoint From)> ReceiveAsync(int timeoutMs = 5000)
    {
        var buffer = new byte[70_000];
        using var cts = new CancellationTokenSource(timeoutMs);
        var any = _socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(any, 0), cts.Token);
        return (buffer[..result.ReceivedBytes], (IPEndPoint)result.RemoteEndPoint);
    }

    /// <summary>Downloads a file in lock-step with the default options (the engine's client); returns the bytes.</summary>
    public Task<byte[]> GetAsync(IPEndPoint server, string name) =>
        TestTftpClient.DownloadAsync(_socket, server, name, new TftpClientOptions { Timeout = TimeSpan.FromSeconds(5), Retries = 0 });

    public void Dispose() => _socket.Dispose();
}
