using System.Net;
using System.Net.Sockets;
using System.Text;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Http;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Hosting;

/// <summary>
/// Runs the TFTP and HTTP request paths once right after start, so the first real client does not pay for compiling
/// them: measured in the firmware lab, the first HTTP response (boot.ipxe) left 70 ms after its request and later ones
/// at once. The requests go to throwaway servers on 127.0.0.1 over the same boot namespace, with no event hub, so they
/// show up in no event, statistic or inventory of the real server. Best effort: any failure (no loopback in a network
/// namespace, a cancelled start) just ends the warm-up.
/// </summary>
internal static class StartupWarmUp
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Fetches the generated iPXE script over HTTP and the pxelinux menu over TFTP (a 404 or ERROR 1 still warms the path);
    /// true when every exchange ran to its end, false when one failed or took longer than 5 seconds.
    /// </summary>
    public static async Task<bool> RunAsync(BootNamespace files, bool http, bool tftp, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            if (http)
            {
                await HttpAsync(files, limit.Token).ConfigureAwait(false);
            }

            if (tftp)
            {
                await TftpAsync(files, limit.Token).ConfigureAwait(false);
            }

            return true;
        }
#pragma warning disable CA1031 // Best effort by design: the real server is already serving.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    private static async Task HttpAsync(BootNamespace files, CancellationToken cancellationToken)
    {
        await using var server = new HttpBootServer("warm-up", new HttpBootServerOptions { Address = IPAddress.Loopback, Port = 0 }, files);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(server.EndPoints[0], cancellationToken).ConfigureAwait(false);
        await client.SendAsync(Encoding.ASCII.GetBytes("GET /boot.ipxe HTTP/1.1\r\nHost: warm-up\r\nConnection: close\r\n\r\n"), cancellationToken).ConfigureAwait(false);
        var buffer = new byte[16384];
        while (await client.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }

        await server.StopAsync().ConfigureAwait(false);
    }

    /// <summary>The block size the warm-up asks for: what PXE firmware typically negotiates, so the same paths run.</summary>
    private const int BlockSize = 1468;

    private static async Task TftpAsync(BootNamespace files, CancellationToken cancellationToken)
    {
        await using var server = new TftpServer("warm-up", new TftpServerOptions { Address = IPAddress.Loopback, Port = 0 }, files);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        // To the end: OACK, every DATA and the last short block; an ERROR (no menu) ends it too.
        var client = new TftpClient(socket, new TftpClientOptions { BlockSize = BlockSize, AskSize = true, Timeout = Limit, Retries = 0 });
        var result = await client.DownloadAsync(server.EndPoints[0], "pxelinux.cfg/default", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.Status is TftpDownloadStatus.NoAnswer or TftpDownloadStatus.Stalled or TftpDownloadStatus.SocketError)
        {
            throw new IOException($"the TFTP warm-up ended {result.Status}");
        }

        await server.StopAsync().ConfigureAwait(false);
    }
}
