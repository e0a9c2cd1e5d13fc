using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// The portable receiver: one <c>await Socket.ReceiveFromAsync</c> loop per session on the thread pool.
/// Used where neither io_uring nor epoll is available (not Linux, or their setup failed) or when asked for
/// (<see cref="TftpReceiveMode.Async"/>).
/// </summary>
internal sealed class AsyncReceiveLoop : ITftpDatagramReceiver
{
    public string Kind => "async";

    public Task Attach(TftpSession session) => ReceiveLoopAsync(session);

    public bool Detach(TftpSession session) => false; // the session closes the socket, which ends the pending receive

    public Task StopAsync() => Task.CompletedTask;

    private static async Task ReceiveLoopAsync(TftpSession session)
    {
        var socket = session.Socket;
        int size = session.ReceiveSize + 1; // one byte more than a datagram may have: a longer one shows as too long
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var from = new SocketAddress(socket.AddressFamily);
        try
        {
            while (!session.IsFinished)
            {
                int received;
                try
                {
                    received = await socket.ReceiveFromAsync(buffer.AsMemory(0, size), SocketFlags.None, from).ConfigureAwait(false);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
                {
                    continue;
                }

                if (received < size) // a longer datagram is dropped whole, never handled cut short
                {
                    session.OnDatagram(buffer.AsSpan(0, received), from);
                }
            }
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
            // The socket was closed under the receive (stop or finish).
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            session.OnReceiveFailed();
        }
    }
}
