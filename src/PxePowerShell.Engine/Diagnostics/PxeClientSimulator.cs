using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Interop.Linux;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Diagnostics;

/// <summary>
/// A PXE client in software, for diagnostics (<c>Test-PxeServer</c>): sends a real PXE DISCOVER, follows the
/// proxy offer to port 4011, downloads the boot file (TFTP or HTTP) and the pxelinux menu it reads, and reports
/// each step with its time and what went wrong. Network failures become failed steps, never exceptions.
/// </summary>
public sealed class PxeClientSimulator
{
    private readonly PxeClientSimulatorOptions _options;
    private readonly TimeProvider _time;
    private PxeTestRecorder _log;

    /// <summary>Creates a simulator.</summary>
    public PxeClientSimulator(PxeClientSimulatorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _log = new PxeTestRecorder(_time, null);
    }

    /// <summary>Runs one simulated boot. Only cancellation throws.</summary>
    public async Task<PxeTestResult> RunAsync(IProgress<PxeTestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        _log = new PxeTestRecorder(_time, progress);
        long started = _time.GetTimestamp();
        var state = new PxeSimulationState();
        await RunStepsAsync(state, cancellationToken).ConfigureAwait(false);
        var failed = _log.Steps.FirstOrDefault(s => !s.Success);
        return new PxeTestResult
        {
            Success = failed is null && _log.Steps.Count > 0,
            MacAddress = _options.MacAddress.ToString(),
            Architecture = _options.Architecture,
            ProxyServer = state.ProxyServer,
            BootServer = state.BootServer,
            BootFile = state.BootFile,
            MenuFile = state.MenuFile,
            Bytes = state.Bytes,
            BootFileSha256 = state.Sha256,
            DhcpOffers = state.DhcpOffers,
            TotalDuration = _time.GetElapsedTime(started),
            Error = failed is null ? null : $"{failed.Step}: {failed.Error}",
            Steps = _log.Steps.ToArray(),
        };
    }

    private async Task RunStepsAsync(PxeSimulationState state, CancellationToken cancellationToken)
    {
        long t0 = _log.Start();
        _log.Report(PxeTestStepNames.Discover, "sending DISCOVER");
        if (!TryOpen(t0, out var local, out var socket))
        {
            return;
        }

        using (socket)
        {
            uint xid = (uint)Random.Shared.Next();
            if (!await SendDiscoverAsync(socket, xid, t0, cancellationToken).ConfigureAwait(false)
                || await ProxyOfferAsync(socket, xid, state, cancellationToken).ConfigureAwait(false) is not { } offer)
            {
                return;
            }

            var (proxy, server, vendor) = offer;
            DhcpMessage final = proxy;
            string? file = FileOf(proxy);
            var menuItem = vendor?.Menu.FirstOrDefault(m => m.Type != 0);
            if (menuItem is not null || file is null)
            {
                // Ask the boot server on port 4011 (with the chosen boot item when there is a menu).
                var bootServer = menuItem is not null
                    ? vendor!.BootServers.FirstOrDefault(b => b.Type == menuItem.Type && b.Addresses.Count > 0)?.Addresses[0]
                    : null;
                bootServer ??= !proxy.ServerAddress.Equals(IPAddress.Any) && menuItem is null ? proxy.ServerAddress : server;
                if (await RequestBootServerAsync(socket, bootServer, local, menuItem, cancellationToken).ConfigureAwait(false) is not { } ack)
                {
                    return;
                }

                final = ack;
                file = FileOf(ack);
            }

            state.BootFile = file;
            if (file is null)
            {
                return;
            }

            var next = !final.ServerAddress.Equals(IPAddress.Any) ? final.ServerAddress
                : IPAddress.TryParse(final.Options.GetString(DhcpOptionCode.TftpServerName) ?? "", out var named) ? named
                : final.Options.GetAddress(DhcpOptionCode.ServerIdentifier) ?? server;
            state.BootServer = next;
            if (_options.DownloadBootFile)
            {
                await new PxeBootFileFetcher(_options, _log, () => OpenSocket(0), _time).FetchAsync(next, file, state, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private bool TryOpen(long started, out IPAddress? local, [NotNullWhen(true)] out Socket? socket)
    {
        local = null;
        socket = null;
        try
        {
            local = LocalAddress();
            socket = OpenSocket(_options.ClientPort);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException)
        {
            _log.Fail(PxeTestStepNames.Discover, started, ex is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                ? $"port {_options.ClientPort} is in use (a DHCP client or server on this machine?); use -ClientPort"
                : ex is SocketException { SocketErrorCode: SocketError.AccessDenied }
                    ? $"port {_options.ClientPort} needs root or CAP_NET_BIND_SERVICE; use -ClientPort or run elevated"
                    : ex.Message);
            return false;
        }
    }

    private async Task<bool> SendDiscoverAsync(Socket socket, uint xid, long started, CancellationToken cancellationToken)
    {
        var discover = NewRequest(DhcpMessageType.Discover, xid, IPAddress.Any);
        var target = new IPEndPoint(_options.ServerAddress ?? IPAddress.Broadcast, _options.ServerPort);
        try
        {
            await socket.SendToAsync(discover.ToArray(), SocketFlags.None, target, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            _log.Fail(PxeTestStepNames.Discover, started, $"could not send the DISCOVER to {target}: {ex.Message}");
            return false;
        }

        _log.Pass(PxeTestStepNames.Discover, started, $"DISCOVER xid 0x{xid:x8} to {target} as {_options.EffectiveVendorClass}");
        return true;
    }

    /// <summary>The offer to boot from, the server that sent it and its PXE options; null after a failed step.</summary>
    private async Task<(DhcpMessage Proxy, IPAddress Server, PxeVendorOptions? Vendor)?> ProxyOfferAsync(Socket socket, uint xid, PxeSimulationState state, CancellationToken cancellationToken)
    {
        long t1 = _log.Start();
        _log.Report(PxeTestStepNames.ProxyOffer, "waiting for offers");
        var (proxy, proxyFrom) = await CollectOffersAsync(socket, xid, state, cancellationToken).ConfigureAwait(false);
        if (proxy is null)
        {
            string others = state.DhcpOffers.Count == 0 ? "" : $" (DHCP offers without PXE: {string.Join(", ", state.DhcpOffers)})";
            _log.Fail(PxeTestStepNames.ProxyOffer, t1, $"no proxy offer within {PxeTestRecorder.Seconds(_options.Timeout)}{others}");
            return null;
        }

        var server = proxy.Options.GetAddress(DhcpOptionCode.ServerIdentifier) ?? proxyFrom?.Address ?? IPAddress.Any;
        state.ProxyServer = server;
        PxeVendorOptions? vendor = null;
        if (proxy.Options.TryGet(DhcpOptionCode.VendorSpecific, out var raw43) && PxeVendorOptions.TryDecode(raw43.Span, out var decoded, out _))
        {
            vendor = decoded;
        }

        string? file = FileOf(proxy);
        var menuItem = vendor?.Menu.FirstOrDefault(m => m.Type != 0);
        string offerDetail = $"from {server}" + (proxy.YourAddress.Equals(IPAddress.Any) ? "" : $", address {proxy.YourAddress}") + (menuItem is not null ? $", menu of {vendor!.Menu.Count} (first: '{menuItem.Description}')" : "")
            + (file is not null ? $", boot file {file}" : "") + (!proxy.ServerAddress.Equals(IPAddress.Any) ? $", next server {proxy.ServerAddress}" : "");
        _log.Pass(PxeTestStepNames.ProxyOffer, t1, offerDetail, server);
        return (proxy, server, vendor);
    }

    /// <summary>Collects offers until a proxy offer arrives or the window ends; else the first full DHCP offer that can boot.</summary>
    private async Task<(DhcpMessage? Offer, IPEndPoint? From)> CollectOffersAsync(Socket socket, uint xid, PxeSimulationState state, CancellationToken cancellationToken)
    {
        DhcpMessage? dhcpWithFile = null;
        IPEndPoint? dhcpFrom = null;
        using var window = _log.Window(_options.Timeout, cancellationToken);
        while (true)
        {
            var (reply, from) = await ReceiveDhcpAsync(socket, xid, window.Token, cancellationToken).ConfigureAwait(false);
            if (reply is null)
            {
                return (dhcpWithFile, dhcpFrom);
            }

            if (reply.MessageType != DhcpMessageType.Offer)
            {
                continue;
            }

            bool pxe = IsPxeVendor(reply);
            if (reply.YourAddress.Equals(IPAddress.Any))
            {
                if (pxe)
                {
                    return (reply, from);
                }

                continue;
            }

            // A full DHCP offer (address + boot file, or PXE options for port 4011) boots a client as well as a
            // proxy offer does: PxePowerShell's own -Dhcp and dnsmasq's dhcp-range + dhcp-boot send one.
            state.DhcpOffers.Add(reply.YourAddress);
            if (pxe || FileOf(reply) is not null)
            {
                dhcpWithFile ??= reply;
                dhcpFrom ??= from;
            }
        }
    }

    private async Task<DhcpMessage?> RequestBootServerAsync(Socket socket, IPAddress bootServer, IPAddress? local, PxeMenuItem? item, CancellationToken cancellationToken)
    {
        long t = _log.Start();
        _log.Report(PxeTestStepNames.Request4011, $"REQUEST to {bootServer}:{_options.PxePort}");
        uint xid = (uint)Random.Shared.Next();
        var request = NewRequest(DhcpMessageType.Request, xid, local ?? IPAddress.Any);
        request.Options.SetAddresses(DhcpOptionCode.ServerIdentifier, bootServer);
        if (item is not null)
        {
            request.Options.Set(DhcpOptionCode.VendorSpecific, new PxeVendorOptions { BootItem = new PxeBootItem(item.Type, 0) }.Encode());
        }

        var target = new IPEndPoint(bootServer, _options.PxePort);
        try
        {
            await socket.SendToAsync(request.ToArray(), SocketFlags.None, target, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            _log.Fail(PxeTestStepNames.Request4011, t, $"could not send the REQUEST to {target}: {ex.Message}");
            return null;
        }

        _log.Pass(PxeTestStepNames.Request4011, t, $"REQUEST xid 0x{xid:x8} to {target}" + (item is null ? "" : $" for boot item 0x{item.Type:x4} '{item.Description}'"), bootServer);
        long t2 = _log.Start();
        _log.Report(PxeTestStepNames.ProxyAck, "waiting for the ACK");
        using var window = _log.Window(_options.Timeout, cancellationToken);
        while (true)
        {
            var (reply, _) = await ReceiveDhcpAsync(socket, xid, window.Token, cancellationToken).ConfigureAwait(false);
            if (reply is null)
            {
                _log.Fail(PxeTestStepNames.ProxyAck, t2, $"no ACK from {target} within {PxeTestRecorder.Seconds(_options.Timeout)}", bootServer);
                return null;
            }

            if (reply.MessageType == DhcpMessageType.Nak)
            {
                _log.Fail(PxeTestStepNames.ProxyAck, t2, $"{target} answered NAK: {reply.Options.GetString(DhcpOptionCode.Message)}", bootServer);
                return null;
            }

            if (reply.MessageType != DhcpMessageType.Ack)
            {
                continue;
            }

            string? file = FileOf(reply);
            if (file is null)
            {
                _log.Fail(PxeTestStepNames.ProxyAck, t2, $"the ACK from {target} names no boot file", bootServer);
                return null;
            }

            _log.Pass(PxeTestStepNames.ProxyAck, t2, $"boot file {file} from next server {reply.ServerAddress}", bootServer, file);
            return reply;
        }
    }

    private async Task<(DhcpMessage? Reply, IPEndPoint? From)> ReceiveDhcpAsync(Socket socket, uint xid, CancellationToken window, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(DhcpMessage.MaxMessageSize + 512);
        try
        {
            while (true)
            {
                SocketReceiveFromResult got;
                try
                {
                    got = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), window).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return (null, null);
                }
                catch (SocketException)
                {
                    return (null, null);
                }

                if (!DhcpMessage.TryParse(buffer.AsSpan(0, got.ReceivedBytes), out var reply, out _)
                    || reply.Op != 2 || reply.TransactionId != xid)
                {
                    continue;
                }

                Span<byte> mac = stackalloc byte[6];
                _options.MacAddress.CopyTo(mac);
                if (!reply.HardwareAddress.StartsWith(mac))
                {
                    continue;
                }

                return (reply, (IPEndPoint)got.RemoteEndPoint);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private DhcpMessage NewRequest(DhcpMessageType type, uint xid, IPAddress clientAddress)
    {
        var message = new DhcpMessage { Op = 1, TransactionId = xid, ClientAddress = clientAddress };
        _options.MacAddress.CopyTo(message.ClientHardwareAddress);
        message.Broadcast = type == DhcpMessageType.Discover;
        message.MessageType = type;
        message.Options.Set(DhcpOptionCode.ParameterRequestList, [1, 3, 43, 54, 60, 66, 67, 97, 128, 129, 130]);
        message.Options.SetString(DhcpOptionCode.VendorClassIdentifier, _options.EffectiveVendorClass);
        ushort arch = (ushort)_options.Architecture;
        message.Options.Set(DhcpOptionCode.ClientArchitecture, [(byte)(arch >> 8), (byte)arch]);
        message.Options.Set(DhcpOptionCode.ClientNetworkInterface, [1, 2, 1]);
        Span<byte> uuid = stackalloc byte[17];
        uuid[0] = 0;
        _options.Uuid.TryWriteBytes(uuid[1..], bigEndian: true, out _);
        message.Options.Set(DhcpOptionCode.ClientMachineIdentifier, uuid);
        message.Options.Set(DhcpOptionCode.MaxMessageSize, [0x05, 0xB8]); // 1464
        if (_options.IsIpxe)
        {
            message.Options.SetString(DhcpOptionCode.UserClass, "iPXE");
        }

        return message;
    }

    private Socket OpenSocket(int port)
    {
        var socket = _options.SocketFactory?.Invoke() ?? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.EnableBroadcast = true;
            string? device = _options.Interface ?? (_options.Address is { } a && _options.SocketFactory is null ? InterfaceOf(a) : null);
            if (device is not null && OperatingSystem.IsLinux())
            {
                SocketOptions.BindToDevice(socket, device);
            }

            socket.Bind(new IPEndPoint(port == 0 && _options.Address is { } local ? local : IPAddress.Any, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private IPAddress? LocalAddress()
    {
        if (_options.Address is { } address)
        {
            return address;
        }

        if (_options.Interface is null || _options.SocketFactory is not null)
        {
            // Without a name to look up here (a socket factory may make its sockets in another network namespace).
            return null;
        }

        var nic = Net.NetworkInterfaces.GetAll().FirstOrDefault(n => n.Name == _options.Interface)
            ?? throw new InvalidOperationException($"there is no interface '{_options.Interface}' (in this network namespace); see 'ip link'");
        return nic.GetIPProperties().UnicastAddresses.Select(u => u.Address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
    }

    private static string? InterfaceOf(IPAddress address)
    {
        foreach (var nic in Net.NetworkInterfaces.GetAll())
        {
            if (nic.GetIPProperties().UnicastAddresses.Any(u => u.Address.Equals(address)))
            {
                return nic.Name;
            }
        }

        throw new InvalidOperationException($"{address} is not an address of this machine; give one of its interface addresses");
    }

    private static bool IsPxeVendor(DhcpMessage m)
    {
        string? vendor = m.Options.GetString(DhcpOptionCode.VendorClassIdentifier);
        return vendor is not null && (vendor.StartsWith("PXEClient", StringComparison.Ordinal) || vendor.StartsWith("HTTPClient", StringComparison.Ordinal));
    }

    private static string? FileOf(DhcpMessage m)
    {
        string? file = m.Options.GetString(DhcpOptionCode.BootFileName);
        if (string.IsNullOrEmpty(file))
        {
            file = m.BootFileName;
        }

        file = file?.TrimEnd('\0');
        return string.IsNullOrEmpty(file) ? null : file;
    }

}
