using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Win32.SafeHandles;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Interop.Linux;

namespace PxePowerShell.Engine.Http;

/// <summary>
/// The write side of one connection: sends response heads, short status answers and file bodies (copied
/// through a pooled buffer, or zero-copy with sendfile where the source is a host file), each write under the
/// connection's timer (a chunk the client does not take within KeepAliveTimeout ends the connection), and
/// reports refused requests.
/// </summary>
internal sealed class HttpResponseChannel : IDisposable
{
    /// <summary>Bodies up to this size are read and sent with the head in one write.</summary>
    public const int SmallBody = 64 * 1024;

    /// <summary>Copy-mode chunk while at most <see cref="FewConnections"/> are open (fewest system calls; measured fastest).</summary>
    private const int CopyChunk = 256 * 1024;

    /// <summary>
    /// Copy-mode chunk once more connections are open: the file data one connection holds while its client reads. With
    /// 256 KiB for every connection, 900 slow readers of a large file took 300 MB.
    /// </summary>
    private const int CopyChunkUnderLoad = 32 * 1024;

    private const int FewConnections = 32;

    /// <summary>Zero-copy chunk (one sendfile run; the write timer is re-armed per chunk).</summary>
    private const int ZeroCopyChunk = 8 * 1024 * 1024;

    private readonly HttpBootServer _server;
    private readonly Socket _socket;
    private readonly HttpStatistics _stats;
    private readonly ITimer _timer;
    private readonly TimeSpan _writeTimeout;
    private SocketAsyncEventArgs? _sendArgs;

    public HttpResponseChannel(HttpBootServer server, Socket socket, IPEndPoint? remote, ITimer timer)
    {
        _server = server;
        _socket = socket;
        _stats = server.Statistics;
        _timer = timer;
        _writeTimeout = server.Options.KeepAliveTimeout;
        Remote = remote;
    }

    /// <summary>The buffer a response head (and a short body) is written into before it is sent.</summary>
    public byte[] Head { get; } = new byte[4096];

    /// <summary>The client, when the socket could tell.</summary>
    public IPEndPoint? Remote { get; }

    /// <summary>Reports a refused request (an event) and answers it with <paramref name="status"/> and the reason.</summary>
    public Task RefuseAsync(string? path, int status, string reason, bool keepAlive, bool headOnly, bool version10)
    {
        Refused(path, status, reason);
        return SendSimpleAsync(status, reason, keepAlive, headOnly, version10);
    }

    /// <summary>Reports a refused request (an event) without answering it.</summary>
    public void Refused(string? path, int status, string reason) =>
        _server.Report(PxeEventKind.RequestRefused, Remote, path, null, null, $"{status} {HttpResponseWriter.ReasonPhrase(status)}: {reason}");

    /// <summary>Sends a status with a short text body (the reason), or just the head for HEAD.</summary>
    public Task SendSimpleAsync(int status, string reason, bool keepAlive, bool headOnly, bool version10)
    {
        string body = $"{status} {HttpResponseWriter.ReasonPhrase(status)}: {reason}\n";
        int bodyLength = Math.Min(body.Length, 1024);
        var w = new HttpResponseWriter(Head);
        w.StatusLine(status);
        CommonHeaders(ref w, keepAlive, version10);
        if (status == 405)
        {
            w.Header("Allow", "GET, HEAD");
        }
        else if (status == 503)
        {
            w.Header("Retry-After", 1);
        }

        w.Header("Content-Type", "text/plain; charset=utf-8");
        w.Header("Content-Length", bodyLength);
        w.End();
        int length = w.Length;
        if (!headOnly)
        {
            for (int i = 0; i < bodyLength; i++)
            {
                char c = body[i];
                Head[length + i] = c is >= ' ' and < (char)0x7F or '\n' ? (byte)c : (byte)'?';
            }

            length += bodyLength;
        }

        return SendHeadAsync(length, status);
    }

    /// <summary>Sends 200 with a generated text body (the metrics), never cached; just the head for HEAD.</summary>
    public async Task SendTextAsync(string contentType, string text, bool keepAlive, bool headOnly, bool version10)
    {
        byte[] body = Encoding.UTF8.GetBytes(text);
        var w = new HttpResponseWriter(Head);
        w.StatusLine(200);
        CommonHeaders(ref w, keepAlive, version10);
        w.Header("Content-Type", contentType);
        w.Header("Cache-Control", "no-store");
        w.Header("Content-Length", body.Length);
        w.End();
        await SendHeadAsync(w.Length, 200).ConfigureAwait(false);
        if (!headOnly)
        {
            await SendAllAsync(body).ConfigureAwait(false);
            Disarm();
        }
    }

    /// <summary>The headers of every response: Server, Date and the connection's fate.</summary>
    public void CommonHeaders(ref HttpResponseWriter w, bool keepAlive, bool version10)
    {
        w.Header("Server", "PxePowerShell");
        w.Header("Date", _server.CurrentDate());
        if (!keepAlive)
        {
            w.Header("Connection", "close");
        }
        else if (version10)
        {
            w.Header("Connection", "keep-alive");
        }
    }

    /// <summary>Sends the first <paramref name="length"/> bytes of <see cref="Head"/> as a whole response of <paramref name="status"/>.</summary>
    public async Task SendHeadAsync(int length, int status)
    {
        _stats.ResponseSent(status);
        try
        {
            await SendAllAsync(Head.AsMemory(0, length)).ConfigureAwait(false);
        }
        finally
        {
            Disarm();
        }
    }

    /// <summary>Sends every byte of <paramref name="data"/>, each write under the write timeout.</summary>
    public async Task SendAllAsync(ReadOnlyMemory<byte> data)
    {
        while (data.Length > 0)
        {
            _timer.Change(_writeTimeout, Timeout.InfiniteTimeSpan);
            int n = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            _stats.Sent(n);
            data = data[n..];
        }
    }

    /// <summary>Stops the write timeout.</summary>
    public void Disarm() => _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Opens the file's host path for zero-copy sends when that is possible and worth it; null means copy.
    /// The handle must be the same host file (checked through the descriptor's path) and long enough.
    /// </summary>
    public FileStream? OpenForZeroCopy(IBootFile file, long contentLength)
    {
        if (_server.BodySendMode != HttpBodySendMode.ZeroCopy || contentLength <= SmallBody || file.Physical is not { } physical || !OperatingSystem.IsLinux())
        {
            return null;
        }

        SafeFileHandle? handle = null;
        try
        {
            handle = File.OpenHandle(physical.HostPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
            string? real = ProcFs.DescriptorPath(handle);
            if (real is null || !string.Equals(real, Path.GetFullPath(physical.HostPath), StringComparison.Ordinal)
                || RandomAccess.GetLength(handle) < physical.Offset + file.Length)
            {
                handle.Dispose();
                return null;
            }

            return new FileStream(handle, FileAccess.Read, 1, isAsync: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            handle?.Dispose();
            return null;
        }
    }

    /// <summary>
    /// Sends the first <paramref name="prefixLength"/> bytes of <see cref="Head"/> followed by one range of the
    /// file (zero-copy from <paramref name="stream"/> when it is given); returns the file bytes sent.
    /// </summary>
    public async Task<long> SendBodyAsync(IBootFile file, FileStream? stream, ByteRange range, int prefixLength)
    {
        if (stream is not null && range.Length > SmallBody)
        {
            long baseOffset = file.Physical!.Offset;
            long done = 0;
            bool first = true;
            while (done < range.Length)
            {
                int chunk = (int)Math.Min(ZeroCopyChunk, range.Length - done);
                SendPacketsElement[] elements = first && prefixLength > 0
                    ? [new SendPacketsElement(Head, 0, prefixLength), new SendPacketsElement(stream, baseOffset + range.Start + done, chunk, true)]
                    : [new SendPacketsElement(stream, baseOffset + range.Start + done, chunk, true)];
                long expected = chunk + (first ? prefixLength : 0);
                _timer.Change(_writeTimeout, Timeout.InfiniteTimeSpan);
                await SendPacketsAsync(elements, expected).ConfigureAwait(false);
                first = false;
                done += chunk;
            }

            return done;
        }

        // The buffer is rented per body and given back after it, so an idle keep-alive connection holds none.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_server.OpenConnections > FewConnections ? CopyChunkUnderLoad : CopyChunk);
        try
        {
            Head.AsSpan(0, prefixLength).CopyTo(buffer);
            int used = prefixLength;
            long offset = range.Start;
            long remaining = range.Length;
            while (remaining > 0 || used > 0)
            {
                while (remaining > 0 && used < buffer.Length)
                {
                    int want = (int)Math.Min(buffer.Length - used, remaining);
                    int n = await file.ReadAsync(offset, buffer.AsMemory(used, want), _server.LifetimeToken).ConfigureAwait(false);
                    if (n <= 0)
                    {
                        throw new IOException("the file became shorter while it was being sent");
                    }

                    used += n;
                    offset += n;
                    remaining -= n;
                }

                await SendAllAsync(buffer.AsMemory(0, used)).ConfigureAwait(false);
                used = 0;
            }

            return range.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Releases the zero-copy send state.</summary>
    public void Dispose() => _sendArgs?.Dispose();

    private Task SendPacketsAsync(SendPacketsElement[] elements, long expected)
    {
        var args = _sendArgs;
        if (args is null)
        {
            args = new SocketAsyncEventArgs();
            args.Completed += static (_, e) => ((TaskCompletionSource)e.UserToken!).TrySetResult();
            _sendArgs = args;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        args.UserToken = done;
        args.SendPacketsElements = elements;
        if (!_socket.SendPacketsAsync(args))
        {
            done.TrySetResult();
        }

        return Finish(done.Task, args, expected);

        async Task Finish(Task completed, SocketAsyncEventArgs e, long want)
        {
            await completed.ConfigureAwait(false);
            if (e.SocketError != SocketError.Success)
            {
                throw new SocketException((int)e.SocketError);
            }

            _stats.Sent(e.BytesTransferred);
            if (e.BytesTransferred != want)
            {
                throw new IOException("the file became shorter while it was being sent");
            }
        }
    }
}
