using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PxePowerShell.Engine.Tests.TestSupport;
using Xunit.Abstractions;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// 1,000 sequential and 1,000 concurrent TFTP transfers and as many HTTP requests against one all-in-one server (its own
/// process in a namespace the test makes, so /proc shows that server alone): every file arrives byte-identical, and
/// afterwards the server holds the descriptors it held before and its heap and resident set are back within a tolerance.
/// </summary>
[Collection("netns")]
public sealed class SoakTests : IDisposable
{
    private const int Count = 1000;
    private const int MaxRounds = 4;
    private const long FlatRoundBytes = 1024 * 1024;
    private readonly string _root = Directory.CreateTempSubdirectory("pxe-soak-root-").FullName;
    private readonly string _data = Directory.CreateTempSubdirectory("pxe-soak-data-").FullName;
    private readonly byte[] _file = new byte[(8 * 512) + 100];
    private readonly ITestOutputHelper _output;

    public SoakTests(ITestOutputHelper output)
    {
        _output = output;
        new Random(1000).NextBytes(_file);
        File.WriteAllBytes(Path.Combine(_root, "soak.bin"), _file);
    }

    [Fact]
    public async Task Thousands_of_tftp_transfers_and_http_requests_leave_no_descriptor_socket_or_memory_behind()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new NetnsLab();
        await using var host = await PxeHostProcess.StartAsync(lab.Namespace, "mode=proxy", $"iface={lab.ClientInterface}", $"root={_root}", $"data={_data}", "maxSessions=2000", "httpPort=80", "httpPerAddress=0");
        var tftp = new IPEndPoint(lab.ClientAddress, 69);
        var http = new IPEndPoint(lab.ClientAddress, 80);

        // Warm-up: JIT, pools and the thread pool; then soak rounds. Round 1 may still grow what a burst of 1,000 touches
        // once (thread pool, socket buffers). A later round may too when the machine is loaded: every new thread-pool
        // thread keeps its own ArrayPool buffers (256 KiB for HTTP), so one round of 4 MB was seen in CI. A leak grows
        // the heap in every round by the same amount, so the rounds after the first go on until one stays flat, at most 4.
        await RoundAsync(lab, tftp, http, 50, 200);
        var before = await IdleAsync(host);
        var rounds = new List<JsonElement> { before };
        var growth = new List<long>();
        for (int round = 1; round <= MaxRounds; round++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await RoundAsync(lab, tftp, http, Count, Count);
            var from = rounds[^1];
            await IdleAsync(host);
            var after = await host.WaitForDescriptorsAsync(from, TimeSpan.FromSeconds(10));
            _output.WriteLine($"round {round}: {Count} sequential + {Count} concurrent TFTP transfers and HTTP requests in {watch.Elapsed.TotalSeconds:0.0} s; " +
                $"managed heap {Long(from, "ManagedBytes") / 1024} KB → {Long(after, "ManagedBytes") / 1024} KB; RSS {Long(from, "RssBytes") / 1024} KB → {Long(after, "RssBytes") / 1024} KB; " +
                $"descriptors {Descriptors(from).Length} → {Descriptors(after).Length} (sockets {Sockets(from)} → {Sockets(after)})");
            Assert.Equal(2L * Count, Section(after, "Tftp", "CompletedTransfers") - Section(from, "Tftp", "CompletedTransfers"));
            Assert.Equal(0, Section(after, "Tftp", "FailedTransfers") - Section(from, "Tftp", "FailedTransfers"));
            Assert.Equal(2L * Count, Section(after, "Http", "Requests") - Section(from, "Http", "Requests"));
            long managed = Long(after, "ManagedBytes") - Long(from, "ManagedBytes");
            long rss = Long(after, "RssBytes") - Long(from, "RssBytes");
            // Round 1 may fill bounded caches a burst of 1,000 reaches first (ArrayPool.Shared keeps returned 256 KiB HTTP
            // buffers per core and per thread, and the thread pool grows with the machine's load: 47 MB was seen once).
            Assert.True(managed < (round == 1 ? 96 : 16) * 1024 * 1024, $"the managed heap grew by {managed / 1024} KB in round {round}");
            // RSS follows the runtime's own choices (GC segments kept for reuse, thread-pool stacks after a burst of 1,000),
            // which vary with the machine's load: a leak shows in the managed heap and the descriptors above, and as RSS
            // that keeps growing round after round; one round of noise stays well under 64 MB.
            Assert.True(rss < (round == 1 ? 128 : 64) * 1024 * 1024, $"the resident set grew by {rss / 1024} KB in round {round}");
            rounds.Add(after);
            if (round > 1)
            {
                growth.Add(managed);
                // A flat round: less than 1 MB for 4,000 operations, so a leak of 256 bytes per operation or more never passes.
                if (managed < FlatRoundBytes)
                    break;
            }
        }

        Assert.True(growth[^1] < FlatRoundBytes, $"the managed heap grew in every round after the first: {string.Join(", ", growth.Select(g => $"{g / 1024} KB"))}");

        await host.StopAsync();
    }

    /// <summary><paramref name="sequential"/> transfers one after the other, then <paramref name="concurrent"/> at once, for TFTP and for HTTP.</summary>
    private async Task RoundAsync(NetnsLab lab, IPEndPoint tftp, IPEndPoint http, int sequential, int concurrent)
    {
        for (int i = 0; i < sequential; i++)
        {
            byte[] got = await RetryingTftpClient.GetAsync(lab.ServerAddress, tftp, "soak.bin", TimeSpan.FromSeconds(1));
            Assert.True(_file.AsSpan().SequenceEqual(got), $"TFTP transfer {i} differs");
        }

        var transfers = await Task.WhenAll(Enumerable.Range(0, concurrent).Select(_ => RetryingTftpClient.GetAsync(lab.ServerAddress, tftp, "soak.bin", TimeSpan.FromSeconds(1)))).WaitAsync(TimeSpan.FromSeconds(120));
        Assert.All(transfers, t => Assert.True(_file.AsSpan().SequenceEqual(t), "a concurrent TFTP transfer differs"));

        for (int i = 0; i < sequential; i++)
        {
            byte[] got = await HttpGetAsync(lab.ServerAddress, http);
            Assert.True(_file.AsSpan().SequenceEqual(got), $"HTTP request {i} differs");
        }

        var bodies = await Task.WhenAll(Enumerable.Range(0, concurrent).Select(_ => HttpGetAsync(lab.ServerAddress, http))).WaitAsync(TimeSpan.FromSeconds(120));
        Assert.All(bodies, b => Assert.True(_file.AsSpan().SequenceEqual(b), "a concurrent HTTP response differs"));
    }

    /// <summary>GET /soak.bin on a new connection (Connection: close); the body.</summary>
    private static async Task<byte[]> HttpGetAsync(IPAddress local, IPEndPoint server)
    {
        using var tcp = new TcpClient(new IPEndPoint(local, 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await tcp.ConnectAsync(server, cts.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /soak.bin HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n"), cts.Token);
        using var response = new MemoryStream();
        await stream.CopyToAsync(response, cts.Token);
        byte[] all = response.ToArray();
        int head = all.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(head > 0, "no response head");
        string status = Encoding.ASCII.GetString(all, 0, all.AsSpan().IndexOf("\r\n"u8));
        Assert.True(status.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), status);
        return all[(head + 4)..];
    }

    /// <summary>The counters once no transfer and no connection is open.</summary>
    private static Task<JsonElement> IdleAsync(PxeHostProcess host) =>
        host.WaitForStatsAsync(s => Section(s, "Tftp", "ActiveSessions") == 0 && Section(s, "Http", "ActiveConnections") == 0, TimeSpan.FromSeconds(30), "the server to be idle");

    private static long Long(JsonElement stats, string name) => stats.GetProperty(name).GetInt64();

    private static long Section(JsonElement stats, string section, string name) => stats.GetProperty(section).GetProperty(name).GetInt64();

    private static int Sockets(JsonElement stats) => Descriptors(stats).Count(d => d.StartsWith("socket:", StringComparison.Ordinal));

    private static string[] Descriptors(JsonElement stats) => PxeHostProcess.Descriptors(stats);

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_data, recursive: true);
    }
}
