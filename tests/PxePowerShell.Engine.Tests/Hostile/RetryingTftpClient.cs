using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Tests.TestSupport;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// The engine's <see cref="TftpClient"/> set up like firmware on a bad day: it sends its last packet again when nothing
/// comes back in time (the RRQ, then its last ACK), locks onto the first server TID and answers another with ERROR 5.
/// </summary>
internal static class RetryingTftpClient
{
    /// <summary>Downloads <paramref name="name"/> (blksize 512, no options); throws on an ERROR or after <paramref name="maxRetries"/> silent timeouts in a row.</summary>
    public static async Task<byte[]> GetAsync(IPAddress local, IPEndPoint server, string name, TimeSpan retry, int maxRetries = 30)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(local, 0));
        return await TestTftpClient.DownloadAsync(socket, server, name, new TftpClientOptions { Timeout = retry, Retries = maxRetries });
    }

    /// <summary>
    /// Downloads <paramref name="name"/> with windowsize <paramref name="windowSize"/> (RFC 7440) over
    /// <paramref name="socket"/>: ACK 0 to every OACK, an ACK after each full window, an ACK of the last block received
    /// in order as soon as a block is missing or repeated, and the last ACK (or the RRQ) again after a silent
    /// <paramref name="retry"/>. Throws on an ERROR or after <paramref name="maxRetries"/> silent timeouts in a row.
    /// </summary>
    public static Task<byte[]> GetWindowedAsync(Socket socket, IPEndPoint server, string name, int windowSize, TimeSpan retry, int maxRetries = 30) =>
        TestTftpClient.DownloadAsync(socket, server, name, new TftpClientOptions { WindowSize = windowSize, Timeout = retry, Retries = maxRetries });
}
