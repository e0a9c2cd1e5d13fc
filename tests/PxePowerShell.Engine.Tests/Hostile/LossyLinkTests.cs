using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Http;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tftp;
using PxePowerShell.Engine.Tests.Dhcp;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// A link that loses 20 % and duplicates 5 % of the packets (TFTP read requests included, see <see cref="Lossy"/>) in both directions (nftables netdev egress rules with
/// "numgen random" on both ends of a veth pair the test makes; this machine's kernel has no sch_netem, so reordering
/// is left to ReorderingLinkTests): TFTP lock-step transfers (tftp-hpa) still arrive byte-identical, and DHCP exchanges complete with the client's retries.
/// </summary>
[Collection("netns")]
public sealed class LossyLinkTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pxe-lossy-").FullName;
    private readonly byte[] _file = new byte[300_007];
    private readonly NetnsLab _lab;

    public LossyLinkTests()
    {
        Assert.True(NetnsLab.Available, "needs root, iproute2 and tc");
        new Random(99).NextBytes(_file);
        File.WriteAllBytes(Path.Combine(_root, "payload.bin"), _file);
        _lab = NetnsLab.Create(lab =>
        {
            Run("nft", Lossy(lab.HostInterface));
            lab.Exec(["nft", Lossy(lab.ClientInterface)]);
        });
    }

    [Fact]
    public async Task Tftp_lock_step_transfers_arrive_byte_identical()
    {
        // A short retransmission timeout keeps the test quick; the protocol behaviour is the same at 1 s.
        await using var server = new TftpServer("lossy-tftp", new TftpServerOptions { Address = _lab.ServerAddress, Port = 0, Timeout = TimeSpan.FromMilliseconds(200), MaxRetries = 30 }, new BootNamespace(_root));
        await server.StartAsync();
        int port = server.EndPoints[0].Port;
        string ip = _lab.ServerAddress.ToString();
        var clients = new (string Name, string[] Command)[]
        {
            // curl is left out: it does not acknowledge a repeated DATA block and waits a fifth of its --max-time before
            // it sends its ACK again (minutes per file at 20 % loss). atftp aborts on a repeated OACK ("unexpected OACK"),
            // which a lost ACK 0 or a duplicated datagram legitimately causes, in lock-step and windowed mode alike.
            ("tftp-hpa", ["tftp", "-m", "binary", ip, port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "get", "payload.bin", "{out}"]),
        };
        foreach (var (name, command) in clients)
        {
            string output = Path.Combine(_root, name + ".out");
            var (exit, _, error) = await _lab.ExecAsync(TimeSpan.FromSeconds(150), command.Select(a => a.Replace("{out}", output, StringComparison.Ordinal)).ToArray());
            Assert.True(exit == 0, $"{name}: exit {exit} {error}");
            Assert.True(File.Exists(output), $"{name} wrote nothing");
            byte[] got = File.ReadAllBytes(output);
            int same = _file.AsSpan().CommonPrefixLength(got);
            // What to look at when it differs (seen once in CI, after 8 s): a short file is a transfer the server ended
            // (its retries spent, an ERROR the client printed), a wrong byte inside is a wrong block.
            Assert.True(_file.AsSpan().SequenceEqual(got), $"{name}: the file differs: {got.Length} of {_file.Length} bytes, the first {same} identical " +
                $"(block {(same / 512) + 1}); client stderr '{error.Trim()}'; server {server.Statistics.CompletedTransfers} completed, {server.Statistics.FailedTransfers} failed, {server.Statistics.Retransmits} retransmits");
        }

        var stats = server.Statistics;
        Assert.True(stats.Retransmits > 0, "a lossy link with no retransmission: is netem on?");
        // Packets were duplicated (the rule's counter), the read request among them now and then.
        string rules = _lab.Exec(["nft", "list", "chain", "netdev", _lab.ClientInterface, "egress"]);
        var duplicated = System.Text.RegularExpressions.Regex.Match(rules, @"counter packets (\d+)");
        Assert.True(duplicated.Success && long.Parse(duplicated.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, "no packet was duplicated: " + rules);
        // Not asserted: CompletedTransfers. When the client's final ACK is the packet lost, the server cannot know the
        // client has the file (RFC 1350) and ends the transfer as failed after its retries, while the file is complete.
    }

    /// <summary>
    /// Every read request the client sends goes out several times (no loss): tftp-hpa, atftp and curl each get one transfer and
    /// a byte-identical file, and the server counts each copy as a duplicate. Before the server kept one transfer per
    /// client end point, the copy started a second transfer, which tftp-hpa followed and aborted on.
    /// </summary>
    [Fact]
    public async Task Tftp_clients_get_one_transfer_when_every_read_request_is_duplicated()
    {
        Run("nft", $"flush chain netdev {_lab.HostInterface} egress");
        _lab.Exec(["nft", $"flush chain netdev {_lab.ClientInterface} egress; add rule netdev {_lab.ClientInterface} egress meta l4proto udp @th,64,16 == 1 counter dup to {_lab.ClientInterface}"]);
        await using var server = new TftpServer("dup-rrq", new TftpServerOptions { Address = _lab.ServerAddress, Port = 0 }, new BootNamespace(_root));
        await server.StartAsync();
        string ip = _lab.ServerAddress.ToString();
        string port = server.EndPoints[0].Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var clients = new (string Name, string[] Command)[]
        {
            ("tftp-hpa", ["tftp", "-m", "binary", ip, port, "-c", "get", "payload.bin", "{out}"]),
            ("atftp", ["atftp", "-g", "-r", "payload.bin", "-l", "{out}", ip, port]),
            ("curl", ["curl", "-sS", "--max-time", "60", "-o", "{out}", $"tftp://{ip}:{port}/payload.bin"]),
        };
        foreach (var (name, command) in clients)
        {
            string output = Path.Combine(_root, name + "-dup.out");
            var (exit, _, error) = await _lab.ExecAsync(TimeSpan.FromSeconds(90), command.Select(a => a.Replace("{out}", output, StringComparison.Ordinal)).ToArray());
            Assert.True(exit == 0, $"{name}: exit {exit} {error}");
            byte[] got = File.ReadAllBytes(output);
            Assert.True(_file.AsSpan().SequenceEqual(got), $"{name}: the file differs: {got.Length} of {_file.Length} bytes; client stderr '{error.Trim()}'; server {server.Statistics}");
        }

        string rules = _lab.Exec(["nft", "list", "chain", "netdev", _lab.ClientInterface, "egress"]);
        var duplicated = System.Text.RegularExpressions.Regex.Match(rules, @"counter packets (\d+)");
        Assert.True(duplicated.Success && long.Parse(duplicated.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 3, "the requests were not duplicated: " + rules);
        var stats = server.Statistics;
        // "dup to" the same device sends the copy through the hook again (up to the kernel's recursion limit): each
        // request reached the server several times (4 on this kernel); every copy was counted, none was a transfer.
        Assert.True(stats.TotalSessions == 3 && stats.CompletedTransfers == 3 && stats.DuplicateRequests >= 3, $"{stats}; {rules}");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(16)]
    public async Task Tftp_windowed_transfers_arrive_byte_identical(int windowSize)
    {
        // Our own RFC 7440 client (atftp aborts on a repeated OACK, see docs/robustness.md), in the namespace; 100 KB.
        byte[] file = _file[..100_003];
        File.WriteAllBytes(Path.Combine(_root, "window.bin"), file);
        await using var server = new TftpServer("lossy-window", new TftpServerOptions { Address = _lab.ServerAddress, Port = 0, Timeout = TimeSpan.FromMilliseconds(200), MaxRetries = 30 }, new BootNamespace(_root));
        await server.StartAsync();
        using var socket = _lab.CreateClientSocket();
        socket.Bind(new IPEndPoint(_lab.ClientAddress, 0));
        byte[] got = await RetryingTftpClient.GetWindowedAsync(socket, server.EndPoints[0], "window.bin", windowSize, TimeSpan.FromMilliseconds(300)).WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(file.AsSpan().SequenceEqual(got), "the file differs");
        Assert.True(server.Statistics.Retransmits > 0, "a lossy link with no retransmission");
    }

    [Fact]
    public async Task Http_downloads_arrive_byte_identical_with_curl_retries()
    {
        // TCP at 20 % loss both ways can sit in exponential retransmission back-off for minutes, so HTTP gets 5 % loss
        // (and 5 % duplication) in each direction: still far worse than any working LAN.
        Run("nft", Lossy(_lab.HostInterface, 5, replace: true));
        _lab.Exec(["nft", Lossy(_lab.ClientInterface, 5, replace: true)]);
        await using var server = new HttpBootServer("lossy-http", new HttpBootServerOptions { Address = _lab.ServerAddress, Port = 0 }, new BootNamespace(_root));
        await server.StartAsync();
        string url = $"http://{_lab.ServerAddress}:{server.EndPoints[0].Port}/payload.bin";
        for (int i = 0; i < 3; i++)
        {
            string output = Path.Combine(_root, $"curl-{i}.out");
            var (exit, _, error) = await _lab.ExecAsync(TimeSpan.FromSeconds(120), "curl", "-sS", "--retry", "10", "--retry-all-errors", "--retry-delay", "1", "--connect-timeout", "10", "--max-time", "100", "-C", "-", "-o", output, url);
            Assert.True(exit == 0, $"curl: exit {exit} {error}");
            Assert.True(_file.AsSpan().SequenceEqual(File.ReadAllBytes(output)), $"download {i} differs");
        }
    }

    [Fact]
    public async Task Proxy_dhcp_exchanges_complete_with_client_retries()
    {
        int port = Random.Shared.Next(20000, 40000);
        await using var server = new ProxyDhcpServer("lossy-proxy", new ProxyDhcpServerOptions { Interfaces = [_lab.HostInterface], Port = port, PxePort = 0 });
        await server.StartAsync();
        using var client = new NamespaceDhcpClient(_lab);
        var discovers = Enumerable.Range(1, 20).Select(i => TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(0x700 + i), ClientArchitecture.Bios, (uint)(0x7000 + i))).ToList();
        var offers = await client.ExchangeAsync(discovers, new IPEndPoint(IPAddress.Broadcast, port), attempts: 12);
        Assert.Equal(20, offers.Count);
        Assert.All(offers.Values, o => Assert.Equal(DhcpMessageType.Offer, o.MessageType));
    }

    /// <summary>
    /// An nft script: the interface's egress duplicates 5 % and drops <paramref name="loss"/> % of the packets, at random,
    /// read requests included: the server must take a duplicated RRQ for what it is (one transfer per client end point,
    /// see TftpRequestTable), or tftp-hpa, which takes every packet's source port as its peer's, follows a second transfer
    /// and aborts when that one, never acknowledged, gives up with an ERROR.
    /// </summary>
    private static string Lossy(string device, int loss = 20, bool replace = false) =>
        (replace ? $"flush chain netdev {device} egress; " : $"add table netdev {device}; add chain netdev {device} egress {{ type filter hook egress device {device} priority 0; }}; ") +
        $"add rule netdev {device} egress numgen random mod 100 < 5 counter dup to {device}; add rule netdev {device} egress numgen random mod 100 < {loss} drop";

    private static void Run(string file, params string[] arguments)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(psi)!;
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {error}");
    }

    public void Dispose()
    {
        try
        {
            Run("nft", $"delete table netdev {_lab.HostInterface}");
        }
        catch (Xunit.Sdk.XunitException)
        {
            // the table went with the interface
        }

        _lab.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
