using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Http;
using PxePowerShell.Engine.Services;
using PxePowerShell.Engine.Tests.Http;
using Xunit.Abstractions;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// Attacks on the HTTP server from outside, on loopback with clients this project did not write (curl, openssl, python):
/// a FIFO and a device in the root, a second server on the same port, requests that are not HTTP/1.x, one address holding
/// a thousand connections, idle connections from many addresses filling the server, keep-alive hoarding, and case and
/// trailing-slash lookups. Each asserts that a normal client (curl from another loopback address) is still served.
/// </summary>
public sealed class HttpHostileTests(ITestOutputHelper output)
{
    private const string NormalClient = "127.0.0.2";

    [Fact]
    public async Task Fifo_and_device_in_the_root_are_refused_at_once_and_pin_no_thread()
    {
        await using var site = await HttpTestSite.StartAsync();
        Run("mkfifo", Path.Combine(site.Root, "fifo"));
        Run("mknod", Path.Combine(site.Root, "null"), "c", "1", "3");
        int threads = Process.GetCurrentProcess().Threads.Count;

        // 40 GETs of the FIFO at once (each used to pin a thread in open(2) for good), and the device.
        var watch = Stopwatch.StartNew();
        var codes = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => StatusAsync(site, "/fifo", maxTime: 5)));
        output.WriteLine($"40 GET /fifo: {string.Join(",", codes.Distinct())} in {watch.ElapsedMilliseconds} ms; threads {threads} -> {Process.GetCurrentProcess().Threads.Count}");
        Assert.All(codes, c => Assert.Equal("403", c));
        Assert.Equal("403", await StatusAsync(site, "/null"));
        Assert.Equal("200", await StatusAsync(site, "/one.bin"));
        Assert.True(Process.GetCurrentProcess().Threads.Count < threads + 20, "GET /fifo pinned threads");
        await WaitForIdleAsync(site);
    }

    [Fact]
    public async Task A_second_server_on_the_same_port_fails_with_PortInUse_and_the_first_keeps_every_client()
    {
        await using var first = await HttpTestSite.StartAsync();
        string other = Directory.CreateTempSubdirectory("pxe-http-second-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(other, "digits.txt"), "the second root");
            await using var second = new HttpBootServer("second", new HttpBootServerOptions { Address = IPAddress.Loopback, Port = first.Port }, new BootNamespace(other));
            // The bind fails as TFTP's does: the SocketException unchanged, which the cmdlets turn into ErrorId PortInUse.
            var ex = await Assert.ThrowsAsync<SocketException>(() => second.StartAsync());
            Assert.Equal(SocketError.AddressAlreadyInUse, ex.SocketErrorCode);
            Assert.Equal(PxeServerState.Faulted, second.State);

            // Every client still reaches the first server's root (with SO_REUSEPORT the kernel split them 11/9).
            for (int i = 0; i < 20; i++)
            {
                var (code, body) = await HttpTestSite.CurlAsync("-s", "--interface", NormalClient, new Uri(first.BaseUri, "digits.txt").ToString());
                Assert.Equal(0, code);
                Assert.StartsWith("0123456789", body, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    public static TheoryData<string, string> NotHttp => new()
    {
        { "HTTP/0.9 request line", "474554202f6f6e652e62696e0d0a" },                          // "GET /one.bin\r\n"
        { "binary garbage", "00ff13370102030405060708090a0b0c0d0e0f" + new string('a', 64) },
        { "a method longer than any", new string('4', 200) },                                 // "GGGG..." without a space
        { "a control byte in the target", "474554202f01" },                                   // "GET /\x01"
        { "HTTP/2 preface", "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a" },             // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    };

    [Theory]
    [MemberData(nameof(NotHttp))]
    public async Task What_is_not_an_http_1_request_is_answered_at_once(string what, string hex)
    {
        await using var site = await HttpTestSite.StartAsync(new HttpBootServerOptions { HeaderTimeout = TimeSpan.FromSeconds(10) });
        var watch = Stopwatch.StartNew();
        string reply = await PythonExchangeAsync(site.Port, hex);
        output.WriteLine($"{what}: '{reply.Split('\n')[0].Trim()}' after {watch.ElapsedMilliseconds} ms");
        Assert.True(reply.StartsWith("HTTP/1.1 400", StringComparison.Ordinal) || reply.StartsWith("HTTP/1.1 505", StringComparison.Ordinal), reply);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"{what} was answered after {watch.Elapsed} (the header timeout is 10 s)");
        Assert.Equal("200", await StatusAsync(site, "/one.bin"));
    }

    [Fact]
    public async Task A_tls_client_hello_is_refused_at_once()
    {
        await using var site = await HttpTestSite.StartAsync();
        var watch = Stopwatch.StartNew();
        var (exit, _, error) = await RunAsync("openssl", TimeSpan.FromSeconds(15), "s_client", "-connect", $"127.0.0.1:{site.Port}", "-servername", "boot.example");
        output.WriteLine($"openssl s_client: exit {exit} after {watch.ElapsedMilliseconds} ms: {error.Split('\n')[0]}");
        Assert.NotEqual(0, exit);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"the TLS handshake was refused after {watch.Elapsed} (the header timeout is 10 s)");
        Assert.Equal(1, site.Server.Statistics.BadRequests);
        Assert.Equal("200", await StatusAsync(site, "/one.bin"));
    }

    [Theory]
    [InlineData(false, "/DIGITS.TXT", "404")]
    [InlineData(true, "/DIGITS.TXT", "200")]
    [InlineData(false, "/digits.txt/", "404")]
    [InlineData(true, "/Digits.Txt/", "404")]
    [InlineData(false, "/digits.txt", "200")]
    [InlineData(false, "/SUB/deeper/", "404")]
    public async Task Lookups_are_case_sensitive_unless_IgnoreCase_and_a_file_is_not_a_directory(bool ignoreCase, string path, string expected)
    {
        await using var site = await HttpTestSite.StartAsync(new HttpBootServerOptions { IgnoreCase = ignoreCase });
        Assert.Equal(expected, await StatusAsync(site, path));
    }

    [Fact]
    public async Task A_thousand_slowloris_connections_from_one_address_leave_other_clients_served()
    {
        // The default limits: 1,000 connections in all, 64 per address. Before, the cap was global only: one address
        // holding 1,000 half-sent heads made everyone else get 503.
        await using var site = await HttpTestSite.StartAsync();
        var sockets = await OpenAsync(site, Enumerable.Repeat(IPAddress.Loopback, 1000), "GET /one.bin HTTP/1.1\r\nX-Slow: ");
        try
        {
            await WaitUntilAsync(() => site.Server.Statistics.RejectedConnections >= 1000 - 64, "the connections past 64 to be refused");
            var codes = await NormalRequestsAsync(site, 20);
            output.WriteLine($"1,000 slowloris connections from 127.0.0.1: a client at {NormalClient} got {string.Join(",", codes)}; {site.Server.Statistics}");
            Assert.All(codes, c => Assert.Equal("200", c));
            Assert.True(site.Server.Statistics.ActiveConnections <= 64, "127.0.0.1 holds more than 64 connections");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }

        await WaitForIdleAsync(site);
        Assert.Equal("200", await StatusAsync(site, "/one.bin"));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(0)]
    public async Task Idle_connections_filling_the_server_make_room_for_a_new_client(int perAddress)
    {
        // 400 idle connections from 20 addresses (20 each) at a server capped at 200: the idlest are closed for newcomers.
        await using var site = await HttpTestSite.StartAsync(new HttpBootServerOptions { MaxConnections = 200, MaxConnectionsPerAddress = perAddress });
        var sources = Enumerable.Range(0, 400).Select(i => IPAddress.Parse($"127.0.1.{10 + (i % 20)}"));
        var sockets = await OpenAsync(site, sources, null);
        try
        {
            await WaitUntilAsync(() => site.Server.Statistics.EvictedConnections >= 200, "the idlest connections to be evicted");
            var codes = await NormalRequestsAsync(site, 20);
            output.WriteLine($"400 idle connections, cap 200, {perAddress} per address: {string.Join(",", codes)}; {site.Server.Statistics.EvictedConnections} evicted, {site.Server.Statistics.RejectedConnections} refused");
            Assert.All(codes, c => Assert.Equal("200", c));
            Assert.Equal(0, site.Server.Statistics.RejectedConnections);
            Assert.True(site.Server.Statistics.ActiveConnections <= 200);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }

        await WaitForIdleAsync(site);
    }

    [Fact]
    public async Task Keep_alive_connections_are_closed_sooner_under_load()
    {
        // 16 keep-alive clients of a server capped at 20: past half, an idle keep-alive connection gets 300 ms instead of
        // 30 s, until the server is back at half its cap (10); those 10 keep the ordinary 30 s.
        await using var site = await HttpTestSite.StartAsync(new HttpBootServerOptions { MaxConnections = 20, KeepAliveTimeout = TimeSpan.FromSeconds(30), KeepAliveTimeoutUnderLoad = TimeSpan.FromMilliseconds(300) });
        var sockets = await OpenAsync(site, Enumerable.Repeat(IPAddress.Loopback, 16), "GET /one.bin HTTP/1.1\r\nHost: x\r\n\r\n");
        try
        {
            var watch = Stopwatch.StartNew();
            await WaitUntilAsync(() => site.Server.Statistics.Responses2xx == 16 && site.Server.Statistics.ActiveConnections == 10, "the idle connections to be trimmed to half the cap");
            output.WriteLine($"16 keep-alive connections at a cap of 20: trimmed to 10 after {watch.ElapsedMilliseconds} ms");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
            Assert.Equal(6, site.Server.Statistics.TimedOut);

            // Below half the cap the idle connections keep the ordinary 30 s.
            // (an observation window of five idle checks, not a synchronisation)
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.Equal(10, site.Server.Statistics.ActiveConnections);
            Assert.Equal(6, site.Server.Statistics.TimedOut);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    /// <summary>Connects one socket per source address and sends <paramref name="send"/> on each (errors ignored: a refused one is reset).</summary>
    private static async Task<List<Socket>> OpenAsync(HttpTestSite site, IEnumerable<IPAddress> sources, string? send)
    {
        var sockets = new List<Socket>();
        foreach (var source in sources)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            sockets.Add(s);
            s.Bind(new IPEndPoint(source, 0));
            await s.ConnectAsync(IPAddress.Loopback, site.Port);
            if (send is not null)
            {
                try
                {
                    await s.SendAsync(Encoding.ASCII.GetBytes(send), SocketFlags.None);
                }
                catch (SocketException)
                {
                }
            }
        }

        return sockets;
    }

    private static async Task<string[]> NormalRequestsAsync(HttpTestSite site, int count)
    {
        var codes = new string[count];
        for (int i = 0; i < count; i++)
        {
            codes[i] = await StatusAsync(site, "/one.bin");
        }

        return codes;
    }

    /// <summary>curl from <see cref="NormalClient"/>: the status code, or "000" when it got none.</summary>
    private static async Task<string> StatusAsync(HttpTestSite site, string path, int maxTime = 10)
    {
        var (_, output) = await HttpTestSite.CurlAsync("-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", maxTime.ToString(System.Globalization.CultureInfo.InvariantCulture), "--interface", NormalClient, "--path-as-is", $"http://127.0.0.1:{site.Port}{path}");
        return output;
    }

    /// <summary>python3 sends the bytes, reads until the server closes (5 s at most) and prints what came back.</summary>
    private static async Task<string> PythonExchangeAsync(int port, string hex)
    {
        const string script = "import socket,sys\ns=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\ns.settimeout(5)\ns.sendall(bytes.fromhex(sys.argv[2]))\nd=b''\ntry:\n  while True:\n    c=s.recv(65536)\n    if not c: break\n    d+=c\nexcept Exception as e:\n  d+=b'[' + repr(e).encode() + b']'\nsys.stdout.write(d.decode('latin-1'))\n";
        var (_, stdout, _) = await RunAsync("/usr/bin/python3", TimeSpan.FromSeconds(15), "-c", script, port.ToString(System.Globalization.CultureInfo.InvariantCulture), hex);
        return stdout;
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, TimeSpan timeout, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"{file} did not end within {timeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static void Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} failed: {error}");
    }

    private static Task WaitForIdleAsync(HttpTestSite site) =>
        WaitUntilAsync(() => site.Server.Statistics.ActiveConnections == 0, "every connection to close");

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), $"{what} did not happen in time");
            await Task.Delay(20);
        }
    }
}
