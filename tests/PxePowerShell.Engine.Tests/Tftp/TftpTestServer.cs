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

    /// <summary>
    /// Starts a read of <paramref name="file"/> (at least two blocks) with <paramref name="client"/>, has a
    /// second client send an ACK to the transfer's port and asserts that it gets ERROR 5 and that the transfer
    /// goes on (ACK 1 brings DATA 2). Returns the transfer's endpoint.
    /// </summary>
    public async Task<IPEndPoint> AssertStrangerIsTurnedAwayAsync(TftpRawClient client, string file)
    {
        using var stranger = new TftpRawClient(_address);
        client.SendRequest(EndPoint, TftpOpcode.ReadRequest, file);
        var (_, from) = await client.ReceiveAsync();
        stranger.Send(from, [0, 4, 0, 1]);
        var (answer, _) = await stranger.ReceiveAsync();
        Assert.True(TftpPacket.TryParseError(answer, out var code, out _));
        Assert.Equal(TftpErrorCode.UnknownTransferId, code);
        client.Send(from, [0, 4, 0, 1]);
        var (second, _) = await client.ReceiveAsync();
        Assert.True(TftpPacket.TryParseData(second, out ushort block, out _));
        Assert.Equal(2, block);
        return from;
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
