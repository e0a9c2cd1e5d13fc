using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Http;

namespace PxePowerShell.Engine.Tests.Http;

/// <summary>A temporary boot root with known files, an HTTP server on 127.0.0.1:0 over it, and client helpers.</summary>
internal sealed class HttpTestSite : IAsyncDisposable
{
    public const string Secret = "TOP-SECRET-OUTSIDE-THE-ROOT";

    private HttpTestSite(string directory, HttpBootServer server)
    {
        Directory = directory;
        Server = server;
    }

    public string Directory { get; }

    public string Root => Path.Combine(Directory, "root");

    public HttpBootServer Server { get; }

    public Uri BaseUri => Server.BaseUri;

    public int Port => Server.EndPoints[0].Port;

    public static async Task<HttpTestSite> StartAsync(HttpBootServerOptions? options = null, HttpBodySendMode mode = HttpBodySendMode.ZeroCopy, EventHub? events = null)
    {
        string directory = Path.Combine(Path.GetTempPath(), "pxeps-http-" + Guid.NewGuid().ToString("N"));
        string root = Path.Combine(directory, "root");
        System.IO.Directory.CreateDirectory(Path.Combine(root, "pxelinux.cfg"));
        System.IO.Directory.CreateDirectory(Path.Combine(root, "sub", "deeper"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "outside"));
        File.WriteAllText(Path.Combine(directory, "outside", "secret.txt"), Secret);
        File.WriteAllText(Path.Combine(directory, "secret.txt"), Secret);
        File.WriteAllBytes(Path.Combine(root, "empty.bin"), []);
        File.WriteAllBytes(Path.Combine(root, "one.bin"), [0x42]);
        File.WriteAllBytes(Path.Combine(root, "big.bin"), RandomBytes(10 * 1024 * 1024, 7));
        File.WriteAllBytes(Path.Combine(root, "digits.txt"), Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(i => (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture)))));
        File.WriteAllText(Path.Combine(root, "pxelinux.cfg", "default"), "DEFAULT linux\n");
        File.WriteAllText(Path.Combine(root, "sub", "a b+c.cfg"), "spaced\n");
        File.WriteAllText(Path.Combine(root, "boot.ipxe"), "#!ipxe\nchain http://x/y\n");
        File.SetLastWriteTimeUtc(Path.Combine(root, "boot.ipxe"), new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        File.CreateSymbolicLink(Path.Combine(root, "escape-link"), Path.Combine(directory, "secret.txt"));
        File.CreateSymbolicLink(Path.Combine(root, "passwd-link"), "/etc/passwd");
        System.IO.Directory.CreateSymbolicLink(Path.Combine(root, "outside-dir"), Path.Combine(directory, "outside"));

        var files = new BootNamespace(root);
        options ??= new HttpBootServerOptions();
        options = options with { Address = IPAddress.Loopback, Port = 0 };
        var server = new HttpBootServer("http-test", options, files, events) { BodySendMode = mode };
        await server.StartAsync();
        return new HttpTestSite(directory, server);
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public string Sha256OfRootFile(string name) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(Root, name))));

    /// <summary>Runs curl with the arguments; returns exit code and stdout.</summary>
    public static async Task<(int ExitCode, string Output)> CurlAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--max-time");
        info.ArgumentList.Add("30");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await process.WaitForExitAsync(timeout.Token);
        await error;
        return (process.ExitCode, await output);
    }

    /// <summary>Connects a raw client to the server.</summary>
    public async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Port);
        return socket;
    }

    /// <summary>Sends raw bytes and reads until the server closes (or the timeout).</summary>
    public async Task<byte[]> RawExchangeAsync(byte[] request, TimeSpan? timeout = null)
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync(request, SocketFlags.None);
        return await ReadToEndAsync(socket, timeout ?? TimeSpan.FromSeconds(10));
    }

    public Task<byte[]> RawExchangeAsync(string request, TimeSpan? timeout = null) => RawExchangeAsync(Encoding.Latin1.GetBytes(request), timeout);

    /// <summary>Reads until the peer closes; throws TimeoutException after <paramref name="timeout"/>.</summary>
    public static async Task<byte[]> ReadToEndAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var all = new MemoryStream();
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                int n;
                try
                {
                    n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
                {
                    break;
                }

                if (n == 0)
                {
                    break;
                }

                all.Write(buffer, 0, n);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The server did not close the connection within {timeout}; got {all.Length} bytes.");
        }

        return all.ToArray();
    }

    public static int StatusOf(byte[] response)
    {
        string text = Encoding.Latin1.GetString(response);
        Assert.StartsWith("HTTP/1.1 ", text);
        return int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
