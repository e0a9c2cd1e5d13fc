using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// Downloads files over TFTP on a socket the caller opened and bound (so it may be bound to a device, allowed to
/// broadcast or live in another network namespace): the socket edge of <see cref="TftpDownload"/>. Used by Test-PxeServer's
/// simulated client, the start-up warm-up and the tests. Never throws for the network's sake; the result says how it ended.
/// </summary>
internal sealed class TftpClient
{
    private readonly Socket _socket;
    private readonly TftpClientOptions _options;
    private readonly TimeProvider _time;

    /// <summary>A client on <paramref name="socket"/> (not disposed here).</summary>
    public TftpClient(Socket socket, TftpClientOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        _options = options ?? new TftpClientOptions();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Reads <paramref name="file"/> from <paramref name="server"/> (which may be a broadcast address), handing each run of
    /// new bytes in order to <paramref name="onData"/> together with the download's progress. Cancelling throws
    /// <see cref="OperationCanceledException"/>; everything else ends in the result.
    /// </summary>
    public async Task<TftpDownloadResult> DownloadAsync(IPEndPoint server, string file, Action<ReadOnlyMemory<byte>, TftpDownload>? onData = null, CancellationToken cancellationToken = default)
    {
        var download = new TftpDownload(server, file, _options);
        byte[] last = ArrayPool<byte>.Shared.Rent(1024);
        byte[] reply = ArrayPool<byte>.Shared.Rent(1024);
        byte[] receive = ArrayPool<byte>.Shared.Rent(65536 + 4);
        try
        {
            int lastLength = download.WriteRequest(last);
            await SendAsync(last.AsMemory(0, lastLength), download.Destination, cancellationToken).ConfigureAwait(false);
            var any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            while (download.Status == TftpDownloadStatus.Running)
            {
                if (await ReceiveAsync(receive, any, cancellationToken).ConfigureAwait(false) is not { } got)
                {
                    if (download.TimedOut())
                    {
                        await SendAsync(last.AsMemory(0, lastLength), download.Destination, cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }

                var from = (IPEndPoint)got.RemoteEndPoint;
                int replyLength = download.Receive(receive.AsSpan(0, got.ReceivedBytes), from, reply, out bool toSender, out var data);
                var (offset, length) = data.GetOffsetAndLength(got.ReceivedBytes);
                if (length > 0)
                {
                    onData?.Invoke(receive.AsMemory(offset, length), download);
                }

                if (replyLength > 0)
                {
                    if (!toSender)
                    {
                        reply.AsSpan(0, replyLength).CopyTo(last);
                        lastLength = replyLength;
                    }

                    await SendAsync(reply.AsMemory(0, replyLength), toSender ? from : download.Destination, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (SocketException ex)
        {
            download.Fail(ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(last);
            ArrayPool<byte>.Shared.Return(reply);
            ArrayPool<byte>.Shared.Return(receive);
        }

        return download.Result;
    }

    private async Task SendAsync(ReadOnlyMemory<byte> packet, EndPoint to, CancellationToken cancellationToken) =>
        await _socket.SendToAsync(packet, SocketFlags.None, to, cancellationToken).ConfigureAwait(false);

    /// <summary>One datagram, or null when <see cref="TftpClientOptions.Timeout"/> went by first.</summary>
    private async Task<SocketReceiveFromResult?> ReceiveAsync(byte[] buffer, EndPoint any, CancellationToken cancellationToken)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = _time.CreateTimer(static s => Cancel((CancellationTokenSource)s!), window, _options.Timeout, Timeout.InfiniteTimeSpan);
        try
        {
            return await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, window.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
