using System.Diagnostics;
using System.Globalization;
using System.Net;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Metrics;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.Dhcp;
using PxePowerShell.Engine.Tests.Http;
using PxePowerShell.Engine.Tests.Metrics;

namespace PxePowerShell.Engine.Tests.Hosting;

/// <summary>
/// GET /-/metrics on a real all-in-one server: a DHCP DORA, a TFTP and an HTTP download by real clients (curl) move the
/// counters by exactly what they did; the text passes promtool's own check and a strict parser.
/// </summary>
public sealed class MetricsEndpointTests : IDisposable
{
    private const int KernelLength = 70_000;
    private readonly string _root = Directory.CreateTempSubdirectory("pxe-metrics-").FullName;
    private readonly string _data = Directory.CreateTempSubdirectory("pxe-metrics-data-").FullName;
    private readonly LoopbackClient _client = new();

    public MetricsEndpointTests()
    {
        File.WriteAllBytes(Path.Combine(_root, "vmlinuz"), Enumerable.Range(0, KernelLength).Select(i => (byte)(i * 7)).ToArray());
        File.WriteAllText(Path.Combine(_root, "metrics"), "a boot file named metrics\n");
    }

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_data, recursive: true);
    }

    private PxeServerConfiguration Configuration() => new()
    {
        Name = "metrics",
        Root = _root,
        DhcpMode = DhcpMode.Dhcp,
        Interfaces = ["lo"],
        DhcpPort = 0,
        ClientPort = _client.Port,
        TftpPort = 0,
        Http = true,
        HttpPort = 0,
        RangeStart = IPAddress.Parse("127.0.0.150"),
        RangeEnd = IPAddress.Parse("127.0.0.160"),
        DataDirectory = _data,
        ConflictCheckTimeout = TimeSpan.Zero,
        BootMenu = false,
    };

    [Fact]
    public async Task A_dora_a_tftp_and_an_http_download_move_the_counters_by_exactly_what_they_did()
    {
        await using var server = new PxeServer(Configuration(), new BootNamespace(_root));
        using var events = server.Events.Subscribe();
        await server.StartAsync();
        string baseUrl = server.HttpBootUrl!;
        long journalCommits = StoreLatency.Journal.Snapshot().Count;

        var (before, beforeSize, contentType) = await ScrapeAsync(baseUrl);
        Assert.Equal(PrometheusWriter.ContentType, contentType);

        // DHCP: DISCOVER, OFFER, REQUEST, ACK.
        int dhcpPort = server.Dhcp!.EndPoints[0].Port;
        byte[] mac = TestPackets.Mac(0x4d);
        await _client.SendAsync(TestPackets.Pxe(DhcpMessageType.Discover, mac, ClientArchitecture.Bios, 0x77), dhcpPort);
        var offer = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Offer, offer.MessageType);
        await _client.SendAsync(TestPackets.Pxe(DhcpMessageType.Request, mac, ClientArchitecture.Bios, 0x77).With(DhcpOptionCode.ServerIdentifier, IPAddress.Loopback).With(DhcpOptionCode.RequestedAddress, offer.YourAddress), dhcpPort);
        Assert.Equal(DhcpMessageType.Ack, (await _client.ReceiveAsync()).MessageType);

        // TFTP and HTTP downloads with curl; the counters move when the server saw the end, so wait for those events.
        string output = Path.Combine(_data, "download");
        var (tftpExit, _) = await HttpTestSite.CurlAsync("-s", "-o", output, $"tftp://127.0.0.1:{server.Tftp!.EndPoints[0].Port}/vmlinuz");
        Assert.Equal(0, tftpExit);
        Assert.Equal(KernelLength, new FileInfo(output).Length);
        var (httpExit, sizes) = await HttpTestSite.CurlAsync("-s", "-o", output, "-w", "%{size_header} %{size_download}", baseUrl + "vmlinuz");
        Assert.Equal(0, httpExit);
        long downloadSize = sizes.Split(' ').Sum(n => long.Parse(n, CultureInfo.InvariantCulture));
        await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.TransferCompleted && e.Protocol == PxeProtocol.Tftp);
        await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.TransferCompleted && e.Protocol == PxeProtocol.Http);

        var (after, _, _) = await ScrapeAsync(baseUrl);
        double Delta(string series) => after[series] - before[series];
        const string s = "server=\"metrics\"";

        Assert.Equal(1, Delta($"pxe_dhcp_discovers_total{{{s}}}"));
        Assert.Equal(1, Delta($"pxe_dhcp_requests_total{{{s}}}"));
        Assert.Equal(1, Delta($"pxe_dhcp_offers_total{{{s}}}"));
        Assert.Equal(1, Delta($"pxe_dhcp_acks_total{{{s}}}"));
        Assert.Equal(0, Delta($"pxe_dhcp_naks_total{{{s}}}"));
        Assert.Equal(2, Delta($"pxe_dhcp_received_total{{{s}}}"));
        Assert.Equal(0, Delta($"pxe_dhcp_dropped_total{{{s},reason=\"malformed\"}}"));
        const string range = "range=\"127.0.0.150-127.0.0.160\"";
        Assert.Equal(11, after[$"pxe_dhcp_pool_addresses{{{s},{range}}}"]);
        Assert.Equal(0, before[$"pxe_dhcp_pool_assigned_addresses{{{s},{range}}}"]);
        Assert.Equal(1, after[$"pxe_dhcp_pool_assigned_addresses{{{s},{range}}}"]);
        Assert.Equal(0, after[$"pxe_dhcp_pool_offered_addresses{{{s},{range}}}"]);

        Assert.Equal(1, Delta($"pxe_tftp_transfers_started_total{{{s}}}"));
        Assert.Equal(1, Delta($"pxe_tftp_transfers_completed_total{{{s}}}"));
        Assert.Equal(0, Delta($"pxe_tftp_transfers_failed_total{{{s}}}"));
        Assert.Equal(KernelLength, Delta($"pxe_tftp_sent_bytes_total{{{s}}}"));
        Assert.Equal(0, after[$"pxe_tftp_active_sessions{{{s}}}"]);

        Assert.Equal(1, Delta($"pxe_http_transfers_started_total{{{s}}}"));
        Assert.Equal(1, Delta($"pxe_http_transfers_completed_total{{{s}}}"));
        Assert.Equal(0, Delta($"pxe_http_transfers_failed_total{{{s}}}"));
        Assert.Equal(beforeSize + downloadSize, Delta($"pxe_http_sent_bytes_total{{{s}}}")); // the first scrape's response and the download
        Assert.Equal(2, Delta($"pxe_http_requests_total{{{s}}}"));
        Assert.Equal(2, Delta($"pxe_http_responses_total{{{s},code=\"2xx\"}}"));
        Assert.Equal(1, after[$"pxe_service_up{{{s},role=\"Dhcp\"}}"]);

        // The ACK waited for its journal commit, which the store histogram counted.
        Assert.True(after["pxe_store_commit_duration_seconds_count{store=\"journal\"}"] > journalCommits);
        Assert.Equal(after["pxe_store_commit_duration_seconds_count{store=\"journal\"}"], after["pxe_store_commit_duration_seconds_bucket{store=\"journal\",le=\"+Inf\"}"]);

        // Counters never go down between scrapes.
        foreach (var (series, value) in before.Samples)
        {
            string family = series.Split('{')[0];
            if (before.Types.TryGetValue(family, out var type) && type == "counter")
            {
                Assert.True(after[series] >= value, $"{series} went from {value} to {after[series]}");
            }
        }
    }

    [Fact]
    public async Task The_scrape_passes_promtool_check_metrics()
    {
        await using var server = new PxeServer(Configuration(), new BootNamespace(_root));
        await server.StartAsync();
        var (exit, text) = await HttpTestSite.CurlAsync("-s", server.HttpBootUrl + "-/metrics");
        Assert.Equal(0, exit);

        var info = new ProcessStartInfo("promtool", "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var promtool = Process.Start(info)!;
        var stdout = promtool.StandardOutput.ReadToEndAsync();
        var stderr = promtool.StandardError.ReadToEndAsync();
        await promtool.StandardInput.WriteAsync(text);
        promtool.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await promtool.WaitForExitAsync(timeout.Token);
        Assert.True(promtool.ExitCode == 0, $"promtool check metrics: {await stdout}{await stderr}\n{text}");
    }

    [Fact]
    public async Task Without_metrics_the_path_is_an_ordinary_path_and_a_boot_file_named_metrics_is_never_shadowed()
    {
        await using var server = new PxeServer(Configuration() with { Metrics = false, DhcpMode = DhcpMode.None }, new BootNamespace(_root));
        await server.StartAsync();
        var (_, code) = await HttpTestSite.CurlAsync("-s", "-o", "/dev/null", "-w", "%{http_code}", server.HttpBootUrl + "-/metrics");
        Assert.Equal("404", code);
        var (_, file) = await HttpTestSite.CurlAsync("-s", server.HttpBootUrl + "metrics");
        Assert.Equal("a boot file named metrics\n", file);

        await using var on = new PxeServer(Configuration() with { Name = "metrics-on", DhcpMode = DhcpMode.None }, new BootNamespace(_root));
        await on.StartAsync();
        var (_, same) = await HttpTestSite.CurlAsync("-s", on.HttpBootUrl + "metrics");
        Assert.Equal("a boot file named metrics\n", same);
        var (_, head) = await HttpTestSite.CurlAsync("-s", "-I", on.HttpBootUrl + "-/metrics");
        Assert.StartsWith("HTTP/1.1 200 OK", head, StringComparison.Ordinal);
        Assert.Contains("Cache-Control: no-store", head, StringComparison.Ordinal);
    }

    /// <summary>Fetches /-/metrics with curl: the parsed text, the bytes the server sent for it (head and body) and the Content-Type.</summary>
    private static async Task<(PrometheusText Text, long Size, string ContentType)> ScrapeAsync(string baseUrl)
    {
        string body = Path.GetTempFileName();
        try
        {
            var (exit, written) = await HttpTestSite.CurlAsync("-s", "-o", body, "-w", "%{size_header} %{size_download} %{content_type}", baseUrl + "-/metrics");
            Assert.Equal(0, exit);
            string[] parts = written.Split(' ', 3);
            long size = long.Parse(parts[0], CultureInfo.InvariantCulture) + long.Parse(parts[1], CultureInfo.InvariantCulture);
            return (PrometheusText.Parse(File.ReadAllText(body)), size, parts[2]);
        }
        finally
        {
            File.Delete(body);
        }
    }
}
