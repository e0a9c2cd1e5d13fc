using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Boot.SecureBoot;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Diagnostics;

/// <summary>
/// A PXE client in software, for diagnostics (<c>Test-PxeServer</c>): sends a real PXE DISCOVER, follows the
/// proxy offer to port 4011, downloads the boot file (TFTP or HTTP) and the pxelinux menu it reads, and reports
/// each step with its time and what went wrong. Network failures become failed steps, never exceptions.
/// </summary>
public sealed class PxeClientSimulator
{
    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;
    private readonly PxeClientSimulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly List<PxeTestStep> _steps = [];
    private IProgress<PxeTestProgress>? _progress;

    /// <summary>Creates a simulator.</summary>
    public PxeClientSimulator(PxeClientSimulatorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Runs one simulated boot. Only cancellation throws.</summary>
    public async Task<PxeTestResult> RunAsync(IProgress<PxeTestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        _progress = progress;
        _steps.Clear();
        long started = _time.GetTimestamp();
        var state = new RunState();
        try
        {
            await RunStepsAsync(state, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }

        var failed = _steps.FirstOrDefault(s => !s.Success);
        return new PxeTestResult
        {
            Success = failed is null && _steps.Count > 0,
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
            Steps = _steps.ToArray(),
        };
    }

    private sealed class RunState
    {
        public IPAddress? ProxyServer;
        public IPAddress? BootServer;
        public string? BootFile;
        public string? MenuFile;
        public long Bytes;
        public string? Sha256;
        public List<IPAddress> DhcpOffers = [];
    }

    private async Task RunStepsAsync(RunState state, CancellationToken cancellationToken)
    {
        string seconds = Seconds(_options.Timeout);
        IPAddress? local;
        Socket socket;
        long t0 = _time.GetTimestamp();
        Report(PxeTestStepNames.Discover, "sending DISCOVER");
        try
        {
            local = LocalAddress();
            socket = OpenSocket(_options.ClientPort);
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException)
        {
            Fail(PxeTestStepNames.Discover, t0, ex is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                ? $"port {_options.ClientPort} is in use (a DHCP client or server on this machine?); use -ClientPort"
                : ex is SocketException { SocketErrorCode: SocketError.AccessDenied }
                    ? $"port {_options.ClientPort} needs root or CAP_NET_BIND_SERVICE; use -ClientPort or run elevated"
                    : ex.Message);
            return;
        }

        using (socket)
        {
            uint xid = (uint)Random.Shared.Next();
            var discover = NewRequest(DhcpMessageType.Discover, xid, IPAddress.Any);
            var target = new IPEndPoint(_options.ServerAddress ?? IPAddress.Broadcast, _options.ServerPort);
            try
            {
                await socket.SendToAsync(discover.ToArray(), SocketFlags.None, target, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                Fail(PxeTestStepNames.Discover, t0, $"could not send the DISCOVER to {target}: {ex.Message}");
                return;
            }

            Pass(PxeTestStepNames.Discover, t0, $"DISCOVER xid 0x{xid:x8} to {target} as {_options.EffectiveVendorClass}");

            // Collect offers until a PXE offer arrives or the window ends.
            long t1 = _time.GetTimestamp();
            Report(PxeTestStepNames.ProxyOffer, "waiting for offers");
            DhcpMessage? proxy = null;
            DhcpMessage? dhcpWithFile = null;
            IPEndPoint? proxyFrom = null;
            IPEndPoint? dhcpFrom = null;
            using (var window = Window(cancellationToken))
            {
                while (proxy is null)
                {
                    var (reply, from) = await ReceiveDhcpAsync(socket, xid, window.Token, cancellationToken).ConfigureAwait(false);
                    if (reply is null)
                    {
                        break;
                    }

                    if (reply.MessageType != DhcpMessageType.Offer)
                    {
                        continue;
                    }

                    bool pxe = IsPxeVendor(reply);
                    if (!reply.YourAddress.Equals(IPAddress.Any))
                    {
                        // A full DHCP offer (address + boot file, or PXE options for port 4011) boots a client as well as a
                        // proxy offer does: PxePowerShell's own -Dhcp and dnsmasq's dhcp-range + dhcp-boot send one.
                        state.DhcpOffers.Add(reply.YourAddress);
                        if (pxe || FileOf(reply) is not null)
                        {
                            dhcpWithFile ??= reply;
                            dhcpFrom ??= from;
                        }

                        continue;
                    }

                    if (pxe)
                    {
                        proxy = reply;
                        proxyFrom = from;
                    }
                }
            }

            if (proxy is null && dhcpWithFile is not null)
            {
                proxy = dhcpWithFile;
                proxyFrom = dhcpFrom;
            }
            if (proxy is null)
            {
                string others = state.DhcpOffers.Count == 0 ? "" : $" (DHCP offers without PXE: {string.Join(", ", state.DhcpOffers)})";
                Fail(PxeTestStepNames.ProxyOffer, t1, $"no proxy offer within {seconds}{others}");
                return;
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
            Pass(PxeTestStepNames.ProxyOffer, t1, offerDetail, server);

            DhcpMessage final = proxy;
            if (menuItem is not null || file is null)
            {
                // Ask the boot server on port 4011 (with the chosen boot item when there is a menu).
                var bootServer = menuItem is not null
                    ? vendor!.BootServers.FirstOrDefault(b => b.Type == menuItem.Type && b.Addresses.Count > 0)?.Addresses[0]
                    : null;
                bootServer ??= !proxy.ServerAddress.Equals(IPAddress.Any) && menuItem is null ? proxy.ServerAddress : server;
                var ack = await RequestBootServerAsync(socket, bootServer, local, menuItem, cancellationToken).ConfigureAwait(false);
                if (ack is null)
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
            if (!_options.DownloadBootFile)
            {
                return;
            }

            if (file.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || file.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                if (Uri.TryCreate(file, UriKind.Absolute, out var uri) && IPAddress.TryParse(uri.Host, out var host))
                {
                    state.BootServer = host;
                }

                await HttpDownloadAsync(file, state, cancellationToken).ConfigureAwait(false);
                return;
            }

            var (ok, bytes, sha) = await TftpDownloadAsync(PxeTestStepNames.TftpBootFile, next, file, missingIsFailure: true, cancellationToken).ConfigureAwait(false);
            state.Bytes = bytes;
            state.Sha256 = sha;
            if (ok && IsShim(file))
            {
                await SignedChainAsync(next, file, state, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (!ok || !IsPxelinux(file))
            {
                return;
            }

            await MenuAsync(next, file, state, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<DhcpMessage?> RequestBootServerAsync(Socket socket, IPAddress bootServer, IPAddress? local, PxeMenuItem? item, CancellationToken cancellationToken)
    {
        long t = _time.GetTimestamp();
        Report(PxeTestStepNames.Request4011, $"REQUEST to {bootServer}:{_options.PxePort}");
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
            Fail(PxeTestStepNames.Request4011, t, $"could not send the REQUEST to {target}: {ex.Message}");
            return null;
        }

        Pass(PxeTestStepNames.Request4011, t, $"REQUEST xid 0x{xid:x8} to {target}" + (item is null ? "" : $" for boot item 0x{item.Type:x4} '{item.Description}'"), bootServer);
        long t2 = _time.GetTimestamp();
        Report(PxeTestStepNames.ProxyAck, "waiting for the ACK");
        using var window = Window(cancellationToken);
        while (true)
        {
            var (reply, _) = await ReceiveDhcpAsync(socket, xid, window.Token, cancellationToken).ConfigureAwait(false);
            if (reply is null)
            {
                Fail(PxeTestStepNames.ProxyAck, t2, $"no ACK from {target} within {Seconds(_options.Timeout)}", bootServer);
                return null;
            }

            if (reply.MessageType == DhcpMessageType.Nak)
            {
                Fail(PxeTestStepNames.ProxyAck, t2, $"{target} answered NAK: {reply.Options.GetString(DhcpOptionCode.Message)}", bootServer);
                return null;
            }

            if (reply.MessageType != DhcpMessageType.Ack)
            {
                continue;
            }

            string? file = FileOf(reply);
            if (file is null)
            {
                Fail(PxeTestStepNames.ProxyAck, t2, $"the ACK from {target} names no boot file", bootServer);
                return null;
            }

            Pass(PxeTestStepNames.ProxyAck, t2, $"boot file {file} from next server {reply.ServerAddress}", bootServer, file);
            return reply;
        }
    }

    /// <summary>What shim and the network GRUB fetch next: grubx64.efi beside shim, then GRUB's grub/grub.cfg.</summary>
    private async Task SignedChainAsync(IPAddress server, string shim, RunState state, CancellationToken cancellationToken)
    {
        int slash = shim.LastIndexOf('/');
        string grub = (slash >= 0 ? shim[..(slash + 1)] : string.Empty) + SecureBootChain.GrubName;
        var (ok, _, _) = await TftpDownloadAsync(PxeTestStepNames.TftpSecondStage, server, grub, missingIsFailure: true, cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        long t = _time.GetTimestamp();
        var outcome = await TftpFetchAsync(PxeTestStepNames.TftpMenu, server, BootMenuLayout.GrubConfig, cancellationToken).ConfigureAwait(false);
        if (outcome.Error is null)
        {
            state.MenuFile = BootMenuLayout.GrubConfig;
            Pass(PxeTestStepNames.TftpMenu, t, $"{BootMenuLayout.GrubConfig} ({outcome.Bytes} bytes) from {server}", server, BootMenuLayout.GrubConfig, outcome.Bytes);
        }
        else
        {
            Fail(PxeTestStepNames.TftpMenu, t, $"no GRUB menu on TFTP server {server}: {outcome.Error}", server, BootMenuLayout.GrubConfig);
        }
    }

    private async Task MenuAsync(IPAddress server, string bootFile, RunState state, CancellationToken cancellationToken)
    {
        int slash = bootFile.LastIndexOf('/');
        string dir = slash >= 0 ? bootFile[..(slash + 1)] : "";
        string[] names = [$"{dir}pxelinux.cfg/01-{_options.MacAddress}", $"{dir}pxelinux.cfg/default"];
        long t = _time.GetTimestamp();
        foreach (var name in names)
        {
            var outcome = await TftpFetchAsync(PxeTestStepNames.TftpMenu, server, name, cancellationToken).ConfigureAwait(false);
            if (outcome.Error is null)
            {
                state.MenuFile = name;
                Pass(PxeTestStepNames.TftpMenu, t, $"{name} ({outcome.Bytes} bytes) from {server}", server, name, outcome.Bytes);
                return;
            }

            if (!outcome.NotFound)
            {
                Fail(PxeTestStepNames.TftpMenu, t, outcome.Error, server, name);
                return;
            }
        }

        Fail(PxeTestStepNames.TftpMenu, t, $"no pxelinux menu on TFTP server {server}: {string.Join(" and ", names)} not found", server);
    }

    private async Task<(bool Ok, long Bytes, string? Sha256)> TftpDownloadAsync(string step, IPAddress server, string file, bool missingIsFailure, CancellationToken cancellationToken)
    {
        long t = _time.GetTimestamp();
        var outcome = await TftpFetchAsync(step, server, file, cancellationToken).ConfigureAwait(false);
        if (outcome.Error is not null)
        {
            Fail(step, t, outcome.NotFound && missingIsFailure ? $"boot file '{file}' not found on TFTP server {server} ({outcome.Error})" : outcome.Error, server, file);
            return (false, outcome.Bytes, null);
        }

        Pass(step, t, $"{file}: {outcome.Bytes} bytes from {server}:{_options.TftpPort}, blksize {outcome.BlockSize}" + (outcome.Capped ? $" (stopped at {_options.MaxDownloadBytes} bytes)" : ""), server, file, outcome.Bytes);
        return (true, outcome.Bytes, outcome.Sha256);
    }

    private sealed record TftpOutcome(long Bytes, int BlockSize, string? Sha256, string? Error, bool NotFound, bool Capped);

    private async Task<TftpOutcome> TftpFetchAsync(string step, IPAddress server, string file, CancellationToken cancellationToken)
    {
        Report(step, $"TFTP {file} from {server}");
        Socket socket;
        try
        {
            socket = OpenSocket(0);
        }
        catch (SocketException ex)
        {
            return new TftpOutcome(0, 0, null, $"could not open a TFTP socket: {ex.Message}", false, false);
        }

        using var _ = socket;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] send = ArrayPool<byte>.Shared.Rent(1024);
        byte[] receive = ArrayPool<byte>.Shared.Rent(65536 + 4);
        try
        {
            TftpOption[] asked = [new("blksize", _options.BlockSize.ToString(CultureInfo.InvariantCulture)), new("tsize", "0")];
            int sendLength = TftpPacket.WriteRequest(send, TftpOpcode.ReadRequest, file, "octet", asked);
            EndPoint destination = new IPEndPoint(server, _options.TftpPort);
            int blockSize = TftpPacket.DefaultBlockSize;
            long? tsize = null;
            long bytes = 0;
            ushort expected = 1;
            bool first = true;
            int tries = 0;
            await socket.SendToAsync(send.AsMemory(0, sendLength), SocketFlags.None, destination, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                SocketReceiveFromResult got;
                using (var window = Window(cancellationToken))
                {
                    try
                    {
                        got = await socket.ReceiveFromAsync(receive, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), window.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        if (++tries > 3)
                        {
                            return new TftpOutcome(bytes, blockSize, null, first
                                ? $"no TFTP answer from {server}:{_options.TftpPort} within {Seconds(_options.Timeout)} (is a TFTP server running there?)"
                                : $"the TFTP transfer of '{file}' from {server} stalled after {bytes} bytes", false, false);
                        }

                        await socket.SendToAsync(send.AsMemory(0, sendLength), SocketFlags.None, destination, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    catch (SocketException ex)
                    {
                        return new TftpOutcome(bytes, blockSize, null, $"TFTP from {server}:{_options.TftpPort} failed: {ex.Message}", false, false);
                    }
                }

                var from = (IPEndPoint)got.RemoteEndPoint;
                if (!from.Address.Equals(server) && !(first && server.Equals(IPAddress.Broadcast)))
                {
                    continue;
                }

                if (first)
                {
                    destination = from; // the server's transfer ID
                }
                else if (!from.Equals(destination))
                {
                    continue;
                }

                var datagram = receive.AsSpan(0, got.ReceivedBytes);
                tries = 0;
                if (TftpPacket.TryParseError(datagram, out var code, out var message))
                {
                    return new TftpOutcome(bytes, blockSize, null, $"TFTP error {code}: {message}", code == TftpErrorCode.FileNotFound, false);
                }

                if (first && TftpPacket.TryParseOptionAck(datagram, out var acked))
                {
                    first = false;
                    foreach (var option in acked)
                    {
                        if (option.Is("blksize") && int.TryParse(option.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int b))
                        {
                            blockSize = b;
                        }
                        else if (option.Is("tsize") && long.TryParse(option.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long s))
                        {
                            tsize = s;
                        }
                    }

                    sendLength = TftpPacket.WriteAck(send, 0);
                    await socket.SendToAsync(send.AsMemory(0, sendLength), SocketFlags.None, destination, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!TftpPacket.TryParseData(datagram, out ushort block, out var payload))
                {
                    continue;
                }

                first = false;
                if (block != expected)
                {
                    continue; // a duplicate; the timeout re-sends the last ACK
                }

                int take = (int)Math.Min(payload.Length, Math.Max(0, _options.MaxDownloadBytes - bytes));
                hash.AppendData(payload[..take]);
                bytes += take;
                bool last = payload.Length < blockSize;
                if (!last && bytes >= _options.MaxDownloadBytes)
                {
                    sendLength = TftpPacket.WriteError(send, TftpErrorCode.NotDefined, "download limit reached");
                    await socket.SendToAsync(send.AsMemory(0, sendLength), SocketFlags.None, destination, cancellationToken).ConfigureAwait(false);
                    return new TftpOutcome(bytes, blockSize, Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(), null, false, true);
                }

                sendLength = TftpPacket.WriteAck(send, block);
                await socket.SendToAsync(send.AsMemory(0, sendLength), SocketFlags.None, destination, cancellationToken).ConfigureAwait(false);
                expected++;
                if (block % 64 == 0)
                {
                    _progress?.Report(new PxeTestProgress(step, $"TFTP {file}", bytes, tsize));
                }

                if (last)
                {
                    if (tsize is { } size && size != bytes)
                    {
                        return new TftpOutcome(bytes, blockSize, null, $"'{file}': the server announced {size} bytes (tsize) but sent {bytes}", false, false);
                    }

                    return new TftpOutcome(bytes, blockSize, Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(), null, false, false);
                }
            }
        }
        catch (SocketException ex)
        {
            return new TftpOutcome(0, 0, null, $"TFTP from {server}:{_options.TftpPort} failed: {ex.Message}", false, false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(send);
            ArrayPool<byte>.Shared.Return(receive);
        }
    }

    private async Task HttpDownloadAsync(string url, RunState state, CancellationToken cancellationToken)
    {
        long t = _time.GetTimestamp();
        string step = PxeTestStepNames.HttpBootFile;
        Report(step, $"GET {url}");
        using var http = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            using var window = Window(cancellationToken);
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, window.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                Fail(step, t, response.StatusCode == HttpStatusCode.NotFound
                    ? $"boot file not found on the HTTP server: {url} (404)"
                    : $"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}", state.BootServer, url);
                return;
            }

            long? length = response.Content.Headers.ContentLength;
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(65536);
            long bytes = 0;
            try
            {
                while (bytes < _options.MaxDownloadBytes)
                {
                    window.CancelAfter(_options.Timeout);
                    int n = await body.ReadAsync(buffer, window.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    n = (int)Math.Min(n, _options.MaxDownloadBytes - bytes);
                    hash.AppendData(buffer, 0, n);
                    bytes += n;
                    _progress?.Report(new PxeTestProgress(step, $"GET {url}", bytes, length));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            state.Bytes = bytes;
            bool capped = bytes >= _options.MaxDownloadBytes && length != bytes;
            if (!capped && length is { } expected && expected != bytes)
            {
                Fail(step, t, $"{url}: Content-Length {expected} but {bytes} bytes arrived", state.BootServer, url);
                return;
            }

            state.Sha256 = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
            Pass(step, t, $"{url}: {bytes} bytes" + (capped ? $" (stopped at {_options.MaxDownloadBytes} bytes)" : ""), state.BootServer, url, bytes);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Fail(step, t, $"no HTTP answer from {url} within {Seconds(_options.Timeout)}", state.BootServer, url);
        }
        catch (HttpRequestException ex)
        {
            Fail(step, t, $"{url}: {ex.Message}", state.BootServer, url);
        }
        catch (IOException ex)
        {
            Fail(step, t, $"{url}: {ex.Message}", state.BootServer, url);
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
                socket.SetRawSocketOption(SolSocket, SoBindToDevice, Encoding.ASCII.GetBytes(device + "\0"));
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

        var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == _options.Interface)
            ?? throw new InvalidOperationException($"there is no interface '{_options.Interface}' (in this network namespace); see 'ip link'");
        return nic.GetIPProperties().UnicastAddresses.Select(u => u.Address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
    }

    private static string? InterfaceOf(IPAddress address)
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.GetIPProperties().UnicastAddresses.Any(u => u.Address.Equals(address)))
            {
                return nic.Name;
            }
        }

        throw new InvalidOperationException($"{address} is not an address of this machine; give one of its interface addresses");
    }

    private CancellationTokenSource Window(CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = _time.CreateTimer(static s => { try { ((CancellationTokenSource)s!).Cancel(); } catch (ObjectDisposedException) { } }, cts, _options.Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        cts.Token.Register(static t => ((ITimer)t!).Dispose(), timer);
        return cts;
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

    private static bool IsShim(string file) =>
        file[(file.LastIndexOf('/') + 1)..].StartsWith("shim", StringComparison.OrdinalIgnoreCase) && file.EndsWith(".efi", StringComparison.OrdinalIgnoreCase);

    private static bool IsPxelinux(string file)
    {
        string name = file[(file.LastIndexOf('/') + 1)..].ToLowerInvariant();
        return name.Contains("pxelinux", StringComparison.Ordinal) || name.Contains("syslinux", StringComparison.Ordinal);
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds >= 1 && t.TotalSeconds == Math.Floor(t.TotalSeconds)
        ? $"{t.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"
        : $"{t.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms";

    private void Report(string step, string status) => _progress?.Report(new PxeTestProgress(step, status, 0, null));

    private void Pass(string step, long started, string detail, IPAddress? server = null, string? file = null, long bytes = 0) =>
        _steps.Add(new PxeTestStep(step, true, _time.GetElapsedTime(started), detail, null) { Server = server, File = file, Bytes = bytes });

    private void Fail(string step, long started, string error, IPAddress? server = null, string? file = null) =>
        _steps.Add(new PxeTestStep(step, false, _time.GetElapsedTime(started), null, error) { Server = server, File = file });
}
