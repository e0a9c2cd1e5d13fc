using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Interop.Linux;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Diagnostics;

/// <summary>
/// Finds every DHCP and proxyDHCP server on a segment: broadcasts a PXE DISCOVER and a plain DISCOVER from one interface
/// and collects the answers until the timeout. "A second DHCP server broke my boots" becomes one call. Linux binds the
/// socket to the interface (SO_BINDTODEVICE), so the interface needs no address.
/// </summary>
public static class DhcpServerProbe
{
    /// <summary>Probes from <paramref name="interfaceName"/> (null: the default route's interface) and returns one answer per server.</summary>
    /// <exception cref="SocketException">The client port cannot be bound (in use, or needs privilege).</exception>
    public static async Task<IReadOnlyList<DhcpServerAnswer>> ProbeAsync(string? interfaceName, TimeSpan timeout, int serverPort = 67, int clientPort = 68, CancellationToken cancellationToken = default)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };
        if (interfaceName is not null && OperatingSystem.IsLinux())
        {
            SocketOptions.BindToDevice(socket, interfaceName);
        }

        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Any, clientPort));
        byte[] mac = [.. DhcpProbeFilter.ProbeMacPrefix, (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256)];
        uint pxeXid = (uint)Random.Shared.Next(1, int.MaxValue);
        uint plainXid = pxeXid ^ 0x5A5A5A5A;
        var target = new IPEndPoint(IPAddress.Broadcast, serverPort);
        await socket.SendToAsync(Discover(mac, pxeXid, pxe: true).ToArray(), SocketFlags.None, target, cancellationToken).ConfigureAwait(false);
        await socket.SendToAsync(Discover(mac, plainXid, pxe: false).ToArray(), SocketFlags.None, target, cancellationToken).ConfigureAwait(false);

        var answers = new Dictionary<IPAddress, DhcpServerAnswer>();
        byte[] buffer = new byte[4096];
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(timeout);
        while (true)
        {
            SocketReceiveFromResult got;
            try
            {
                got = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), window.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }

            if (!DhcpMessage.TryParse(buffer.AsSpan(0, got.ReceivedBytes), out var reply, out _) || reply.Op != 2
                || (reply.TransactionId != pxeXid && reply.TransactionId != plainXid) || !reply.ClientHardwareAddress.AsSpan(0, 6).SequenceEqual(mac))
            {
                continue;
            }

            var source = ((IPEndPoint)got.RemoteEndPoint).Address;
            var answer = Describe(reply, source, reply.TransactionId == pxeXid ? "PXE" : "plain");
            answers[answer.ServerAddress] = answers.TryGetValue(answer.ServerAddress, out var known) ? Merge(known, answer) : answer;
        }

        return [.. answers.Values];
    }

    /// <summary>A DISCOVER as PXE firmware (BIOS, vendor class PXEClient, options 93/94/97) or a plain client sends it.</summary>
    internal static DhcpMessage Discover(byte[] mac, uint xid, bool pxe)
    {
        var message = new DhcpMessage { Op = 1, TransactionId = xid, Broadcast = true, MessageType = DhcpMessageType.Discover };
        mac.CopyTo(message.ClientHardwareAddress, 0);
        if (pxe)
        {
            message.Options.Set(DhcpOptionCode.ParameterRequestList, [1, 3, 6, 43, 54, 60, 66, 67]);
            message.Options.SetString(DhcpOptionCode.VendorClassIdentifier, "PXEClient:Arch:00000:UNDI:002001");
            message.Options.Set(DhcpOptionCode.ClientArchitecture, [0, 0]);
            message.Options.Set(DhcpOptionCode.ClientNetworkInterface, [1, 2, 1]);
            byte[] uuid = new byte[17];
            Guid.NewGuid().TryWriteBytes(uuid.AsSpan(1), bigEndian: true, out _);
            message.Options.Set(DhcpOptionCode.ClientMachineIdentifier, uuid);
        }
        else
        {
            message.Options.Set(DhcpOptionCode.ParameterRequestList, [1, 3, 6, 15, 54]);
        }

        return message;
    }

    private static DhcpServerAnswer Describe(DhcpMessage reply, IPAddress source, string probe)
    {
        var server = reply.Options.GetAddress(DhcpOptionCode.ServerIdentifier) ?? source;
        bool offers = !reply.YourAddress.Equals(IPAddress.Any);
        string? vendor = reply.Options.GetString(DhcpOptionCode.VendorClassIdentifier);
        var menu = new List<string>();
        bool pxe = vendor?.StartsWith("PXEClient", StringComparison.Ordinal) == true;
        if (reply.Options.TryGet(DhcpOptionCode.VendorSpecific, out var vendorOptions) && PxeVendorOptions.TryDecode(vendorOptions.Span, out var decoded, out _))
        {
            pxe = true;
            menu.AddRange(decoded.Menu.Select(m => m.Description));
        }

        string? file = reply.Options.GetString(DhcpOptionCode.BootFileName) ?? (reply.BootFileName.Length > 0 ? reply.BootFileName : null);
        var next = reply.Options.GetString(DhcpOptionCode.TftpServerName) is { } name && IPAddress.TryParse(name, out var parsed)
            ? parsed
            : reply.ServerAddress.Equals(IPAddress.Any) ? null : reply.ServerAddress;
        return new DhcpServerAnswer(server, source, offers, offers ? reply.YourAddress : null, pxe, [probe], file, next, menu);
    }

    private static DhcpServerAnswer Merge(DhcpServerAnswer a, DhcpServerAnswer b) => a with
    {
        OffersAddress = a.OffersAddress || b.OffersAddress,
        OfferedAddress = a.OfferedAddress ?? b.OfferedAddress,
        AnswersPxe = a.AnswersPxe || b.AnswersPxe,
        AnsweredProbes = a.AnsweredProbes.Union(b.AnsweredProbes).Order(StringComparer.Ordinal).ToList(),
        BootFile = a.BootFile ?? b.BootFile,
        NextServer = a.NextServer ?? b.NextServer,
        MenuItems = a.MenuItems.Count > 0 ? a.MenuItems : b.MenuItems,
    };
}
