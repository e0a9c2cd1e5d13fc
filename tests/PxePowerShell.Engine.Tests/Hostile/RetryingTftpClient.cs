using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// A lock-step TFTP client that behaves like firmware on a bad day: it sends its last packet again when nothing comes
/// back in time (the RRQ, then its last ACK), locks onto the first server TID and answers any other with ERROR 5.
/// </summary>
internal static class RetryingTftpClient
{
    /// <summary>Downloads <paramref name="name"/> (blksize 512, no options); throws on an ERROR or after <paramref name="maxRetries"/> silent timeouts in a row.</summary>
    public static async Task<byte[]> GetAsync(IPAddress local, IPEndPoint server, string name, TimeSpan retry, int maxRetries = 30)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(local, 0));
        var buffer = new byte[2048];
        byte[] last = new byte[512];
        int lastLength = TftpPacket.WriteRequest(last, TftpOpcode.ReadRequest, name, "octet");
        EndPoint lastTo = server;
        IPEndPoint? tid = null;
        var data = new MemoryStream();
        ushort expected = 1;
        int retries = 0;
        socket.SendTo(last.AsSpan(0, lastLength), SocketFlags.None, lastTo);
        while (true)
        {
            SocketReceiveFromResult received;
            using (var cts = new CancellationTokenSource(retry))
            {
                try
                {
                    received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
                }
                catch (OperationCanceledException)
                {
                    if (++retries > maxRetries)
                    {
                        throw new TimeoutException($"{name}: no answer after {maxRetries} retries (block {expected})");
                    }

                    socket.SendTo(last.AsSpan(0, lastLength), SocketFlags.None, lastTo);
                    continue;
                }
            }

            var from = (IPEndPoint)received.RemoteEndPoint;
            if (tid is null && from.Address.Equals(server.Address))
            {
                tid = from;
            }
            else if (!from.Equals(tid))
            {
                // A second session started by a repeated RRQ: tell it to stop (RFC 1350).
                int n = TftpPacket.WriteError(buffer, TftpErrorCode.UnknownTransferId, "unknown transfer ID");
                socket.SendTo(buffer.AsSpan(0, n), SocketFlags.None, from);
                continue;
            }

            if (TftpPacket.TryParseError(buffer.AsSpan(0, received.ReceivedBytes), out var code, out string message))
            {
                throw new IOException($"ERROR {(int)code}: {message}");
            }

            if (!TftpPacket.TryParseData(buffer.AsSpan(0, received.ReceivedBytes), out ushort block, out var payload))
            {
                continue;
            }

            bool done = false;
            if (block == expected)
            {
                data.Write(payload);
                done = payload.Length < 512;
                expected++;
                retries = 0;
            }

            lastLength = TftpPacket.WriteAck(last, block);
            lastTo = tid;
            socket.SendTo(last.AsSpan(0, lastLength), SocketFlags.None, lastTo);
            if (done)
            {
                return data.ToArray();
            }
        }
    }
    /// <summary>
    /// Downloads <paramref name="name"/> with windowsize <paramref name="windowSize"/> (RFC 7440) over
    /// <paramref name="socket"/>: ACK 0 to every OACK, an ACK after each full window, an ACK of the last block received
    /// in order as soon as a block is missing or repeated, and the last ACK (or the RRQ) again after a silent
    /// <paramref name="retry"/>. Throws on an ERROR or after <paramref name="maxRetries"/> silent timeouts in a row.
    /// </summary>
    public static async Task<byte[]> GetWindowedAsync(Socket socket, IPEndPoint server, string name, int windowSize, TimeSpan retry, int maxRetries = 30)
    {
        var buffer = new byte[2048];
        byte[] last = new byte[512];
        int lastLength = TftpPacket.WriteRequest(last, TftpOpcode.ReadRequest, name, "octet", [new TftpOption("windowsize", windowSize.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        EndPoint lastTo = server;
        IPEndPoint? tid = null;
        var data = new MemoryStream();
        ushort expected = 1;
        int inWindow = 0, retries = 0;
        socket.SendTo(last.AsSpan(0, lastLength), SocketFlags.None, lastTo);
        while (true)
        {
            SocketReceiveFromResult received;
            using (var cts = new CancellationTokenSource(retry))
            {
                try
                {
                    received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
                }
                catch (OperationCanceledException)
                {
                    if (++retries > maxRetries)
                    {
                        throw new TimeoutException($"{name}: no answer after {maxRetries} retries (block {expected})");
                    }

                    socket.SendTo(last.AsSpan(0, lastLength), SocketFlags.None, lastTo);
                    continue;
                }
            }

            var from = (IPEndPoint)received.RemoteEndPoint;
            if (tid is null && from.Address.Equals(server.Address))
            {
                tid = from;
            }
            else if (!from.Equals(tid))
            {
                int n = TftpPacket.WriteError(buffer, TftpErrorCode.UnknownTransferId, "unknown transfer ID");
                socket.SendTo(buffer.AsSpan(0, n), SocketFlags.None, from);
                continue;
            }

            var packet = buffer.AsSpan(0, received.ReceivedBytes);
            if (TftpPacket.TryParseError(packet, out var code, out string message))
            {
                throw new IOException($"ERROR {(int)code}: {message}");
            }

            if (TftpPacket.ReadOpcode(packet) == TftpOpcode.OptionAck)
            {
                if (expected == 1)
                {
                    // A repeated OACK (its ACK 0 was lost, or the network doubled it) is answered again, not an error.
                    lastLength = TftpPacket.WriteAck(last, 0);
                    lastTo = tid;
                    socket.SendTo(last.AsSpan(0, lastLength), SocketFlags.None, lastTo);
                }

                continue;
            }

            if (!TftpPacket.TryParseData(packet, out ushort block, out var payload))
            {
                continue;
            }

            bool done = false, ack;
            if (block == expected)
            {
                data.Write(payload);
                done = payload.Length < 512;
                expected++;
                retries = 0;
                ack = done || ++inWindow == windowSize;
            }
            else
            {
                ack = true; // a gap or a repeat: tell the server where to start again
            }

            if (ack)
            {
                inWindow = 0;
                lastLength = TftpPacket.WriteAck(last, (ushort)(expected - 1));
                lastTo = tid;
                socket.SendTo(last.AsSpan(0, lastLength), SocketFlags.None, lastTo);
            }

            if (done)
            {
                return data.ToArray();
            }
        }
    }
}
