using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Http;

namespace PxePowerShell.Engine.Tests.Http;

/// <summary>The server against hand-written requests over raw sockets: path escapes, limits, timeouts, pipelining.</summary>
public sealed class HttpBootServerRawTests(HttpSiteFixture fixture) : IClassFixture<HttpSiteFixture>
{
    public static TheoryData<string> EscapePaths =>
    [
        "/../etc/passwd",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/..%2fetc/passwd",
        "/..%2f..%2fsecret.txt",
        "/.%2e/secret.txt",
        "/a%00b",
        "/escape-link%00.txt",
        "/..\\..\\etc\\passwd",
        "/%5c..%5csecret.txt",
        "/%2e%2e%5csecret.txt",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/sub/../../secret.txt",
        "/sub/deeper/../../../etc/passwd",
        "/./../secret.txt",
        "//etc/passwd",
        "/C:/Windows/win.ini",
        "/c:%5cboot.ini",
        "/escape-link",
        "/passwd-link",
        "/outside-dir/secret.txt",
        "/outside-dir",
        "/%c0%ae%c0%ae/etc/passwd",
        "/..%c0%af..%c0%afetc/passwd",
        "http://evil.example/../../etc/passwd",
        "/etc/passwd",
        "/secret.txt",
        "/%2e%2e",
        "/sub/%2e%2e/%2e%2e/secret.txt",
    ];

    [Theory]
    [MemberData(nameof(EscapePaths))]
    public async Task Never_serves_anything_outside_the_root(string target)
    {
        var site = fixture.ZeroCopy;
        var response = await site.RawExchangeAsync($"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        string text = Encoding.Latin1.GetString(response);
        int status = HttpTestSite.StatusOf(response);
        Assert.True(status is 403 or 404 or 400, text);
        Assert.DoesNotContain(HttpTestSite.Secret, text);
        Assert.DoesNotContain("root:x:0", text);
    }

    [Fact]
    public async Task Answers_pipelined_requests_in_order()
    {
        var site = fixture.ZeroCopy;
        var response = await site.RawExchangeAsync(
            "GET /digits.txt HTTP/1.1\r\nHost: x\r\n\r\nHEAD /one.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\n\r\nGET /one.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        string text = Encoding.Latin1.GetString(response);
        var statuses = System.Text.RegularExpressions.Regex.Matches(text, "HTTP/1.1 (\\d{3})").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["200", "200", "404", "200"], statuses);
        int first = text.IndexOf("0123456789", StringComparison.Ordinal);
        Assert.True(first > 0);
        Assert.EndsWith("\r\n\r\nB", text);
    }

    [Fact]
    public async Task Pipelined_requests_split_across_writes_work()
    {
        var site = fixture.ZeroCopy;
        using var socket = await site.ConnectAsync();
        byte[] all = Encoding.ASCII.GetBytes("GET /one.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /one.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        await socket.SendAsync(all.AsMemory(0, 20), SocketFlags.None);
        await socket.SendAsync(all.AsMemory(20, 30), SocketFlags.None);
        await socket.SendAsync(all.AsMemory(50), SocketFlags.None);
        string text = Encoding.Latin1.GetString(await HttpTestSite.ReadToEndAsync(socket, TimeSpan.FromSeconds(10)));
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(text, "HTTP/1.1 200 OK").Count);
    }

    [Theory]
    [InlineData("garbage\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n", 400)]
    [InlineData("GET /a%zz HTTP/1.1\r\n\r\n", 400)]
    [InlineData("POST /one.bin HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 405)]
    [InlineData("DELETE /one.bin HTTP/1.1\r\n\r\n", 405)]
    [InlineData("BREW /pot HTTP/1.1\r\n\r\n", 501)]
    [InlineData("GET /one.bin HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501)]
    [InlineData("GET / HTTP/2.0\r\n\r\n", 505)]
    public async Task Answers_bad_requests_with_the_right_status_and_closes(string request, int expected)
    {
        var site = fixture.Copy;
        var response = await site.RawExchangeAsync(request);
        Assert.Equal(expected, HttpTestSite.StatusOf(response));
        string text = Encoding.Latin1.GetString(response);
        Assert.Contains("Connection: close", text);
        if (expected == 405)
        {
            Assert.Contains("Allow: GET, HEAD", text);
        }

        Assert.Equal(200, HttpTestSite.StatusOf(await site.RawExchangeAsync("GET /one.bin HTTP/1.1\r\nConnection: close\r\n\r\n")));
    }

    [Fact]
    public async Task Answers_414_and_431_to_oversized_heads()
    {
        var site = fixture.Copy;
        var longLine = await site.RawExchangeAsync("GET /" + new string('a', 9000) + " HTTP/1.1\r\n\r\n");
        Assert.Equal(414, HttpTestSite.StatusOf(longLine));
        var headers = new StringBuilder("GET /one.bin HTTP/1.1\r\n");
        for (int i = 0; i < 200; i++)
        {
            headers.Append("X-Filler-").Append(i).Append(": ").Append('y', 100).Append("\r\n");
        }

        var tooBig = await site.RawExchangeAsync(headers.Append("\r\n").ToString());
        Assert.Equal(431, HttpTestSite.StatusOf(tooBig));
    }

    [Fact]
    public async Task Http10_without_keep_alive_closes_after_the_response()
    {
        var response = await fixture.ZeroCopy.RawExchangeAsync("GET /one.bin HTTP/1.0\r\n\r\n");
        string text = Encoding.Latin1.GetString(response);
        Assert.StartsWith("HTTP/1.1 200 OK", text);
        Assert.Contains("Connection: close", text);
        Assert.EndsWith("\r\n\r\nB", text);
    }

    [Fact]
    public async Task Cuts_a_client_that_trickles_its_head()
    {
        await using var site = await HttpTestSite.StartAsync(new HttpBootServerOptions { HeaderTimeout = TimeSpan.FromSeconds(1) });
        using var socket = await site.ConnectAsync();
        var watch = Stopwatch.StartNew();
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /one.bin HTTP/1.1\r\n"), SocketFlags.None);
        var closed = HttpTestSite.ReadToEndAsync(socket, TimeSpan.FromSeconds(10));
        for (int i = 0; i < 40 && !closed.IsCompleted; i++)
        {
            try
            {
                await socket.SendAsync(Encoding.ASCII.GetBytes($"X-{i}: y\r\n"), SocketFlags.None);
            }
            catch (SocketException)
            {
                break;
            }

            await Task.WhenAny(closed, Task.Delay(200));
        }

        byte[] received = await closed;
        Assert.Empty(received);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8));
        await WaitUntilAsync(() => site.Server.Statistics.TimedOut >= 1);
    }

    [Fact]
    public async Task Closes_idle_keep_alive_connections()
    {
        await using var site = await HttpTestSite.StartAsync(new HttpBootServerOptions { KeepAliveTimeout = TimeSpan.FromSeconds(1) });
        using var socket = await site.ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /one.bin HTTP/1.1\r\nHost: x\r\n\r\n"), SocketFlags.None);
        var watch = Stopwatch.StartNew();
        byte[] all = await HttpTestSite.ReadToEndAsync(socket, TimeSpan.FromSeconds(10));
        Assert.EndsWith("\r\n\r\nB", Encoding.Latin1.GetString(all));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Past_the_cap_the_idlest_connection_makes_room_and_only_busy_ones_bring_503()
    {
        await using var site = await HttpTestSite.StartAsync(new HttpBootServerOptions { MaxConnections = 2 });
        using (var first = await site.ConnectAsync())
        using (var second = await site.ConnectAsync())
        {
            await WaitUntilAsync(() => site.Server.Statistics.ActiveConnections == 2);

            // Both wait for a request: the newcomer closes the one that has waited longest and is served.
            Assert.Equal(200, HttpTestSite.StatusOf(await site.RawExchangeAsync("GET /one.bin HTTP/1.1\r\nConnection: close\r\n\r\n")));
            Assert.Equal(1, site.Server.Statistics.EvictedConnections);
            Assert.Empty(await HttpTestSite.ReadToEndAsync(first, TimeSpan.FromSeconds(10)));
        }

        await WaitUntilAsync(() => site.Server.Statistics.ActiveConnections == 0);

        // Two clients that stopped reading a 10 MB body are busy: nothing to close, so the newcomer gets 503.
        using var a = await site.ConnectAsync();
        using var b = await site.ConnectAsync();
        a.ReceiveBufferSize = b.ReceiveBufferSize = 4096;
        await a.SendAsync(Encoding.ASCII.GetBytes("GET /big.bin HTTP/1.1\r\n\r\n"), SocketFlags.None);
        await b.SendAsync(Encoding.ASCII.GetBytes("GET /big.bin HTTP/1.1\r\n\r\n"), SocketFlags.None);
        await WaitUntilAsync(() => site.Server.Statistics.Responses2xx >= 3);
        var refused = await site.RawExchangeAsync("GET /one.bin HTTP/1.1\r\n\r\n");
        Assert.Equal(503, HttpTestSite.StatusOf(refused));
        Assert.Equal(1, site.Server.Statistics.RejectedConnections);
        Assert.Equal(1, site.Server.Statistics.EvictedConnections);
    }

    [Fact]
    public async Task Publishes_transfer_and_refusal_events()
    {
        var hub = new EventHub();
        using var subscription = hub.Subscribe();
        await using var site = await HttpTestSite.StartAsync(events: hub);
        await site.RawExchangeAsync("GET /digits.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /../etc/passwd HTTP/1.1\r\nConnection: close\r\n\r\n");
        var events = new List<PxeEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (events.Count(e => e.Kind is PxeEventKind.TransferCompleted or PxeEventKind.RequestRefused) < 2)
        {
            events.Add(await subscription.Reader.ReadAsync(timeout.Token));
        }

        var started = Assert.Single(events, e => e.Kind == PxeEventKind.TransferStarted);
        Assert.Equal(PxeProtocol.Http, started.Protocol);
        Assert.Equal("digits.txt", started.Path);
        Assert.Equal(100, started.Bytes);
        Assert.Equal(IPAddress.Loopback, started.ClientAddress);
        var completed = Assert.Single(events, e => e.Kind == PxeEventKind.TransferCompleted);
        Assert.Equal(100, completed.Bytes);
        Assert.NotNull(completed.Duration);
        Assert.NotNull(completed.ClientEndPoint);
        var refused = Assert.Single(events, e => e.Kind == PxeEventKind.RequestRefused);
        Assert.StartsWith("403", refused.Error);
        Assert.Equal(PxeProtocol.Http, refused.Protocol);
    }

    [Fact]
    public async Task Reports_a_failed_transfer_when_the_client_leaves()
    {
        var hub = new EventHub();
        using var subscription = hub.Subscribe();
        await using var site = await HttpTestSite.StartAsync(events: hub);
        using (var socket = await site.ConnectAsync())
        {
            socket.ReceiveBufferSize = 4096;
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /big.bin HTTP/1.1\r\n\r\n"), SocketFlags.None);
            var buffer = new byte[4096];
            await socket.ReceiveAsync(buffer, SocketFlags.None);
            socket.LingerState = new LingerOption(true, 0);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        PxeEvent e;
        do
        {
            e = await subscription.Reader.ReadAsync(timeout.Token);
        }
        while (e.Kind != PxeEventKind.TransferFailed && e.Kind != PxeEventKind.TransferCompleted);

        Assert.Equal(PxeEventKind.TransferFailed, e.Kind);
        Assert.True(e.Bytes < 10 * 1024 * 1024);
        Assert.False(string.IsNullOrEmpty(e.Error));
        await WaitUntilAsync(() => site.Server.Statistics.TransfersFailed == 1 && site.Server.Statistics.ActiveConnections == 0);
    }

    [Fact]
    public async Task Start_throws_the_socket_exception_when_the_port_is_taken()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;
        string root = Directory.CreateTempSubdirectory("pxeps-http-port-").FullName;
        try
        {
            await using var server = new HttpBootServer("taken", new HttpBootServerOptions { Address = IPAddress.Loopback, Port = port }, new BootNamespace(root));
            var ex = await Assert.ThrowsAsync<SocketException>(() => server.StartAsync());
            Assert.Equal(SocketError.AddressAlreadyInUse, ex.SocketErrorCode);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Base_uri_names_the_bound_port_and_stats_count()
    {
        await using var site = await HttpTestSite.StartAsync();
        Assert.Equal($"http://127.0.0.1:{site.Port}/", site.BaseUri.AbsoluteUri);
        Assert.Equal("Http", site.Server.Role);
        await site.RawExchangeAsync("GET /digits.txt HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\nConnection: close\r\n\r\n");
        await site.RawExchangeAsync("NOT HTTP AT ALL\r\n\r\n");
        await WaitUntilAsync(() => site.Server.Statistics.ActiveConnections == 0);
        var stats = site.Server.GetStatistics();
        Assert.Equal(3, stats.Requests);
        Assert.Equal(1, stats.Responses2xx);
        Assert.Equal(2, stats.Responses4xx);
        Assert.Equal(1, stats.BadRequests);
        Assert.Equal(2, stats.TotalConnections);
        Assert.True(stats.BytesSent > 100);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "condition not reached in time");
            await Task.Delay(20);
        }
    }
}
