using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Interop.Linux;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>
/// One UDP socket of the DHCPv6 server: [::]:port tied to one interface (SO_BINDTODEVICE), joined to
/// All_DHCP_Relay_Agents_and_Servers (ff02::1:2) on it, so Solicits (multicast) and Requests unicast to the server
/// arrive; replies go back to the sender's address and port with its scope.
/// </summary>
internal sealed class Dhcp6Listener : IDisposable
{
    /// <summary>All_DHCP_Relay_Agents_and_Servers.</summary>
    public static readonly IPAddress AllServers = IPAddress.Parse("ff02::1:2");

    private Dhcp6Listener(Socket socket, Dhcp6Interface iface)
    {
        Socket = socket;
        Interface = iface;
        var local = iface.LinkLocal ?? iface.Global ?? IPAddress.IPv6Loopback;
        LocalEndPoint = new IPEndPoint(local, ((IPEndPoint)socket.LocalEndPoint!).Port);
    }

    public delegate Dhcp6Message? Handler(Dhcp6Listener listener, ReadOnlySpan<byte> datagram, IPEndPoint source);

    public Socket Socket { get; }

    public Dhcp6Interface Interface { get; }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Opens the socket; throws <see cref="UnauthorizedAccessException"/> or <see cref="IOException"/> with a clear message.</summary>
    public static Dhcp6Listener Open(Dhcp6Interface iface, int port)
    {
        var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.DualMode = false;
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.PacketInformation, true);
            DhcpListener.SetReceiveBuffer(socket, 16 * 1024 * 1024); // bursts of Solicits (a rack powering on) queue, not drop
            if (OperatingSystem.IsLinux())
            {
                SocketOptions.BindToDevice(socket, iface.Name);
            }
            else
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            if (!iface.IsLoopback)
            {
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(AllServers, iface.Index));
            }

            return new Dhcp6Listener(socket, iface);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw ex.SocketErrorCode switch
            {
                SocketError.AccessDenied => new PxeStartException(
                    PxeErrorIds.PortAccessDenied,
                    PxeErrorCategory.PermissionDenied,
                    $"UDP port {port} (DHCPv6) on {iface.Name} needs root or CAP_NET_BIND_SERVICE and CAP_NET_RAW; use -Dhcp6Port or run elevated.",
                    ex),
                SocketError.AddressAlreadyInUse => new PxeStartException(
                    PxeErrorIds.PortInUse,
                    PxeErrorCategory.ResourceExists,
                    $"UDP port {port} (DHCPv6) is already in use on {iface.Name} (another DHCPv6 server such as dnsmasq or Kea?); stop it or use another port.",
                    ex),
                _ => new IOException($"Cannot listen on UDP port {port} (DHCPv6) on {iface.Name}: {ex.Message}", ex),
            };
        }
    }

    /// <summary>Receives until cancelled; each datagram goes to <paramref name="handler"/> and its reply is sent to the sender.</summary>
    public async Task RunAsync(Handler handler, DhcpCounters counters, CancellationToken cancellationToken)
    {
        var receive = new byte[Dhcp6Message.MaxMessageSize];
        var send = new byte[Dhcp6Message.MaxMessageSize];
        EndPoint any = new IPEndPoint(IPAddress.IPv6Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveMessageFromResult result;
            try
            {
                result = await Socket.ReceiveMessageFromAsync(receive, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.MessageSize or SocketError.ConnectionReset)
            {
                counters.Received();
                counters.Malformed();
                continue;
            }
            catch (SocketException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var source = (IPEndPoint)result.RemoteEndPoint;
            var reply = handler(this, receive.AsSpan(0, result.ReceivedBytes), source);
            if (reply is null)
            {
                continue;
            }

            int length = reply.WriteTo(send);
            if (length <= 0)
            {
                counters.SendError();
                continue;
            }

            if (source.Address.IsIPv6LinkLocal && source.Address.ScopeId == 0)
            {
                source = new IPEndPoint(new IPAddress(source.Address.GetAddressBytes(), Interface.Index), source.Port);
            }

            try
            {
                Socket.SendTo(send.AsSpan(0, length), SocketFlags.None, source);
            }
            catch (SocketException)
            {
                counters.SendError();
            }
            catch (ObjectDisposedException)
            {
                break;
            }
        }
    }

    public void Dispose() => Socket.Dispose();
}
