using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Http;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.Dhcp;
using PxePowerShell.Engine.Tftp;
using Xunit.Abstractions;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// Replies to a sender that has not proven it receives at its source address (the first reply of an exchange) must not
/// be larger than what it sent, beyond what the RFCs demand: the byte ratio of the first reply to minimal requests.
/// docs/robustness.md ("Amplification") has the analysis and the numbers.
/// </summary>
public sealed class AmplificationTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("pxe-amp-").FullName;
    private readonly Socket _client = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly ITestOutputHelper _output;
    private TftpServer _tftp = null!;

    public AmplificationTests(ITestOutputHelper output)
    {
        _output = output;
        _client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public async Task InitializeAsync()
    {
        File.WriteAllBytes(Path.Combine(_root, "f"), new byte[65_000]);
        using (var big = File.Create(Path.Combine(_root, "g")))
        {
            big.SetLength(10_000_000_000); // sparse: an 11-digit tsize
        }

        _tftp = new TftpServer("amp", new TftpServerOptions { Address = IPAddress.Loopback, Port = 0, MaxSessions = 1, Timeout = TimeSpan.FromMilliseconds(200), MaxRetries = 2 }, new BootNamespace(_root));
        await _tftp.StartAsync();
    }

    private IPEndPoint Tftp => _tftp.EndPoints[0];

    [Theory]
    [InlineData("x")]
    [InlineData("pxelinux.cfg/01-52-54-00-12-34-56")]
    [InlineData("a-very-long-name-that-is-not-there/and-a-deeper-one/and-yet-another-level/file.bin")]
    public async Task Tftp_error_for_a_missing_file_is_no_larger_than_the_request(string name)
    {
        byte[] request = Request(name);
        var (reply, _) = await ExchangeAsync(request, Tftp);
        Assert.True(TftpPacket.TryParseError(reply, out var code, out string message));
        Assert.Equal(TftpErrorCode.FileNotFound, code);
        Report($"RRQ for a missing file '{name}'", request, reply);
        Assert.True(reply.Length <= request.Length, $"{reply.Length}-byte ERROR to a {request.Length}-byte RRQ: '{message}'");
    }

    [Fact]
    public async Task Tftp_refusals_are_no_larger_than_the_request()
    {
        foreach (var (what, request) in new (string, byte[])[]
        {
            ("WRQ to a read-only server", Request("x", TftpOpcode.WriteRequest)),
            ("RRQ outside the root", Request("../x")),
            ("RRQ in mail mode", Request("x", mode: "mail")),
            ("RRQ for a directory", Request("/")),
        })
        {
            var (reply, _) = await ExchangeAsync(request, Tftp);
            Assert.True(TftpPacket.TryParseError(reply, out _, out _), what);
            Report(what, request, reply);
            Assert.True(reply.Length <= request.Length, $"{what}: {reply.Length}-byte ERROR to a {request.Length}-byte request");
        }

        // The session cap (MaxSessions = 1): one transfer waits for its ACK, the next request is told the server is busy.
        var (first, _) = await ExchangeAsync(Request("f", options: [new TftpOption("tsize", "0")]), Tftp);
        Assert.Equal(TftpOpcode.OptionAck, TftpPacket.ReadOpcode(first));
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        byte[] busyRequest = Request("f");
        var (busy, _) = await ExchangeAsync(busyRequest, Tftp, other);
        Assert.True(TftpPacket.TryParseError(busy, out var code, out _));
        Assert.Equal(TftpErrorCode.NotDefined, code);
        Report("RRQ past the session cap", busyRequest, busy);
        Assert.True(busy.Length <= busyRequest.Length, $"{busy.Length}-byte busy ERROR to a {busyRequest.Length}-byte RRQ");
    }

    [Fact]
    public async Task Tftp_oack_is_no_larger_than_the_request_and_is_sent_a_bounded_number_of_times()
    {
        // The options a PXE ROM or iPXE asks for, on a one-letter name.
        byte[] request = Request("f", options: [new TftpOption("tsize", "0"), new TftpOption("blksize", "1468"), new TftpOption("windowsize", "4")]);
        var (oack, from) = await ExchangeAsync(request, Tftp);
        Assert.Equal(TftpOpcode.OptionAck, TftpPacket.ReadOpcode(oack));
        Report("RRQ with tsize, blksize, windowsize", request, oack);
        Assert.True(oack.Length <= request.Length, $"{oack.Length}-byte OACK to a {request.Length}-byte RRQ");

        // Without an ACK 0 the OACK is sent again MaxRetries times, then the transfer is given up: 1 + MaxRetries OACKs.
        int copies = 1;
        while (true)
        {
            var (again, _) = await ReceiveAsync(_client, TimeSpan.FromSeconds(5));
            if (TftpPacket.TryParseError(again, out _, out _))
            {
                break; // the server gives up and says so
            }

            Assert.Equal(oack, again);
            copies++;
        }

        Assert.Equal(1 + _tftp.Options.MaxRetries, copies);
        _output.WriteLine($"OACK sent {copies} times to a silent requester (1 + MaxRetries) from port {from.Port}");
    }

    [Fact]
    public async Task Tftp_oack_with_an_eleven_digit_tsize_exceeds_the_request_by_at_most_the_extra_digits()
    {
        // The worst case of the OACK: a one-letter name, "tsize 0" and a 10 GB file. RFC 2349 has the server answer the
        // size; the only smaller answer that keeps the options would leave tsize out, and declining every option means
        // sending DATA 1 (516 bytes) instead.
        byte[] request = Request("g", options: [new TftpOption("tsize", "0")]);
        var (oack, from) = await ExchangeAsync(request, Tftp);
        Assert.Equal(TftpOpcode.OptionAck, TftpPacket.ReadOpcode(oack));
        Report("RRQ 'g' tsize 0 for a 10 GB file", request, oack);
        Assert.True(oack.Length <= request.Length + "10000000000".Length - "0".Length - "g\0octet\0".Length + 2);
        Cancel(from);
    }

    [Fact]
    public async Task Tftp_stranger_at_a_transfer_port_gets_no_more_bytes_than_it_sent()
    {
        var (oack, transferPort) = await ExchangeAsync(Request("f", options: [new TftpOption("blksize", "512")]), Tftp);
        Assert.Equal(TftpOpcode.OptionAck, TftpPacket.ReadOpcode(oack));
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        // RFC 1350 asks for an ERROR to a stranger. A 4-byte ACK gets the shortest one (5 bytes, empty message), an
        // 8-byte datagram an 8-byte ERROR 5, a long one the whole message. Replies come back in order.
        var ack = new byte[4];
        TftpPacket.WriteAck(ack, 1);
        stranger.SendTo(ack, transferPort);
        stranger.SendTo(new byte[] { 0, 4, 0, 1, 0, 0, 0, 0 }, transferPort);
        stranger.SendTo(new byte[100], transferPort);
        var (first, _) = await ReceiveAsync(stranger, TimeSpan.FromSeconds(5));
        var (second, _) = await ReceiveAsync(stranger, TimeSpan.FromSeconds(5));
        var (third, _) = await ReceiveAsync(stranger, TimeSpan.FromSeconds(5));
        Assert.True(TftpPacket.TryParseError(first, out var code, out string empty));
        Assert.Equal(TftpErrorCode.UnknownTransferId, code);
        Assert.Equal(5, first.Length);
        Assert.Equal("", empty);
        Assert.True(TftpPacket.TryParseError(second, out code, out _));
        Assert.Equal(TftpErrorCode.UnknownTransferId, code);
        Assert.Equal(8, second.Length);
        Assert.True(TftpPacket.TryParseError(third, out _, out string message));
        Assert.Equal("unknown transfer ID", message);
        Report("4-byte ACK from a stranger to a transfer port", ack, first);
        Report("8-byte datagram from a stranger to a transfer port", new byte[8], second);
        Cancel(transferPort);
    }

    [Fact]
    public async Task Tftp_rrq_without_options_gets_one_block_as_rfc_1350_requires()
    {
        // No options: RFC 1350 answers an RRQ with DATA 1 — the one reply larger than the request the protocol demands.
        byte[] request = Request("f");
        var (data, from) = await ExchangeAsync(request, Tftp);
        Assert.True(TftpPacket.TryParseData(data, out ushort block, out var payload));
        Assert.Equal(1, block);
        Assert.Equal(512, payload.Length);
        Report("RRQ without options (RFC 1350: DATA 1)", request, data);
        Cancel(from);
    }

    [Fact]
    public async Task Proxy_dhcp_offer_to_a_minimal_pxe_discover()
    {
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int clientPort = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
        await using var proxy = new ProxyDhcpServer("amp-proxy", new ProxyDhcpServerOptions
        {
            Interfaces = ["lo"],
            Port = 0,
            PxePort = 0,
            ClientPort = clientPort,
            Boot = new PxeBootOptions { BootFiles = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.Bios] = "pxelinux.0" } },
        });
        await proxy.StartAsync();
        byte[] discover = TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(0xa1), ClientArchitecture.Bios, 0xa1).ToArray();
        await client.SendAsync(discover, new IPEndPoint(IPAddress.Loopback, proxy.EndPoints[0].Port));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        byte[] offer = (await client.ReceiveAsync(cts.Token)).Buffer;
        Assert.True(DhcpMessage.TryParse(offer, out var m, out _));
        Assert.Equal(DhcpMessageType.Offer, m.MessageType);
        Report("proxyDHCP: minimal PXE DISCOVER → OFFER", discover, offer);
        Assert.True(offer.Length <= discover.Length, $"{offer.Length}-byte OFFER to a {discover.Length}-byte DISCOVER");
    }

    [Fact]
    public async Task Proxy_dhcp_4011_ack_to_a_pxe_request()
    {
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var proxy = new ProxyDhcpServer("amp-proxy4011", new ProxyDhcpServerOptions
        {
            Interfaces = ["lo"],
            Port = 0,
            PxePort = 0,
            ClientPort = ((IPEndPoint)client.Client.LocalEndPoint!).Port,
            Boot = new PxeBootOptions { BootFiles = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.EfiX64] = "ipxe.efi" } },
        });
        await proxy.StartAsync();
        byte[] request = TestPackets.Pxe(DhcpMessageType.Request, TestPackets.Mac(0xa2), ClientArchitecture.EfiX64, 0xa2)
            .WithClientAddress(IPAddress.Loopback).With(DhcpOptionCode.ServerIdentifier, IPAddress.Loopback).ToArray();
        await client.SendAsync(request, new IPEndPoint(IPAddress.Loopback, proxy.EndPoints[1].Port));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        byte[] ack = (await client.ReceiveAsync(cts.Token)).Buffer;
        Assert.True(DhcpMessage.TryParse(ack, out var m, out _));
        Assert.Equal(DhcpMessageType.Ack, m.MessageType);
        Report("proxyDHCP port 4011: PXE REQUEST → ACK (unicast to the source)", request, ack);
        Assert.True(ack.Length <= request.Length, $"{ack.Length}-byte ACK to a {request.Length}-byte REQUEST");
    }

    [Fact]
    public async Task Full_dhcp_offer_and_ack_to_minimal_requests()
    {
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        string data = Directory.CreateTempSubdirectory("pxe-amp-dhcp-").FullName;
        try
        {
            await using var dhcp = new DhcpServer("amp-dhcp", new DhcpServerOptions
            {
                Interfaces = ["lo"],
                Port = 0,
                ClientPort = ((IPEndPoint)client.Client.LocalEndPoint!).Port,
                StartRange = IPAddress.Parse("127.0.0.50"),
                EndRange = IPAddress.Parse("127.0.0.99"),
                SubnetMask = IPAddress.Parse("255.255.255.0"),
                Router = [IPAddress.Parse("127.0.0.1")],
                DnsServers = [IPAddress.Parse("127.0.0.1")],
                DataDirectory = data,
                Boot = new PxeBootOptions(),
            });
            await dhcp.StartAsync();
            var server = new IPEndPoint(IPAddress.Loopback, dhcp.EndPoints[0].Port);

            // The smallest DISCOVER a server accepts: the 240-byte header and cookie, option 53, END — 244 bytes.
            byte[] mac = TestPackets.Mac(0xa3);
            byte[] discover = Minimal(DhcpMessageType.Discover, mac, []);
            await client.SendAsync(discover, server);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            byte[] offer = (await client.ReceiveAsync(cts.Token)).Buffer;
            Assert.True(DhcpMessage.TryParse(offer, out var o, out _));
            Assert.Equal(DhcpMessageType.Offer, o.MessageType);
            Report("full DHCP: minimal DISCOVER → OFFER", discover, offer);

            byte[] request = Minimal(DhcpMessageType.Request, mac, [50, 4, .. o.YourAddress.GetAddressBytes(), 54, 4, 127, 0, 0, 1]);
            await client.SendAsync(request, server);
            byte[] ack = (await client.ReceiveAsync(cts.Token)).Buffer;
            Assert.True(DhcpMessage.TryParse(ack, out var a, out _));
            Assert.Equal(DhcpMessageType.Ack, a.MessageType);
            Report("full DHCP: minimal REQUEST → ACK", request, ack);

            // A PXE DISCOVER (what a ROM sends, padded to 300 bytes or more) → OFFER with the boot file.
            byte[] pxe = TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(0xa4), ClientArchitecture.Bios, 0xa4).ToArray();
            await client.SendAsync(pxe, server);
            byte[] pxeOffer = (await client.ReceiveAsync(cts.Token)).Buffer;
            Report("full DHCP: PXE DISCOVER → OFFER", pxe, pxeOffer);

            // RFC 951/2131: a reply is at least 300 bytes, and carries the options the server must send (53, 54, 51, 1,
            // router, DNS). Nothing else: the ratio stays under 1.5 even to the smallest request.
            foreach (var (req, reply) in new[] { (discover, offer), (request, ack), (pxe, pxeOffer) })
            {
                Assert.True(reply.Length <= Math.Max(DhcpMessage.MinimumBootpLength, req.Length * 3 / 2), $"{reply.Length}-byte reply to a {req.Length}-byte request");
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Http_error_response_to_a_minimal_request()
    {
        // TCP: the three-way handshake proves the client receives at its address before any byte of a response is sent,
        // so HTTP cannot reflect. The measurement shows the error responses are small anyway.
        await using var http = new HttpBootServer("amp-http", new HttpBootServerOptions { Address = IPAddress.Loopback, Port = 0 }, new BootNamespace(_root));
        await http.StartAsync();
        foreach (var (what, text) in new[]
        {
            ("HTTP: GET for a missing file", "GET /x HTTP/1.1\r\nHost: a\r\n\r\n"),
            ("HTTP: garbage request line", "XX\r\n\r\n"),
        })
        {
            byte[] request = System.Text.Encoding.ASCII.GetBytes(text);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(http.EndPoints[0]);
            var stream = tcp.GetStream();
            await stream.WriteAsync(request);
            tcp.Client.Shutdown(SocketShutdown.Send);
            using var response = new MemoryStream();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await stream.CopyToAsync(response, cts.Token);
            Assert.StartsWith("HTTP/1.1 4", System.Text.Encoding.ASCII.GetString(response.ToArray()), StringComparison.Ordinal);
            Report(what, request, response.ToArray());
            Assert.True(response.Length < 512, $"{response.Length}-byte error response");
        }
    }

    /// <summary>A DHCP request with nothing but the header, option 53, <paramref name="options"/> and END.</summary>
    private static byte[] Minimal(DhcpMessageType type, byte[] mac, byte[] options)
    {
        var m = new byte[DhcpMessage.MinimumLength + 3 + options.Length + 1];
        m[0] = 1; // BOOTREQUEST
        m[1] = 1; // Ethernet
        m[2] = 6;
        m[4] = 0xa3;
        mac.CopyTo(m, 28);
        m[236] = 99;
        m[237] = 130;
        m[238] = 83;
        m[239] = 99;
        m[240] = 53;
        m[241] = 1;
        m[242] = (byte)type;
        options.CopyTo(m, 243);
        m[^1] = 255;
        return m;
    }

    private void Report(string what, byte[] request, byte[] reply) =>
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: request {request.Length} B, reply {reply.Length} B, ratio {(double)reply.Length / request.Length:0.00}"));

    private static byte[] Request(string name, TftpOpcode opcode = TftpOpcode.ReadRequest, string mode = "octet", TftpOption[]? options = null)
    {
        var buffer = new byte[1024];
        return buffer[..TftpPacket.WriteRequest(buffer, opcode, name, mode, options)];
    }

    private Task<(byte[] Reply, IPEndPoint From)> ExchangeAsync(byte[] request, IPEndPoint to, Socket? socket = null)
    {
        socket ??= _client;
        socket.SendTo(request, to);
        return ReceiveAsync(socket, TimeSpan.FromSeconds(5));
    }

    private static async Task<(byte[] Reply, IPEndPoint From)> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[70_000];
        using var cts = new CancellationTokenSource(timeout);
        var r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
        return (buffer[..r.ReceivedBytes], (IPEndPoint)r.RemoteEndPoint);
    }

    /// <summary>Ends a transfer the test started (ERROR from the client), so the session cap is free again.</summary>
    private void Cancel(IPEndPoint transfer)
    {
        var buffer = new byte[64];
        _client.SendTo(buffer.AsSpan(0, TftpPacket.WriteError(buffer, TftpErrorCode.NotDefined, "done")), transfer);
    }

    public async Task DisposeAsync()
    {
        await _tftp.DisposeAsync();
        _client.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
