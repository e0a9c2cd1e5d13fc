using System.Net;
using System.Threading.Channels;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>A TftpServer on 127.0.0.1 (or another loopback address), port 0, over a fresh temporary directory; stopped and deleted on dispose.</summary>
internal sealed class TftpTestServer : IAsyncDisposable
{
    private readonly EventHub.Subscription _subscription;

    private readonly IPAddress _address;

    private TftpTestServer(string root, TftpServer server, EventHub hub, IPAddress address)
    {
        _address = address;
        Root = root;
        Server = server;
        _subscription = hub.Subscribe();
    }

    public string Root { get; }

    public TftpServer Server { get; }

    public int Port => Server.EndPoints[0].Port;

    public IPEndPoint EndPoint => new(_address, Port);

    public static async Task<TftpTestServer> StartAsync(TftpServerOptions? options = null, string? root = null, IPAddress? address = null)
    {
        root ??= Directory.CreateTempSubdirectory("pxe-tftp-").FullName;
        address ??= IPAddress.Loopback;
        var hub = new EventHub();
        var server = new TftpServer("tftp-test", (options ?? new TftpServerOptions()) with { Address = address, Port = 0 }, new BootNamespace(root), hub);
        var test = new TftpTestServer(root, server, hub, address);
        await server.StartAsync();
        return test;
    }

    public string WriteFile(string name, long size)
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var data = new byte[size];
        new Random((int)size ^ name.Length).NextBytes(data);
        File.WriteAllBytes(path, data);
        return path;
    }

    /// <summary>Waits for the next event of <paramref name="kind"/> (optionally matching), failing after the timeout.</summary>
    public async Task<PxeEvent> WaitForAsync(PxeEventKind kind, Func<PxeEvent, bool>? match = null, int timeoutMs = 10_000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            while (true)
            {
                var e = await _subscription.Reader.ReadAsync(cts.Token);
                if (e.Kind == kind && (match is null || match(e)))
                {
                    return e;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {kind} event within {timeoutMs} ms; stats: {Server.Statistics}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _subscription.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
